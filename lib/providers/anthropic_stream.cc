#include "lib/providers/anthropic_stream.h"

#include <map>
#include <optional>
#include <set>

#include "lib/providers/anthropic_errors.h"
#include "lib/providers/anthropic_response.h"
#include "lib/providers/error_text.h"
#include "lib/providers/json_member.h"
#include "lib/providers/sse.h"

namespace understudy {

namespace {

StreamEvent chunk_event(Json chunk) {
  StreamEvent ev;
  ev.kind = StreamEvent::Kind::kChunk;
  ev.chunk = std::move(chunk);
  return ev;
}

StreamEvent noted_event(StreamEvent::Kind kind, std::string note) {
  StreamEvent ev;
  ev.kind = kind;
  ev.note = std::move(note);
  return ev;
}

StreamEvent failure_event(Failure failure) {
  StreamEvent ev;
  ev.kind = StreamEvent::Kind::kFailure;
  ev.failure = std::move(failure);
  return ev;
}

class AnthropicStreamDecoder final : public StreamDecoder {
 public:
  explicit AnthropicStreamDecoder(std::string model) : model_(std::move(model)) {}

  void feed(std::string_view bytes, std::vector<StreamEvent>& out) override {
    events_.clear();
    parser_.feed(bytes, events_);
    for (const SseEvent& e : events_) handle(e, out);
  }

  void finish(std::vector<StreamEvent>& out) override {
    events_.clear();
    parser_.finish(events_);
    for (const SseEvent& e : events_) handle(e, out);
    if (ended_) return;
    if (stop_reason_) {
      end_message(out, "upstream omitted message_stop");
      return;
    }
    ended_ = true;
    out.push_back(failure_event(make_local_failure(
        FailureClass::kNetwork, "anthropic stream ended before the message finished")));
  }

 private:
  void handle(const SseEvent& e, std::vector<StreamEvent>& out) {
    if (ended_) return;
    Json j = parse_json_or_discarded(e.data);
    if (j.is_discarded() || !j.is_object()) {
      out.push_back(noted_event(StreamEvent::Kind::kSkipped,
                                "malformed anthropic stream event: " + body_excerpt(e.data, 80)));
      return;
    }
    std::string type = json_str(j, "type");
    if (type.empty()) type = e.event;
    if (type == "error" || e.event == "error") return on_error(j, e.data, out);
    if (type == "message_start") return on_message_start(j, out);
    if (type == "content_block_start") return on_block_start(j, out);
    if (type == "content_block_delta") return on_block_delta(j, out);
    if (type == "content_block_stop") return on_block_stop(j, out);
    if (type == "message_delta") return on_message_delta(j);
    if (type == "message_stop") return end_message(out, "");
    // ping and event types added after this was written: nothing to translate.
  }

  void on_error(const Json& j, const std::string& raw, std::vector<StreamEvent>& out) {
    ended_ = true;
    out.push_back(failure_event(anthropic_failure(0, j, raw)));
  }

  void on_message_start(const Json& j, std::vector<StreamEvent>& out) {
    const Json& message = json_member(j, "message");
    std::string id = json_str(message, "id");
    std::string model = json_str(message, "model");
    if (!role_sent_) {
      if (!id.empty()) id_ = id;
      if (!model.empty()) model_ = model;
    }
    usage_.overwrite_from(json_member(message, "usage"));
    send_role(out);
  }

  void on_block_start(const Json& j, std::vector<StreamEvent>& out) {
    const Json& block = json_member(j, "content_block");
    std::string type = json_str(block, "type");
    if (type == "text") {
      send_text(json_str(block, "text"), out);
    } else if (type == "tool_use") {
      int k = next_tool_index_++;
      tool_index_by_block_[json_int(j, "index")] = k;
      send_tool_delta(Json{{"index", k},
                           {"id", json_str(block, "id")},
                           {"type", "function"},
                           {"function", {{"name", json_str(block, "name")}, {"arguments", ""}}}},
                      out);
    }
  }

  void on_block_delta(const Json& j, std::vector<StreamEvent>& out) {
    const Json& delta = json_member(j, "delta");
    std::string type = json_str(delta, "type");
    if (type == "text_delta") return send_text(json_str(delta, "text"), out);
    if (type != "input_json_delta") return;  // thinking, signature, citations: dropped
    std::int64_t block = json_int(j, "index");
    auto tool = tool_index_by_block_.find(block);
    std::string fragment = json_str(delta, "partial_json");
    if (tool == tool_index_by_block_.end() || fragment.empty()) return;
    args_seen_.insert(block);
    send_tool_delta(Json{{"index", tool->second}, {"function", {{"arguments", fragment}}}}, out);
  }

  // A tool without arguments may stream no fragment at all; clients need valid JSON.
  void on_block_stop(const Json& j, std::vector<StreamEvent>& out) {
    std::int64_t block = json_int(j, "index");
    auto tool = tool_index_by_block_.find(block);
    if (tool == tool_index_by_block_.end() || args_seen_.count(block)) return;
    args_seen_.insert(block);
    send_tool_delta(Json{{"index", tool->second}, {"function", {{"arguments", "{}"}}}}, out);
  }

  void on_message_delta(const Json& j) {
    const Json& reason = json_member(json_member(j, "delta"), "stop_reason");
    if (reason.is_string()) stop_reason_ = reason.get<std::string>();
    usage_.overwrite_from(json_member(j, "usage"));
  }

  void end_message(std::vector<StreamEvent>& out, std::string note) {
    send_role(out);
    out.push_back(
        chunk_event(chunk(Json::object(), anthropic_finish_reason(stop_reason_.value_or("")))));
    if (usage_.seen) {
      out.push_back(chunk_event(Json{{"id", id_},
                                     {"object", "chat.completion.chunk"},
                                     {"created", 0},
                                     {"model", model_},
                                     {"choices", Json::array()},
                                     {"usage", usage_.to_openai()}}));
    }
    ended_ = true;
    out.push_back(noted_event(StreamEvent::Kind::kEnd, std::move(note)));
  }

  void send_role(std::vector<StreamEvent>& out) {
    if (role_sent_) return;
    role_sent_ = true;
    out.push_back(chunk_event(chunk(Json{{"role", "assistant"}, {"content", ""}}, Json())));
  }

  void send_text(const std::string& text, std::vector<StreamEvent>& out) {
    if (text.empty()) return;
    send_role(out);
    out.push_back(chunk_event(chunk(Json{{"content", text}}, Json())));
  }

  void send_tool_delta(Json call, std::vector<StreamEvent>& out) {
    send_role(out);
    out.push_back(chunk_event(chunk(Json{{"tool_calls", Json::array({std::move(call)})}}, Json())));
  }

  Json chunk(Json delta, Json finish_reason) const {
    return Json{{"id", id_},
                {"object", "chat.completion.chunk"},
                {"created", 0},
                {"model", model_},
                {"choices", Json::array({Json{{"index", 0},
                                              {"delta", std::move(delta)},
                                              {"logprobs", nullptr},
                                              {"finish_reason", std::move(finish_reason)}}})}};
  }

  SseParser parser_;
  std::vector<SseEvent> events_;
  std::string id_;
  std::string model_;
  bool role_sent_ = false;
  std::map<std::int64_t, int> tool_index_by_block_;  // Anthropic block index -> tool_call index
  std::set<std::int64_t> args_seen_;                 // tool blocks that sent arguments
  int next_tool_index_ = 0;
  AnthropicUsage usage_;
  std::optional<std::string> stop_reason_;
  bool ended_ = false;  // message_stop, an error, or finish() was handled
};

}  // namespace

std::unique_ptr<StreamDecoder> new_anthropic_stream_decoder(const std::string& model) {
  return std::make_unique<AnthropicStreamDecoder>(model);
}

}  // namespace understudy
