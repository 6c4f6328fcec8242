#include "lib/providers/gemini_errors.h"

#include "lib/core/duration.h"
#include "lib/providers/error_text.h"
#include "lib/providers/json_access.h"
#include "lib/transport/retry_after.h"

namespace understudy {

namespace {

// What the details array says, beyond code/status/message.
struct ErrorDetails {
  std::string reason;  // google.rpc.ErrorInfo.reason
  std::optional<Millis> retry_delay;
  bool daily_quota = false;
};

bool has_type(const Json& detail, std::string_view suffix) {
  std::string type = json_str(detail, "@type");
  return type.size() >= suffix.size() &&
         type.compare(type.size() - suffix.size(), suffix.size(), suffix) == 0;
}

ErrorDetails read_details(const Json& error) {
  ErrorDetails d;
  const Json& details = member(error, "details");
  if (!details.is_array()) return d;
  for (const Json& detail : details) {
    if (has_type(detail, "google.rpc.ErrorInfo")) d.reason = json_str(detail, "reason");
    if (has_type(detail, "google.rpc.RetryInfo")) {
      auto delay = parse_duration(json_str(detail, "retryDelay"));
      if (delay.ok()) d.retry_delay = *delay;
    }
    if (has_type(detail, "google.rpc.QuotaFailure")) {
      const Json& violations = member(detail, "violations");
      for (size_t i = 0; violations.is_array() && i < violations.size(); ++i) {
        if (contains_ci(json_str(violations[i], "quotaId"), "PerDay")) d.daily_quota = true;
      }
    }
  }
  return d;
}

// The canonical status name for an HTTP status, when the body did not say.
std::string status_for_http(int http) {
  switch (http) {
    case 400:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "ABORTED";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 499:
      return "CANCELLED";
    case 500:
      return "INTERNAL";
    case 501:
      return "UNIMPLEMENTED";
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
  }
  return "";
}

bool mentions_token_overflow(const std::string& message) {
  return (contains_ci(message, "token count") && contains_ci(message, "exceed")) ||
         contains_ci(message, "exceeds the maximum number of tokens") ||
         contains_ci(message, "too many tokens") || contains_ci(message, "context window") ||
         contains_ci(message, "request payload size exceeds");
}

void set(Failure& f, FailureClass cls, const char* type, const char* code) {
  f.cls = cls;
  f.type = type;
  f.code = code;
}

void classify_invalid_argument(Failure& f, const ErrorDetails& d) {
  if (d.reason.rfind("API_KEY_", 0) == 0 || contains_ci(f.message, "API key not valid")) {
    set(f, FailureClass::kAuth, "invalid_request_error", "invalid_api_key");
  } else if (mentions_token_overflow(f.message)) {
    set(f, FailureClass::kContextLength, "invalid_request_error", "context_length_exceeded");
  } else {
    set(f, FailureClass::kBadRequest, "invalid_request_error", "");
  }
}

// When the status name is missing or unknown: the HTTP code decides.
void classify_by_http(Failure& f, int http) {
  if (http == 413) {
    set(f, FailureClass::kContextLength, "invalid_request_error", "context_length_exceeded");
  } else if (http == 503) {
    set(f, FailureClass::kOverloaded, "server_error", "server_is_overloaded");
  } else if (http >= 500 || http == 408 || http == 409 || http == 0) {
    set(f, FailureClass::kServer, "server_error", "");
  } else {
    set(f, FailureClass::kBadRequest, "invalid_request_error", "");
  }
}

void classify_status(Failure& f, const std::string& status, int http, const ErrorDetails& d) {
  if (d.reason.rfind("API_KEY_", 0) == 0) {
    set(f, FailureClass::kAuth, "invalid_request_error", "invalid_api_key");
  } else if (status == "RESOURCE_EXHAUSTED") {
    if (d.daily_quota) {
      set(f, FailureClass::kQuota, "insufficient_quota", "insufficient_quota");
    } else {
      set(f, FailureClass::kRateLimit, "rate_limit_error", "rate_limit_exceeded");
    }
  } else if (status == "UNAVAILABLE") {
    set(f, FailureClass::kOverloaded, "server_error", "server_is_overloaded");
  } else if (status == "INTERNAL" || status == "UNKNOWN" || status == "ABORTED" ||
             status == "CANCELLED" || status == "DATA_LOSS") {
    set(f, FailureClass::kServer, "server_error", "");
  } else if (status == "DEADLINE_EXCEEDED") {
    set(f, FailureClass::kServer, "server_error", "timeout");
  } else if (status == "INVALID_ARGUMENT") {
    classify_invalid_argument(f, d);
  } else if (status == "FAILED_PRECONDITION") {
    set(f, FailureClass::kBadRequest, "invalid_request_error", "failed_precondition");
  } else if (status == "OUT_OF_RANGE" || status == "UNIMPLEMENTED") {
    set(f, FailureClass::kBadRequest, "invalid_request_error", "");
  } else if (status == "UNAUTHENTICATED") {
    set(f, FailureClass::kAuth, "invalid_request_error", "invalid_api_key");
  } else if (status == "PERMISSION_DENIED") {
    set(f, FailureClass::kAuth, "permission_error", "");
  } else if (status == "NOT_FOUND") {
    set(f, FailureClass::kModelUnavailable, "invalid_request_error", "model_not_found");
  } else {
    classify_by_http(f, http);
  }
}

}  // namespace

const Json* gemini_error_object(const Json& body) {
  const Json* b = &body;
  if (body.is_array() && !body.empty()) b = &body[0];
  const Json& e = member(*b, "error");
  return e.is_object() ? &e : nullptr;
}

Failure classify_gemini_error_object(int http_status, const Json* error, std::string_view raw) {
  Failure f;
  f.upstream_status = http_status;
  int http = http_status;
  if (error && http == 0) http = static_cast<int>(int_member(*error, "code"));
  ErrorDetails details;
  std::string status;
  if (error) {
    f.message = json_str(*error, "message");
    status = json_str(*error, "status");
    details = read_details(*error);
  } else if (!raw.empty()) {
    f.message = "upstream answered HTTP " + std::to_string(http) + ": " + body_excerpt(raw);
  }
  if (status.empty()) status = status_for_http(http);
  if (f.message.empty()) {
    f.message = "upstream answered HTTP " + std::to_string(http) +
                (status.empty() ? "" : " (" + status + ")");
  }
  classify_status(f, status, http, details);
  f.retry_after = details.retry_delay;
  return f;
}

Failure classify_gemini_error(const HttpResponse& response, WallTime now) {
  Json body = parse_json_or_discarded(response.body);
  const Json* error = body.is_discarded() ? nullptr : gemini_error_object(body);
  Failure f = classify_gemini_error_object(response.status, error, response.body);
  if (!f.retry_after) f.retry_after = parse_retry_after(response.headers, now);
  return f;
}

}  // namespace understudy
