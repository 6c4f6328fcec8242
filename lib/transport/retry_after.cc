#include "lib/transport/retry_after.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <string>

namespace understudy {

namespace {

constexpr double kMaxHintMs = 24.0 * 3600 * 1000;

std::string trim(std::string_view v) {
  size_t b = 0, e = v.size();
  while (b < e && std::isspace(static_cast<unsigned char>(v[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(v[e - 1]))) --e;
  return std::string(v.substr(b, e - b));
}

// Plain decimal only: digits with at most one ".". strtod alone would also take "0x10",
// "1e3", "+5" and "inf", none of which a server means as a delay.
std::optional<double> parse_number(const std::string& s) {
  size_t digits = 0, dots = 0;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (c == '.') {
      ++dots;
    } else {
      return std::nullopt;
    }
  }
  if (digits == 0 || dots > 1) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<Millis> bounded(double ms) {
  if (ms < 0 || ms > kMaxHintMs) return std::nullopt;
  return Millis(static_cast<std::int64_t>(std::llround(ms)));
}

}  // namespace

std::optional<Millis> parse_retry_after_ms(std::string_view value) {
  auto d = parse_number(trim(value));
  if (!d) return std::nullopt;
  return bounded(*d);
}

std::optional<WallTime> parse_http_date(std::string_view value) {
  std::string s = trim(value);
  static const char* kFormats[] = {
      "%a, %d %b %Y %H:%M:%S GMT",  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
      "%A, %d-%b-%y %H:%M:%S GMT",  // RFC 850:     Sunday, 06-Nov-94 08:49:37 GMT
      "%a %b %e %H:%M:%S %Y",       // asctime:     Sun Nov  6 08:49:37 1994
  };
  for (const char* fmt : kFormats) {
    std::tm tm{};
    const char* end = strptime(s.c_str(), fmt, &tm);
    if (end && *end == '\0') {
      time_t t = timegm(&tm);
      if (t == static_cast<time_t>(-1)) continue;
      return WallTime(std::chrono::seconds(t));
    }
  }
  return std::nullopt;
}

std::optional<Millis> parse_retry_after_value(std::string_view value, WallTime now) {
  std::string s = trim(value);
  if (auto d = parse_number(s)) return bounded(*d * 1000.0);
  if (auto date = parse_http_date(s)) {
    auto diff = std::chrono::duration_cast<Millis>(*date - now).count();
    if (diff < 0) diff = 0;
    return bounded(static_cast<double>(diff));
  }
  return std::nullopt;
}

std::optional<Millis> parse_retry_after(const Headers& headers, WallTime now) {
  if (auto v = header_value(headers, "retry-after-ms")) {
    if (auto ms = parse_retry_after_ms(*v)) return ms;
  }
  if (auto v = header_value(headers, "retry-after")) {
    return parse_retry_after_value(*v, now);
  }
  return std::nullopt;
}

}  // namespace understudy
