#include "lib/core/failure.h"

namespace understudy {

const char* failure_class_name(FailureClass c) {
  switch (c) {
    case FailureClass::kRateLimit:
      return "rate_limit";
    case FailureClass::kOverloaded:
      return "overloaded";
    case FailureClass::kServer:
      return "server";
    case FailureClass::kNetwork:
      return "network";
    case FailureClass::kTimeout:
      return "timeout";
    case FailureClass::kAuth:
      return "auth";
    case FailureClass::kQuota:
      return "quota";
    case FailureClass::kModelUnavailable:
      return "model_unavailable";
    case FailureClass::kContextLength:
      return "context_length";
    case FailureClass::kContentPolicy:
      return "content_policy";
    case FailureClass::kBadRequest:
      return "bad_request";
    case FailureClass::kCancelled:
      return "cancelled";
  }
  return "server";
}

std::optional<FailureClass> parse_failure_class(std::string_view name) {
  for (FailureClass c : kAllFailureClasses) {
    if (name == failure_class_name(c)) return c;
  }
  return std::nullopt;
}

int http_status_for(const Failure& f) {
  if (f.upstream_status >= 400 && f.upstream_status <= 599) {
    // 529 is Anthropic-specific; OpenAI clients know 503.
    return f.upstream_status == 529 ? 503 : f.upstream_status;
  }
  switch (f.cls) {
    case FailureClass::kRateLimit:
      return 429;
    case FailureClass::kOverloaded:
      return 503;
    case FailureClass::kServer:
      return 502;
    case FailureClass::kNetwork:
      return 502;
    case FailureClass::kTimeout:
      return 504;
    case FailureClass::kAuth:
      return 401;
    case FailureClass::kQuota:
      return 402;
    case FailureClass::kModelUnavailable:
      return 404;
    case FailureClass::kContextLength:
      return 400;
    case FailureClass::kContentPolicy:
      return 400;
    case FailureClass::kBadRequest:
      return 400;
    case FailureClass::kCancelled:
      return 499;
  }
  return 502;
}

Failure make_local_failure(FailureClass cls, std::string message) {
  Failure f;
  f.cls = cls;
  f.message = std::move(message);
  switch (cls) {
    case FailureClass::kTimeout:
      f.type = "server_error";
      f.code = "timeout";
      break;
    case FailureClass::kCancelled:
      f.type = "request_cancelled";
      f.code = "cancelled";
      break;
    case FailureClass::kRateLimit:
      f.type = "rate_limit_error";
      f.code = "rate_limit_exceeded";
      break;
    default:
      f.type = "server_error";
      f.code = "upstream_error";
      break;
  }
  return f;
}

}  // namespace understudy
