#include "lib/core/duration.h"

#include <cmath>
#include <cstdlib>

namespace understudy {

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
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == start) return bad("expected a number");
    double value = std::strtod(s.substr(start, i - start).c_str(), nullptr);
    size_t unit_start = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    std::string unit = s.substr(unit_start, i - unit_start);
    double scale;
    if (unit == "ms")
      scale = 1;
    else if (unit == "s")
      scale = 1000;
    else if (unit == "m")
      scale = 60000;
    else if (unit == "h")
      scale = 3600000;
    else if (unit == "us" || unit == "µs")
      scale = 0.001;
    else if (unit == "ns")
      scale = 0.000001;
    else if (unit.empty())
      return bad("missing unit");
    else
      return bad("unknown unit");
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
