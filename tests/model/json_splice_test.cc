// Byte-level member edits (lib/model/json_splice.h): what they keep, change and refuse.
#include "lib/model/json_splice.h"

#include <doctest/doctest.h>

#include <string>

#include "lib/model/json.h"

using namespace understudy;

TEST_CASE("json splice: replacing one member keeps every other value byte for byte") {
  std::string in =
      R"( { "model" : "openai/gpt-4o",  "messages":[{"role":"user","content":"a \"quoted\" }{ ]["}],)"
      R"( "temperature": 1.50, "n":1e0 } )";
  auto m = TopLevelMembers::scan(in);
  REQUIRE(m.has_value());
  m->set("model", json_string_literal("gpt-4o"));
  CHECK(m->str() ==
        R"({"model":"gpt-4o","messages":[{"role":"user","content":"a \"quoted\" }{ ]["}],)"
        R"("temperature":1.50,"n":1e0})");
}

TEST_CASE("json splice: removed members disappear and set appends a missing member") {
  auto m =
      TopLevelMembers::scan(R"({"model":"a/b","fallbacks":["c/d"],"stream":false,"messages":[]})");
  REQUIRE(m.has_value());
  m->remove("fallbacks");
  m->remove("stream");
  m->remove("absent");
  m->set("stream_options", R"({"include_usage":true})");
  CHECK(m->str() == R"({"model":"a/b","messages":[],"stream_options":{"include_usage":true}})");
  CHECK_FALSE(m->has("fallbacks"));
  CHECK(m->raw_value("stream_options").value() == R"({"include_usage":true})");
}

TEST_CASE("json splice: the result parses to the same document as editing the tree") {
  std::string in =
      R"({"model":"x/y","messages":[{"role":"user","content":"\u00e9t\u00e9 \ud83d\ude00"}],)"
      R"("fallbacks":null,"tools":[{"type":"function","function":{"name":"f","parameters":{}}}],)"
      R"("max_tokens":10,"stop":["\n"]})";
  auto m = TopLevelMembers::scan(in);
  REQUIRE(m.has_value());
  m->set("model", json_string_literal("y"));
  m->remove("fallbacks");
  Json expected = Json::parse(in);
  expected["model"] = "y";
  expected.erase("fallbacks");
  CHECK(Json::parse(m->str()) == expected);
}

TEST_CASE("json splice: scan refuses what a splice cannot edit faithfully") {
  CHECK_FALSE(TopLevelMembers::scan(R"([1,2])").has_value());
  CHECK_FALSE(TopLevelMembers::scan(R"("text")").has_value());
  CHECK_FALSE(TopLevelMembers::scan(R"({"model":"a","model":"b"})").has_value());  // repeated
  CHECK_FALSE(TopLevelMembers::scan(R"({"mod\u0065l":"a"})").has_value());         // escaped key
  CHECK_FALSE(TopLevelMembers::scan(R"({"a":1)").has_value());                     // cut short
  CHECK_FALSE(TopLevelMembers::scan(R"({"a":1} x)").has_value());                  // trailing bytes
  CHECK_FALSE(TopLevelMembers::scan(R"({"a":"unterminated})").has_value());
  auto empty = TopLevelMembers::scan(" {  } ");
  REQUIRE(empty.has_value());
  CHECK(empty->str() == "{}");
}

TEST_CASE("json splice: string literals are escaped") {
  CHECK(json_string_literal("gpt-4o") == R"("gpt-4o")");
  CHECK(json_string_literal("a\"b\\c\n") == R"("a\"b\\c\n")");
}

TEST_CASE("json splice: append_member adds a member before the closing brace") {
  CHECK(append_member(R"({"id":"x","usage":{"total_tokens":3}})", "extra_fields",
                      R"({"provider":"p"})") ==
        R"({"id":"x","usage":{"total_tokens":3},"extra_fields":{"provider":"p"}})");
  CHECK(append_member("{\"a\":1}\n", "b", "2") == R"({"a":1,"b":2})");
  CHECK(append_member("{ }", "b", "2") == R"({ "b":2})");
  CHECK(append_member("[1]", "b", "2").empty());
  CHECK(append_member("", "b", "2").empty());
}
