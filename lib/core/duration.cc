#include "lib/core/duration.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace understudy {

namespace {

// Milliseconds in one `unit`, or 0 for an unknown unit.
double millis_per_unit(const std::string& unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m") return 60000;
  if (unit == "h") return 3600000;
  // Go accepts both the micro sign U+00B5 and the Greek mu U+03BC.
  if (unit == "us" || unit == "\u00b5s" || unit == "\u03bcs") return 0.001;
  if (unit == "ns") return 0.000001;
  return 0;
}

}  // namespace

Result<Millis> parse_duration(std::string_view text) {
  std::string s(text);
  auto bad = [&](const char* why) {
    return invalid_argument("invalid duration \"" + s + "\": " + why +
                            " (expected e.g. \"500ms\", \"5s\", \"1m30s\")");
  };
  if (s.empty()) return bad("empty");
  double total_ms = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    size_t digits = 0, dots = 0;
    for (; i < s.size(); ++i) {
      if (std::isdigit(static_cast<unsigned char>(s[i]))) {
        ++digits;
      } else if (s[i] == '.') {
        ++dots;
      } else {
        break;
      }
    }
    if (i == start) return bad("expected a number");
    // strtod would silently read "1.2.3" as 1.2 and "." as 0.
    if (digits == 0 || dots > 1) return bad("malformed number");
    double value = std::strtod(s.substr(start, i - start).c_str(), nullptr);
    size_t unit_start = i;
    // Unit bytes: letters, plus the UTF-8 bytes of "µs" / "μs" (isalpha rejects them).
    while (i < s.size() && (std::isalpha(static_cast<unsigned char>(s[i])) ||
                            static_cast<unsigned char>(s[i]) >= 0x80)) {
      ++i;
    }
    std::string unit = s.substr(unit_start, i - unit_start);
    if (unit.empty()) return bad("missing unit");
    double scale = millis_per_unit(unit);
    if (scale == 0) return bad("unknown unit");
    total_ms += value * scale;
  }
  if (!std::isfinite(total_ms) || total_ms > 1e15) return bad("too large");
  return Millis(static_cast<std::int64_t>(std::llround(total_ms)));
}

std::string format_millis(std::int64_t ms) {
  char buf[64];
  if (ms < 10000) {
    std::snprintf(buf, sizeof buf, "%lld ms", static_cast<long long>(ms));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
  }
  return buf;
}

}  // namespace understudy
