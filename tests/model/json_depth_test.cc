// The nesting limit for outside JSON (lib/model/json_depth.h).
#include "lib/model/json_depth.h"

#include <doctest/doctest.h>

#include <string>

using namespace understudy;

namespace {
std::string nested(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}
}  // namespace

TEST_CASE("json depth: nesting up to the limit passes, one level more is reported where it opens") {
  CHECK_FALSE(json_too_deep_at(nested(kMaxJsonDepth)).has_value());
  auto at = json_too_deep_at(nested(kMaxJsonDepth + 1));
  REQUIRE(at.has_value());
  CHECK(*at == kMaxJsonDepth);
  CHECK(json_too_deep_at(R"({"a":{"b":[1,{"c":2}]}})", 4) == std::nullopt);
  CHECK(json_too_deep_at(R"({"a":{"b":[1,{"c":2}]}})", 3) == std::optional<std::size_t>(13));
}

TEST_CASE("json depth: closed levels no longer count, siblings do not add up") {
  std::string siblings;
  for (int i = 0; i < 1000; ++i) siblings += nested(10);
  CHECK_FALSE(json_too_deep_at("[" + siblings + "]", 11).has_value());
}

TEST_CASE("json depth: brackets inside strings, escaped quotes included, do not count") {
  CHECK_FALSE(json_too_deep_at(R"(["[[[[", "{{{{"])", 1).has_value());
  CHECK_FALSE(json_too_deep_at(R"(["a\"[[[[\\", "\\\"{{{{"])", 1).has_value());
  CHECK(json_too_deep_at(R"(["a\\", [[]]])", 2) == std::optional<std::size_t>(9));
}
