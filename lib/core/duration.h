// Parsing of human and wire duration strings.
//
// parse_duration accepts Go-style strings ("500ms", "5s", "1m30s", "0.5s", "1h") as used by
// OpenAI rate-limit headers, Gemini RetryInfo.retryDelay and Bifrost configs. A bare number
// is rejected here; callers decide what unit a bare number means. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "lib/core/clock.h"
#include "lib/core/status.h"

namespace understudy {

// "1m30s" -> 90000 ms. Fractions round to the nearest millisecond. Errors name the input.
Result<Millis> parse_duration(std::string_view text);

// "850 ms" below 10 s, "12.5 s" from there on: for reports and messages.
std::string format_millis(std::int64_t ms);

}  // namespace understudy
