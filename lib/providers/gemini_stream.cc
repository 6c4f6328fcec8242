#include "lib/providers/gemini_stream.h"

#include <map>

#include "lib/providers/error_text.h"
#include "lib/providers/gemini_response.h"
#include "lib/providers/json_access.h"
#include "lib/providers/sse.h"

namespace understudy {

namespace {

struct CandidateState {
  bool role_sent = false;
  int next_tool_index = 0;
  bool saw_function_call = false;
  bool finished = false;
};

class GeminiStreamDecoder final : public StreamDecoder {
 public:
  explicit GeminiStreamDecoder(std::string requested_model)
      : requested_model_(std::move(requested_model)) {}

  void feed(std::string_view bytes, std::vector<StreamEvent>& out) override {
    events_.clear();
    parser_.feed(bytes, events_);
    for (const SseEvent& e : events_) handle(e.data, out);
  }

  void finish(std::vector<StreamEvent>& out) override {
    events_.clear();
    parser_.finish(events_);
    for (const SseEvent& e : events_) handle(e.data, out);
    if (ended_) return;
    ended_ = true;
    if (!all_finished()) {
      StreamEvent ev{StreamEvent::Kind::kFailure, {}, {}, ""};
      ev.failure = make_local_failure(FailureClass::kNetwork,
                                      "upstream stream ended before the message finished");
      out.push_back(std::move(ev));
      return;
    }
    if (!usage_.is_null()) {
      Json chunk = envelope();
      chunk["choices"] = Json::array();
      chunk["usage"] = gemini_usage(usage_);
      emit(std::move(chunk), out);
    }
    out.push_back(StreamEvent{StreamEvent::Kind::kEnd, {}, {}, ""});
  }

 private:
  void handle(const std::string& data, std::vector<StreamEvent>& out) {
    if (ended_ || data.empty()) return;
    Json j = parse_json_or_discarded(data);
    if (j.is_discarded() || !(j.is_object() || j.is_array())) {
      out.push_back(StreamEvent{StreamEvent::Kind::kSkipped,
                                {},
                                {},
                                "malformed stream event: " + body_excerpt(data, 80)});
      return;
    }
    if (auto failure = gemini_reply_failure(j)) {
      ended_ = true;
      out.push_back(StreamEvent{StreamEvent::Kind::kFailure, {}, std::move(*failure), ""});
      return;
    }
    if (!j.is_object()) {
      out.push_back(StreamEvent{StreamEvent::Kind::kSkipped,
                                {},
                                {},
                                "stream event is not an object: " + body_excerpt(data, 80)});
      return;
    }
    if (id_.empty()) start(j);
    if (member(j, "usageMetadata").is_object()) usage_ = j["usageMetadata"];
    const Json& candidates = member(j, "candidates");
    for (size_t i = 0; candidates.is_array() && i < candidates.size(); ++i) {
      handle_candidate(candidates[i], i, out);
    }
  }

  void start(const Json& first) {
    id_ = gemini_completion_id(first);
    model_ = gemini_served_model(first, requested_model_);
    response_id_ = json_str(first, "responseId");
  }

  void handle_candidate(const Json& cand, size_t position, std::vector<StreamEvent>& out) {
    int index = static_cast<int>(int_member(cand, "index", static_cast<long long>(position)));
    CandidateState& st = candidates_[index];
    if (st.finished) return;
    if (!st.role_sent) {
      st.role_sent = true;
      emit(choice_chunk(index, Json{{"role", "assistant"}, {"content", ""}}), out);
    }
    std::string text;
    const Json& parts = member(member(cand, "content"), "parts");
    for (size_t i = 0; parts.is_array() && i < parts.size(); ++i) {
      if (is_visible_text(parts[i])) text += json_str(parts[i], "text");
    }
    if (!text.empty()) {
      Json chunk = choice_chunk(index, Json{{"content", text}});
      chunk["choices"][0]["logprobs"] = gemini_logprobs(member(cand, "logprobsResult"));
      emit(std::move(chunk), out);
    }
    for (size_t i = 0; parts.is_array() && i < parts.size(); ++i) {
      if (!member(parts[i], "functionCall").is_object()) continue;
      Json call = gemini_tool_call(parts[i], response_id_, index, st.next_tool_index++);
      st.saw_function_call = true;
      emit(choice_chunk(index, Json{{"tool_calls", Json::array({std::move(call)})}}), out);
    }
    std::string reason = json_str(cand, "finishReason");
    if (reason.empty()) return;
    st.finished = true;
    Json chunk = choice_chunk(index, Json::object());
    chunk["choices"][0]["finish_reason"] = gemini_finish_reason(reason, st.saw_function_call);
    emit(std::move(chunk), out);
  }

  bool all_finished() const {
    if (candidates_.empty()) return false;
    for (const auto& [index, st] : candidates_) {
      if (!st.finished) return false;
    }
    return true;
  }

  Json envelope() const {
    return Json{
        {"id", id_}, {"object", "chat.completion.chunk"}, {"created", 0}, {"model", model_}};
  }

  Json choice_chunk(int index, Json delta) const {
    Json chunk = envelope();
    chunk["choices"] = Json::array({Json{{"index", index},
                                         {"delta", std::move(delta)},
                                         {"logprobs", nullptr},
                                         {"finish_reason", nullptr}}});
    return chunk;
  }

  static void emit(Json chunk, std::vector<StreamEvent>& out) {
    StreamEvent ev;
    ev.kind = StreamEvent::Kind::kChunk;
    ev.chunk = std::move(chunk);
    out.push_back(std::move(ev));
  }

  std::string requested_model_;
  SseParser parser_;
  std::vector<SseEvent> events_;
  std::string id_, model_, response_id_;
  std::map<int, CandidateState> candidates_;
  Json usage_;
  bool ended_ = false;
};

}  // namespace

std::unique_ptr<StreamDecoder> new_gemini_stream_decoder(const std::string& requested_model) {
  return std::make_unique<GeminiStreamDecoder>(requested_model);
}

}  // namespace understudy
