// body_excerpt and parse_json_or_discarded (lib/providers/error_text.h).
#include "lib/providers/error_text.h"

#include <doctest/doctest.h>

#include <string>

using namespace understudy;

TEST_CASE("body excerpt: short bodies pass whole, on one line") {
  CHECK(body_excerpt("bad\ngateway\r\n\tnow", 200) == "bad gateway   now");
  CHECK(body_excerpt("", 10) == "");
  CHECK(body_excerpt("abcdef", 6) == "abcdef");
}

TEST_CASE("body excerpt: a long body is cut with an ellipsis") {
  CHECK(body_excerpt("abcdefgh", 3) == "abc...");
}

TEST_CASE("body excerpt: the cut never splits a UTF-8 character") {
  std::string e_acute = "\xC3\xA9";        // 2 bytes
  std::string euro = "\xE2\x82\xAC";       // 3 bytes
  std::string smile = "\xF0\x9F\x98\x80";  // 4 bytes
  // max 2 lands inside the euro sign ("ab" + 3 bytes): it is dropped whole.
  CHECK(body_excerpt("a" + euro + "b", 2) == "a...");
  CHECK(body_excerpt("a" + euro + "b", 4) == "a" + euro + "...");
  CHECK(body_excerpt(smile + smile, 5) == smile + "...");
  CHECK(body_excerpt(smile + smile, 4) == smile + "...");
  CHECK(body_excerpt(e_acute + e_acute, 1) == "...");
  CHECK(body_excerpt("ab" + e_acute, 3) == "ab...");
}

TEST_CASE("json parse for upstream bytes: too deep or not JSON is discarded") {
  CHECK(parse_json_or_discarded("\n\n{\"a\": 1}")["a"] == 1);
  CHECK(parse_json_or_discarded("{oops").is_discarded());
  std::string deep = std::string(300, '[') + std::string(300, ']');
  CHECK(parse_json_or_discarded(deep).is_discarded());
  std::string ok = std::string(200, '[') + std::string(200, ']');
  CHECK(parse_json_or_discarded(ok).is_array());
}
