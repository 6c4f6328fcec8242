// Key paths as shown in config diagnostics: providers.openai.keys[0].value, and the range
// phrases of numeric checks. Shared by the TOML and the JSON readers. Pure functions.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace understudy {

inline constexpr std::int64_t kNoMax = std::numeric_limits<std::int64_t>::max();
// The longest duration a config may set (a day, in milliseconds). Longer is surely a typo,
// and waits convert their timeouts to int milliseconds (poll), so it must stay far below 2^31.
inline constexpr std::int64_t kMaxConfigMillis = 86'400'000;

// base + "." + key, quoting keys that are not bare ("model_capabilities.\"gpt-4o*\"").
std::string join_key(const std::string& base, std::string_view key);
// base + "[i]".
std::string index_path(const std::string& base, std::size_t i);
// "must be > 0", "must be >= 0", "must be between 1 and 65535" (kNoMax = no upper bound).
std::string int_range_phrase(std::int64_t min, std::int64_t max);
// "must be between 0 and 1".
std::string number_range_phrase(double min, double max);
// 1.5 -> "1.5", 1e9 -> "1000000000".
std::string format_number(double v);

}  // namespace understudy
