// Classification of Gemini errors (wire-formats §4.6, §8.1, §8.2).
//
// Gemini errors are google.rpc.Status objects, `{"error":{"code","message","status",
// "details":[...]}}`; Vertex sometimes wraps them in an array (`[{"error":...}]`). The class
// comes from the canonical `status` string (or the HTTP status when it is missing) refined
// by the details: RetryInfo.retryDelay gives the retry hint, ErrorInfo.reason API_KEY_*
// marks a bad key, a QuotaFailure on a per-day quota id means the quota will not clear
// soon (kQuota rather than kRateLimit), and an INVALID_ARGUMENT about the token count is a
// context overflow. Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "lib/core/clock.h"
#include "lib/core/failure.h"
#include "lib/model/json.h"
#include "lib/transport/http.h"

namespace understudy {

// The error object inside a parsed body, or nullptr when there is none.
const Json* gemini_error_object(const Json& body);

// A Failure from an error object. `http_status` is the reply's status, or 0 for an error
// that arrived inside a 200 (then error.code is used to classify, and upstream_status
// stays 0). `error` may be null (a body that is not a Gemini error); `raw` is then quoted.
Failure classify_gemini_error_object(int http_status, const Json* error, std::string_view raw);

// A whole non-2xx reply: body first, then Retry-After headers if the body gave no delay.
Failure classify_gemini_error(const HttpResponse& response, WallTime now);

}  // namespace understudy
