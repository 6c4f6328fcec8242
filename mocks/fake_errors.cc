// Realistic error bodies for the fake providers (mocks/fake_reply.h): each failure class
// rendered the way OpenAI, Anthropic and Gemini actually report it (wire-formats §2.6, §3.6,
// §4.6), so that the adapters' classification is exercised, not bypassed.
#include <cmath>

#include "lib/core/failure.h"
#include "mocks/fake_reply.h"

namespace understudy {

namespace {

FailureClass class_for_status(int status) {
  switch (status) {
    case 429:
      return FailureClass::kRateLimit;
    case 401:
    case 403:
      return FailureClass::kAuth;
    case 402:
      return FailureClass::kQuota;
    case 404:
    case 410:
      return FailureClass::kModelUnavailable;
    case 413:
      return FailureClass::kContextLength;
    case 503:
    case 529:
      return FailureClass::kOverloaded;
    default:
      return status >= 500 ? FailureClass::kServer : FailureClass::kBadRequest;
  }
}

// The semantic class of an action: error_type may name a class ("context_length").
FailureClass semantic_class(const FaultAction& a) {
  if (auto c = parse_failure_class(a.error_type)) return *c;
  if (a.kind == FaultAction::Kind::kStreamError && a.status == 0) return FailureClass::kOverloaded;
  return class_for_status(a.status);
}

int default_status(WireFormat f, FailureClass c) {
  switch (c) {
    case FailureClass::kRateLimit:
      return 429;
    case FailureClass::kQuota:
      return f == WireFormat::kAnthropic ? 402 : 429;
    case FailureClass::kAuth:
      return f == WireFormat::kGemini ? 400 : 401;
    case FailureClass::kModelUnavailable:
      return 404;
    case FailureClass::kContextLength:
    case FailureClass::kContentPolicy:
    case FailureClass::kBadRequest:
      return 400;
    case FailureClass::kOverloaded:
      return f == WireFormat::kAnthropic ? 529 : 503;
    default:
      return 500;
  }
}

struct Text {
  std::string type, code, message;
};

Text openai_text(const FakeRequest& r, FailureClass c) {
  switch (c) {
    case FailureClass::kRateLimit:
      return {"requests", "rate_limit_exceeded",
              "Rate limit reached for " + r.model +
                  " in organization org-mock on requests per min (RPM): "
                  "Limit 3, Used 3, Requested 1. Please try again in 20s."};
    case FailureClass::kQuota:
      return {"insufficient_quota", "insufficient_quota",
              "You exceeded your current quota, please check your plan and billing details."};
    case FailureClass::kAuth:
      return {"invalid_request_error", "invalid_api_key",
              "Incorrect API key provided: sk-mock****. You can "
              "find your API key at https://platform.openai.com/account/api-keys."};
    case FailureClass::kModelUnavailable:
      return {"invalid_request_error", "model_not_found",
              "The model `" + r.model + "` does not exist or you do not have access to it."};
    case FailureClass::kContextLength:
      return {"invalid_request_error", "context_length_exceeded",
              "This model's maximum context length is 128000 tokens. However, your messages "
              "resulted in "
              "130412 tokens. Please reduce the length of the messages."};
    case FailureClass::kContentPolicy:
      return {"invalid_request_error", "content_policy_violation",
              "Your request was rejected as a result of our safety system."};
    case FailureClass::kOverloaded:
      return {"server_error", "server_is_overloaded", "The server is overloaded or not ready yet."};
    case FailureClass::kBadRequest:
      return {"invalid_request_error", "", "Invalid value for 'temperature': expected a number."};
    default:
      return {"server_error", "",
              "The server had an error while processing your request. Sorry about that!"};
  }
}

Text anthropic_text(const FakeRequest& r, FailureClass c) {
  switch (c) {
    case FailureClass::kRateLimit:
      return {"rate_limit_error", "",
              "Number of request tokens has exceeded your per-minute rate limit"};
    case FailureClass::kQuota:
      return {"billing_error", "", "Your credit balance is too low to access the Anthropic API."};
    case FailureClass::kAuth:
      return {"authentication_error", "", "invalid x-api-key"};
    case FailureClass::kModelUnavailable:
      return {"not_found_error", "", "model: " + r.model};
    case FailureClass::kContextLength:
      return {"invalid_request_error", "", "prompt is too long: 210417 tokens > 200000 maximum"};
    case FailureClass::kContentPolicy:
      return {"invalid_request_error", "", "Output blocked by content filtering policy"};
    case FailureClass::kOverloaded:
      return {"overloaded_error", "", "Overloaded"};
    case FailureClass::kBadRequest:
      return {"invalid_request_error", "", "messages: text content blocks must be non-empty"};
    default:
      return {"api_error", "", "Internal server error"};
  }
}

Text gemini_text(const FakeRequest& r, FailureClass c) {
  switch (c) {
    case FailureClass::kRateLimit:
    case FailureClass::kQuota:
      return {"RESOURCE_EXHAUSTED", "",
              "You exceeded your current quota, please check your plan and billing details."};
    case FailureClass::kAuth:
      return {"INVALID_ARGUMENT", "", "API key not valid. Please pass a valid API key."};
    case FailureClass::kModelUnavailable:
      return {"NOT_FOUND", "",
              "models/" + r.model +
                  " is not found for API version v1beta, or is not supported for "
                  "generateContent."};
    case FailureClass::kContextLength:
      return {"INVALID_ARGUMENT", "",
              "The input token count (1200000) exceeds the maximum number of "
              "tokens allowed (1048576)."};
    case FailureClass::kOverloaded:
      return {"UNAVAILABLE", "", "The model is overloaded. Please try again later."};
    case FailureClass::kBadRequest:
      return {"INVALID_ARGUMENT", "", "Invalid JSON payload received. Unknown name \"foo\"."};
    default:
      return {"INTERNAL", "", "An internal error has occurred."};
  }
}

Json gemini_error(int status, const Text& t, FailureClass c, const FaultAction& a) {
  Json details = Json::array();
  if (c == FailureClass::kAuth) {
    details.push_back(Json{{"@type", "type.googleapis.com/google.rpc.ErrorInfo"},
                           {"reason", "API_KEY_INVALID"},
                           {"domain", "googleapis.com"}});
  }
  if (c == FailureClass::kRateLimit || c == FailureClass::kQuota) {
    std::string quota = c == FailureClass::kQuota
                            ? "GenerateRequestsPerDayPerProjectPerModel-FreeTier"
                            : "GenerateRequestsPerMinutePerProjectPerModel-FreeTier";
    details.push_back(Json{{"@type", "type.googleapis.com/google.rpc.QuotaFailure"},
                           {"violations", Json::array({Json{{"quotaId", quota}}})}});
  }
  if (a.retry_after) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%gs", static_cast<double>(a.retry_after->count()) / 1000.0);
    details.push_back(
        Json{{"@type", "type.googleapis.com/google.rpc.RetryInfo"}, {"retryDelay", buf}});
  }
  Json e{
      {"code", status}, {"message", a.message.empty() ? t.message : a.message}, {"status", t.type}};
  if (!details.empty()) e["details"] = std::move(details);
  return Json{{"error", std::move(e)}};
}

Text text_for(const FakeRequest& r, FailureClass c) {
  switch (r.format) {
    case WireFormat::kOpenAI:
      return openai_text(r, c);
    case WireFormat::kAnthropic:
      return anthropic_text(r, c);
    case WireFormat::kGemini:
      return gemini_text(r, c);
  }
  return openai_text(r, c);
}

Json error_json(const FakeRequest& r, const FaultAction& a, int status, FailureClass c) {
  Text t = text_for(r, c);
  bool literal_type = !a.error_type.empty() && !parse_failure_class(a.error_type);
  if (literal_type) t.type = a.error_type;
  if (!a.error_code.empty()) t.code = a.error_code;
  std::string msg = a.message.empty() ? t.message : a.message;
  switch (r.format) {
    case WireFormat::kOpenAI:
      return Json{{"error", Json{{"message", msg},
                                 {"type", t.type},
                                 {"param", nullptr},
                                 {"code", t.code.empty() ? Json(nullptr) : Json(t.code)}}}};
    case WireFormat::kAnthropic:
      return Json{{"type", "error"},
                  {"error", Json{{"type", t.type}, {"message", msg}}},
                  {"request_id", "req_mock"}};
    case WireFormat::kGemini:
      return gemini_error(status, t, c, a);
  }
  return Json();
}

}  // namespace

FakeHttpReply render_error(const FakeRequest& r, const FaultAction& a) {
  FailureClass c = semantic_class(a);
  FakeHttpReply out;
  out.status = a.status ? a.status : default_status(r.format, c);
  out.headers = {{"Content-Type", "application/json"}};
  if (r.format == WireFormat::kGemini && c == FailureClass::kContentPolicy) {
    // Gemini reports a blocked prompt inside a 200 reply.
    out.status = a.status ? a.status : 200;
    out.body =
        Json{{"promptFeedback", Json{{"blockReason", "SAFETY"}}}, {"modelVersion", r.model}}.dump();
    return out;
  }
  if (a.retry_after && r.format != WireFormat::kGemini) {
    double secs = static_cast<double>(a.retry_after->count()) / 1000.0;
    out.headers.emplace_back("retry-after",
                             std::to_string(static_cast<long long>(std::ceil(secs))));
    if (r.format == WireFormat::kOpenAI) {
      out.headers.emplace_back("retry-after-ms", std::to_string(a.retry_after->count()));
    }
  }
  out.body = error_json(r, a, out.status, c).dump();
  return out;
}

std::string render_stream_error_event(const FakeRequest& r, const FaultAction& a) {
  FailureClass c = semantic_class(a);
  int status = a.status ? a.status : default_status(r.format, c);
  Json j = error_json(r, a, status, c);
  if (r.format == WireFormat::kAnthropic) return "event: error\ndata: " + j.dump() + "\n\n";
  if (r.format == WireFormat::kOpenAI) j["error"]["type"] = "server_error";
  return "data: " + j.dump() + "\n\n";
}

}  // namespace understudy
