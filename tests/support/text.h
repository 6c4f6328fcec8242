// Test support: small text checks shared by the tests that look into output, logs and bodies.
// Pure functions; only tests use them.
#pragma once

#include <string>

namespace understudy::testing {

// Whether `needle` occurs anywhere in `haystack`. std::string, not string_view: callers pass
// string Json values, which convert to std::string only.
inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace understudy::testing
