// Failure classes (design §5) and the Failure record of one failed attempt.
//
// Every failed attempt is classified exactly once, by the provider adapter (from HTTP
// status and body) or by the router (from a transport error or a timeout it fired). The
// class alone drives the retry/fallback decision (lib/router/decision.h). A Failure also
// carries the normalized OpenAI-style error fields that the caller sees when this failure
// is the one returned. Plain value type; no thread-safety concerns.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace understudy {

enum class FailureClass {
  kRateLimit,         // 429, rate-limit error types
  kOverloaded,        // 503 / 529 / "overloaded": the provider is busy
  kServer,            // 500 / 502 / 504 and malformed upstream replies
  kNetwork,           // refused, reset, DNS, TLS: local-origin, before or during the reply
  kTimeout,           // no headers / no first token / stream idle in time
  kAuth,              // 401 / 403, invalid key
  kQuota,             // 402, insufficient_quota: retrying the same key does not help
  kModelUnavailable,  // 404 model_not_found, 410
  kContextLength,     // the prompt does not fit this model
  kContentPolicy,     // refused by a content filter
  kBadRequest,        // the caller's request is wrong everywhere
  kCancelled,         // the caller went away
};

inline constexpr FailureClass kAllFailureClasses[] = {
    FailureClass::kRateLimit,     FailureClass::kOverloaded,       FailureClass::kServer,
    FailureClass::kNetwork,       FailureClass::kTimeout,          FailureClass::kAuth,
    FailureClass::kQuota,         FailureClass::kModelUnavailable, FailureClass::kContextLength,
    FailureClass::kContentPolicy, FailureClass::kBadRequest,       FailureClass::kCancelled,
};

// Stable snake_case names used in attempt trails, events, metrics and scenarios.
const char* failure_class_name(FailureClass c);
// Inverse of failure_class_name; nullopt for an unknown name.
std::optional<FailureClass> parse_failure_class(std::string_view name);

struct Failure {
  FailureClass cls = FailureClass::kServer;
  // Upstream HTTP status, or 0 when the failure is local-origin (connect, timeout, reset).
  int upstream_status = 0;
  // OpenAI-style error fields as the caller should see them.
  std::string type;     // e.g. "rate_limit_error", "server_error"
  std::string code;     // e.g. "rate_limit_exceeded"; may be empty (JSON null)
  std::string message;  // human readable; never contains a key value
  std::string param;    // may be empty (JSON null)
  // The provider's retry hint, when it gave one (Retry-After, retry-after-ms, RetryInfo).
  std::optional<std::chrono::milliseconds> retry_after;

  bool local_origin() const { return upstream_status == 0; }
};

// The HTTP status the gateway answers with when this failure is the final one.
int http_status_for(const Failure& f);

// A Failure for a local-origin condition with a standard message and type.
Failure make_local_failure(FailureClass cls, std::string message);

}  // namespace understudy
