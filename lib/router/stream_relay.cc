#include "lib/router/stream_relay.h"

#include "lib/router/router.h"

namespace understudy {

StreamRelay::StreamRelay(StreamSink& sink, CommitListener& listener, std::string stream_id,
                         std::int64_t created, bool include_usage)
    : sink_(sink),
      listener_(listener),
      id_(std::move(stream_id)),
      created_(created),
      include_usage_(include_usage) {}

void StreamRelay::begin_attempt(const std::string& model, bool continuation) {
  pending_.clear();
  held_finish_.reset();
  attempt_usage_.reset();
  attempt_model_ = model;
  continuation_ = continuation;
}

void StreamRelay::normalize(Json& chunk) {
  if (!committed_ && chunk.contains("model") && chunk["model"].is_string() &&
      !chunk["model"].get_ref<const std::string&>().empty()) {
    attempt_model_ = chunk["model"].get<std::string>();
  }
  chunk["id"] = id_;
  chunk["object"] = "chat.completion.chunk";
  chunk["created"] = created_;
  chunk["model"] = committed_ ? served_model_ : attempt_model_;
  if (include_usage_ && !chunk.contains("usage")) chunk["usage"] = nullptr;
}

bool StreamRelay::emit(Json chunk) {
  if (caller_gone_) return false;
  if (!sink_.on_chunk(chunk)) caller_gone_ = true;
  return !caller_gone_;
}

bool StreamRelay::commit() {
  committed_ = true;
  served_model_ = attempt_model_;
  const RequestRecord& record = listener_.on_commit();
  if (!sink_.on_commit(record)) {
    caller_gone_ = true;
    return false;
  }
  for (Json& c : pending_) {
    c["model"] = served_model_;
    if (!emit(std::move(c))) return false;
  }
  pending_.clear();
  return true;
}

void StreamRelay::absorb_usage(const Json& usage) {
  Usage u = usage_from_json(usage);
  if (u.present) attempt_usage_ = u;
}

bool StreamRelay::on_event(StreamEvent& event) {
  if (event.kind == StreamEvent::Kind::kSkipped) {
    ++malformed_;
    return !caller_gone_;
  }
  if (event.kind != StreamEvent::Kind::kChunk) return !caller_gone_;
  return handle_chunk(event.chunk);
}

bool StreamRelay::handle_chunk(Json& chunk) {
  if (chunk.contains("usage") && chunk["usage"].is_object()) absorb_usage(chunk["usage"]);
  const Json& choices = chunk.value("choices", Json::array());
  if (!choices.is_array() || choices.empty()) return !caller_gone_;  // usage-only chunk: held
  if (!choices[0].is_object()) {  // an upstream chunk we cannot read: skipped, like bad JSON
    ++malformed_;
    return !caller_gone_;
  }
  normalize(chunk);
  Json& choice = chunk["choices"][0];
  if (continuation_ && choice.contains("delta") && choice["delta"].is_object()) {
    choice["delta"].erase("role");
  }
  std::string finish = chunk_finish_reason(chunk);
  bool content = chunk_has_content(chunk);
  if (!finish.empty()) {
    Json fin = chunk;
    fin["choices"][0]["delta"] = Json::object();
    held_finish_ = std::move(fin);
    if (!content) return !caller_gone_;
    choice["finish_reason"] = nullptr;  // send the content now, the finish later
  }
  if (!content) {
    const Json& delta = choice.value("delta", Json::object());
    if (continuation_ && delta.empty()) return !caller_gone_;
    if (!committed_) {
      pending_.push_back(std::move(chunk));
      return true;
    }
    return emit(std::move(chunk));
  }
  if (!committed_ && !commit()) return false;
  chunk["model"] = served_model_;
  text_ += chunk_text(chunk);
  const Json& delta = choice["delta"];
  if (delta.contains("tool_calls")) tool_calls_sent_ = true;
  return emit(std::move(chunk));
}

bool StreamRelay::finish_ok(const RequestRecord& record) {
  if (!committed_ && !commit()) return false;
  if (attempt_usage_) {
    usage_.prompt_tokens += attempt_usage_->prompt_tokens;
    usage_.completion_tokens += attempt_usage_->completion_tokens;
    usage_.total_tokens += attempt_usage_->total_tokens;
    usage_.present = true;
  }
  Json fin;
  if (held_finish_) {
    fin = std::move(*held_finish_);
    fin["model"] = served_model_;
  } else {
    fin = Json{
        {"id", id_},
        {"object", "chat.completion.chunk"},
        {"created", created_},
        {"model", served_model_},
        {"choices",
         Json::array({Json{{"index", 0}, {"delta", Json::object()}, {"finish_reason", "stop"}}})}};
    if (include_usage_) fin["usage"] = nullptr;
  }
  Json extras = extra_fields_json(record);
  if (!include_usage_) {
    fin["extra_fields"] = std::move(extras);
    if (!emit(std::move(fin))) return false;
  } else {
    if (!emit(std::move(fin))) return false;
    Json u{{"id", id_},
           {"object", "chat.completion.chunk"},
           {"created", created_},
           {"model", served_model_},
           {"choices", Json::array()}};
    u["usage"] = Json{{"prompt_tokens", usage_.prompt_tokens},
                      {"completion_tokens", usage_.completion_tokens},
                      {"total_tokens", usage_.total_tokens}};
    u["extra_fields"] = std::move(extras);
    if (!emit(std::move(u))) return false;
  }
  sink_.on_done();
  return true;
}

void StreamRelay::fail(const Json& error_with_extras) {
  if (caller_gone_) return;
  sink_.on_error(error_with_extras);
}

}  // namespace understudy
