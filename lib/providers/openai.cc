#include "lib/providers/openai.h"

#include "lib/providers/error_text.h"
#include "lib/providers/param_policy.h"
#include "lib/providers/sse.h"
#include "lib/providers/upstream_request.h"
#include "lib/transport/retry_after.h"

namespace understudy {

namespace {

bool mentions_context_overflow(const std::string& code, const std::string& message) {
  return code == "context_length_exceeded" || code == "string_above_max_length" ||
         contains_ci(message, "context length") || contains_ci(message, "context_length") ||
         contains_ci(message, "maximum context") || contains_ci(message, "prompt is too long") ||
         contains_ci(message, "too many tokens") || contains_ci(message, "context window");
}

bool mentions_content_policy(const std::string& type, const std::string& code,
                             const std::string& message) {
  return code == "content_filter" || code == "content_policy_violation" ||
         type == "content_filter" || code == "ResponsibleAIPolicyViolation" ||
         contains_ci(code, "moderation") || contains_ci(message, "content management policy") ||
         contains_ci(message, "content policy") || contains_ci(message, "flagged");
}

bool mentions_quota(const std::string& type, const std::string& code) {
  return type == "insufficient_quota" || code == "insufficient_quota" ||
         code == "billing_hard_limit_reached" || type == "billing_error";
}

bool mentions_bad_key(const std::string& type, const std::string& code) {
  return code == "invalid_api_key" || type == "authentication_error" ||
         code == "invalid_authentication" || code == "account_deactivated";
}

bool mentions_overload(const std::string& type, const std::string& code) {
  return code == "server_is_overloaded" || code == "slow_down" || type == "overloaded_error" ||
         type == "service_unavailable_error" || code == "engine_overloaded";
}

FailureClass classify_4xx(int status, const std::string& type, const std::string& code,
                          const std::string& message) {
  if (mentions_quota(type, code) || status == 402) return FailureClass::kQuota;
  if (status == 429) return FailureClass::kRateLimit;
  if (mentions_bad_key(type, code) || status == 401) return FailureClass::kAuth;
  if (status == 403) {
    return mentions_content_policy(type, code, message) ? FailureClass::kContentPolicy
                                                        : FailureClass::kAuth;
  }
  if (code == "model_not_found" || status == 404 || status == 410) {
    return FailureClass::kModelUnavailable;
  }
  if (status == 413 || mentions_context_overflow(code, message)) {
    return FailureClass::kContextLength;
  }
  if (mentions_content_policy(type, code, message)) return FailureClass::kContentPolicy;
  if (status == 408 || status == 409) return FailureClass::kServer;
  return FailureClass::kBadRequest;
}

// OpenAI, OpenRouter ({"error":{"code":429,...}}), and the flat form of Mistral / old vLLM
// ({"object":"error","message":...}) all end up here.
const Json* error_object(const Json& body) {
  if (!body.is_object()) return nullptr;
  auto it = body.find("error");
  if (it != body.end() && it->is_object()) return &*it;
  if (json_str(body, "object") == "error" || (body.contains("message") && body.contains("type"))) {
    return &body;
  }
  return nullptr;
}

// OpenRouter (and recent vLLM) mirror the HTTP status in a numeric error code. For errors
// inside a 200 (a stream event, or a non-streaming body) that is the only status there is.
int status_from_error_code(const Json& err) {
  auto it = err.find("code");
  if (it == err.end() || !it->is_number_integer()) return 0;
  std::int64_t code = it->get<std::int64_t>();
  return code >= 400 && code <= 599 ? static_cast<int>(code) : 0;
}

Failure failure_from_error_object(int status, const Json* err, std::string_view raw) {
  Failure f;
  f.upstream_status = status;
  if (err) {
    f.message = json_str(*err, "message");
    f.type = json_str(*err, "type");
    f.code = json_str(*err, "code");
    f.param = json_str(*err, "param");
    // OpenRouter puts the HTTP status in a numeric code; that is not an OpenAI code.
    if (!f.code.empty() && std::isdigit(static_cast<unsigned char>(f.code[0]))) f.code.clear();
  } else if (!raw.empty()) {
    f.message = "upstream answered HTTP " + std::to_string(status) + ": " + body_excerpt(raw);
  }
  if (f.message.empty()) f.message = "upstream answered HTTP " + std::to_string(status);
  f.cls = classify_openai_fields(status, f.type, f.code, f.message);
  fill_default_error_fields(f);
  return f;
}

class OpenAIStreamDecoder final : public StreamDecoder {
 public:
  void feed(std::string_view bytes, std::vector<StreamEvent>& out) override {
    events_.clear();
    parser_.feed(bytes, events_);
    for (SseEvent& e : events_) handle(e, out);
  }

  void finish(std::vector<StreamEvent>& out) override {
    events_.clear();
    parser_.finish(events_);
    for (SseEvent& e : events_) handle(e, out);
    if (ended_) return;
    ended_ = true;
    if (finished_) {
      out.push_back(StreamEvent{StreamEvent::Kind::kEnd, {}, {}, "upstream omitted [DONE]"});
      return;
    }
    StreamEvent ev;
    ev.kind = StreamEvent::Kind::kFailure;
    ev.failure = make_local_failure(FailureClass::kNetwork,
                                    "upstream stream ended before the message finished");
    out.push_back(std::move(ev));
  }

 private:
  void handle(SseEvent& e, std::vector<StreamEvent>& out) {
    if (ended_) return;
    if (e.data == "[DONE]") {
      ended_ = true;
      out.push_back(StreamEvent{StreamEvent::Kind::kEnd, {}, {}, ""});
      return;
    }
    Json j = parse_json_or_discarded(e.data);
    if (j.is_discarded() || !j.is_object()) {
      out.push_back(StreamEvent{StreamEvent::Kind::kSkipped,
                                {},
                                {},
                                "malformed stream event: " + body_excerpt(e.data, 80)});
      return;
    }
    if (const Json* err = (j.contains("error") || e.event == "error") ? error_object(j) : nullptr) {
      StreamEvent ev;
      ev.kind = StreamEvent::Kind::kFailure;
      ev.failure = failure_from_error_object(status_from_error_code(*err), err, e.data);
      ev.failure.upstream_status = 0;  // arrived inside a 200
      ended_ = true;
      out.push_back(std::move(ev));
      return;
    }
    if (!chunk_finish_reason(j).empty()) finished_ = true;
    StreamEvent ev;
    ev.kind = StreamEvent::Kind::kChunk;
    ev.chunk = std::move(j);
    out.push_back(std::move(ev));
  }

  SseParser parser_;
  std::vector<SseEvent> events_;
  bool finished_ = false;  // a finish_reason was seen
  bool ended_ = false;     // [DONE], an error, or finish() was handled
};

class OpenAIAdapter final : public ProviderAdapter {
 public:
  ProviderType type() const override { return ProviderType::kOpenAI; }

  Capabilities default_capabilities(const std::string&) const override {
    // OpenAI answers a trailing assistant message anew: no prefill.
    return standard_capabilities(/*prefill=*/false, std::nullopt);
  }

  Result<BuiltRequest> build_request(const ChatRequest& request, const AttemptTarget& target,
                                     const BuildOptions& options) const override {
    auto http = start_upstream_request(*target.provider, openai_chat_path(""));
    if (!http.ok()) return http.status();
    BuiltRequest out;
    out.http = std::move(*http);
    Json body = request.body;
    body["model"] = target.ref.model;
    body.erase("fallbacks");
    // Parameters this model rejects are dropped (or renamed) here, never sent to fail.
    apply_param_policy(body, *target.provider, target.ref.model, out.dropped_params);
    if (options.stream) {
      body["stream"] = true;
      if (options.want_usage) body["stream_options"]["include_usage"] = true;
    } else {
      body.erase("stream");
      body.erase("stream_options");
    }
    if (options.assistant_prefix) {
      body["messages"].push_back(
          Json{{"role", "assistant"}, {"content", *options.assistant_prefix}});
    }
    out.http.body = body.dump();
    add_upstream_headers(out.http, options.stream, AuthHeader{"Authorization", "Bearer "},
                         target.key_value, *target.provider);
    return out;
  }

  ReplyOrFailure parse_response(const HttpResponse& response, const AttemptTarget&) const override {
    Json j = parse_json_or_discarded(response.body);
    if (j.is_discarded() || !j.is_object()) {
      Failure f = make_local_failure(
          FailureClass::kServer,
          "upstream answered " + std::to_string(response.status) +
              " with a body that is not JSON: " + body_excerpt(response.body, 80));
      f.upstream_status = 0;
      return f;
    }
    if (const Json* err = j.contains("error") ? error_object(j) : nullptr) {
      Failure f = failure_from_error_object(status_from_error_code(*err), err, response.body);
      f.upstream_status = 0;  // the reply itself was a 2xx
      return f;
    }
    auto ch = j.find("choices");
    if (ch == j.end() || !ch->is_array() || ch->empty()) {
      return make_local_failure(FailureClass::kServer, "upstream reply has no choices");
    }
    if (!ch->front().is_object()) {
      return make_local_failure(FailureClass::kServer,
                                "upstream reply's choices[0] is not an object");
    }
    return ChatResponse{std::move(j)};
  }

  Failure classify_error(const HttpResponse& response, WallTime now) const override {
    Json j = parse_json_or_discarded(response.body);
    const Json* err = j.is_discarded() ? nullptr : error_object(j);
    Failure f = failure_from_error_object(response.status, err, response.body);
    f.retry_after = parse_retry_after(response.headers, now);
    return f;
  }

  std::unique_ptr<StreamDecoder> new_stream_decoder(const AttemptTarget&) const override {
    return std::make_unique<OpenAIStreamDecoder>();
  }
};

}  // namespace

FailureClass classify_openai_fields(int status, const std::string& type, const std::string& code,
                                    const std::string& message) {
  if (status >= 400 && status < 500) return classify_4xx(status, type, code, message);
  if (status == 503 || status == 529 || mentions_overload(type, code)) {
    return FailureClass::kOverloaded;
  }
  if (status >= 500) return FailureClass::kServer;
  // No status (an error inside a 200 stream): read the fields.
  if (mentions_quota(type, code)) return FailureClass::kQuota;
  if (type == "rate_limit_error" || code == "rate_limit_exceeded" || type == "requests" ||
      type == "tokens") {
    return FailureClass::kRateLimit;
  }
  if (mentions_overload(type, code)) return FailureClass::kOverloaded;
  if (mentions_content_policy(type, code, message)) return FailureClass::kContentPolicy;
  if (mentions_context_overflow(code, message)) return FailureClass::kContextLength;
  return FailureClass::kServer;
}

std::string openai_chat_path(const std::string& base_path) {
  return base_path + "/chat/completions";
}

const ProviderAdapter& openai_adapter() {
  static const OpenAIAdapter adapter;
  return adapter;
}

}  // namespace understudy
