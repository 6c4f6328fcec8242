// Retry hints from HTTP response headers.
//
// Order of precedence, as in the official OpenAI/Anthropic SDKs: `retry-after-ms`
// (milliseconds, non-standard), then `retry-after` as delay-seconds (integer or decimal)
// or as an HTTP-date (IMF-fixdate, RFC 850 or asctime form), measured against `now`.
// Negative, malformed or absurd (> 1 day) values are ignored. A date in the past is 0 ms.
// Pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "lib/core/clock.h"
#include "lib/transport/http.h"

namespace understudy {

std::optional<Millis> parse_retry_after(const Headers& headers, WallTime now);

// The pieces, exposed for tests and for formats that carry the hint elsewhere.
std::optional<Millis> parse_retry_after_ms(std::string_view value);
std::optional<Millis> parse_retry_after_value(std::string_view value, WallTime now);
std::optional<WallTime> parse_http_date(std::string_view value);

}  // namespace understudy
