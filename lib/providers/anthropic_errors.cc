#include "lib/providers/anthropic_errors.h"

#include "lib/providers/error_text.h"
#include "lib/providers/json_member.h"

namespace understudy {

namespace {

bool mentions_context_overflow(const std::string& message) {
  return contains_ci(message, "prompt is too long") ||
         contains_ci(message, "exceed context limit") || contains_ci(message, "context window") ||
         contains_ci(message, "too many tokens");
}

// Anthropic reports an empty prepaid balance and a reached spend limit as 400
// invalid_request_error (and some spend limits as 429 with a detail code); none of them
// clear by retrying.
bool mentions_out_of_credit(const std::string& message, const std::string& detail_code) {
  return detail_code == "enforced_spend_limit_reached" ||
         contains_ci(message, "credit balance is too low") ||
         contains_ci(message, "reached your specified api usage limits");
}

FailureClass classify_by_status(int status) {
  if (status == 503 || status == 529) return FailureClass::kOverloaded;
  if (status >= 500 || status == 408 || status == 409 || status == 0) return FailureClass::kServer;
  return FailureClass::kBadRequest;
}

// The OpenAI-style type and code the caller sees (wire-formats §8.1).
void normalize_fields(Failure& f, int status, const std::string& upstream_type) {
  f.type = "invalid_request_error";
  f.code.clear();
  switch (f.cls) {
    case FailureClass::kOverloaded:
      f.type = "server_error";
      f.code = "server_is_overloaded";
      break;
    case FailureClass::kRateLimit:
      f.type = "rate_limit_error";
      f.code = "rate_limit_exceeded";
      break;
    case FailureClass::kQuota:
      f.type = "insufficient_quota";
      f.code = "insufficient_quota";
      break;
    case FailureClass::kModelUnavailable:
      f.code = "model_not_found";
      break;
    case FailureClass::kContentPolicy:
      f.code = "content_filter";
      break;
    case FailureClass::kAuth:
      if (upstream_type == "permission_error" || status == 403) {
        f.type = "permission_error";
      } else {
        f.code = "invalid_api_key";
      }
      break;
    case FailureClass::kContextLength:
      f.code = (upstream_type == "request_too_large" || status == 413) ? "request_too_large"
                                                                       : "context_length_exceeded";
      break;
    case FailureClass::kServer:
      f.type = "server_error";
      if (upstream_type == "timeout_error" || status == 504) f.code = "timeout";
      break;
    default:
      break;
  }
}

}  // namespace

FailureClass classify_anthropic_error(int status, const std::string& type,
                                      const std::string& message, const std::string& detail_code) {
  if (type == "overloaded_error" || status == 529) return FailureClass::kOverloaded;
  if (type == "billing_error" || status == 402 || mentions_out_of_credit(message, detail_code)) {
    return FailureClass::kQuota;
  }
  if (type == "rate_limit_error" || status == 429) return FailureClass::kRateLimit;
  if (type == "authentication_error" || type == "permission_error" || status == 401 ||
      status == 403) {
    return FailureClass::kAuth;
  }
  if (type == "not_found_error" || status == 404 || status == 410) {
    return FailureClass::kModelUnavailable;
  }
  if (type == "request_too_large" || status == 413 || mentions_context_overflow(message)) {
    return FailureClass::kContextLength;
  }
  if (contains_ci(message, "content filtering policy")) return FailureClass::kContentPolicy;
  if (type == "api_error" || type == "timeout_error") {
    return status == 503 ? FailureClass::kOverloaded : FailureClass::kServer;
  }
  if (type == "invalid_request_error" && status == 0) return FailureClass::kBadRequest;
  return classify_by_status(status);
}

Failure anthropic_failure(int status, const Json& body, std::string_view raw) {
  const Json& err = json_member(body, "error");
  std::string type = json_str(err, "type");
  Failure f;
  f.upstream_status = status;
  f.message = json_str(err, "message");
  if (f.message.empty()) {
    f.message = status == 0 ? "anthropic reported an error inside the stream"
                            : "anthropic answered HTTP " + std::to_string(status);
    if (!raw.empty() && !err.is_object()) f.message += ": " + body_excerpt(raw);
  }
  std::string detail_code = json_str(json_member(err, "details"), "error_code");
  f.cls = classify_anthropic_error(status, type, f.message, detail_code);
  normalize_fields(f, status, type);
  return f;
}

}  // namespace understudy
