#include "lib/config/key_path.h"

#include <cctype>
#include <cstdio>

namespace understudy {

std::string join_key(const std::string& base, std::string_view key) {
  bool bare = !key.empty();
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') bare = false;
  }
  std::string out = base;
  if (!out.empty()) out += '.';
  if (!bare) out += '"';
  out += key;
  if (!bare) out += '"';
  return out;
}

std::string index_path(const std::string& base, std::size_t i) {
  return base + "[" + std::to_string(i) + "]";
}

std::string int_range_phrase(std::int64_t min, std::int64_t max) {
  if (max == kNoMax) return min == 1 ? "must be > 0" : "must be >= " + std::to_string(min);
  return "must be between " + std::to_string(min) + " and " + std::to_string(max);
}

std::string number_range_phrase(double min, double max) {
  return "must be between " + format_number(min) + " and " + format_number(max);
}

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

}  // namespace understudy
