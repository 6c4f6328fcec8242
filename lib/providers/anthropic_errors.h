// Classification of Anthropic errors (wire-formats §3.6, §8.1) from HTTP status AND body
// {"type":"error","error":{"type","message","details"?},"request_id"}.
//
//   529 / overloaded_error                         -> overloaded
//   429 / rate_limit_error                         -> rate_limit (retry hint from headers)
//   429 with details.error_code enforced_spend_limit_reached, 402 / billing_error, and the
//     400s "credit balance is too low" / "reached your specified API usage limits" -> quota
//   401 / authentication_error, 403 / permission_error -> auth
//   404 / not_found_error, 410                     -> model_unavailable
//   413 / request_too_large, 400 "prompt is too long" (and the context-limit phrasings)
//                                                  -> context_length
//   400 "content filtering policy"                 -> content_policy
//   500 / api_error, 504 / timeout_error, other 5xx, 408, 409 -> server (503 -> overloaded)
//   other 4xx / invalid_request_error              -> bad_request
// Unknown error types fall back to the status. The Failure carries the upstream message and
// the normalized OpenAI type/code of wire-formats §8.1. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "lib/core/failure.h"
#include "lib/model/json.h"

namespace understudy {

// `status` is the HTTP status, or 0 for an error event inside a 200 stream (then only the
// body decides). `body` may be discarded/non-JSON; `raw` is the body text for messages.
Failure anthropic_failure(int status, const Json& body, std::string_view raw);

FailureClass classify_anthropic_error(int status, const std::string& type,
                                      const std::string& message, const std::string& detail_code);

}  // namespace understudy
