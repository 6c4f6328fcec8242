// parse_model_ref and looks_like_model_ref (lib/model/model_ref.h).
#include "lib/model/model_ref.h"

#include <doctest/doctest.h>

#include <string>

using namespace understudy;

namespace {

ModelRef ok_ref(std::string_view text) {
  auto r = parse_model_ref(text);
  REQUIRE_MESSAGE(r.ok(), std::string(text), ": ", r.status().to_string());
  return *r;
}

std::string error_of(std::string_view text) {
  auto r = parse_model_ref(text);
  REQUIRE_MESSAGE(!r.ok(), std::string(text), " parsed");
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  return r.status().message();
}

bool mentions(const std::string& message, const std::string& part) {
  return message.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("model ref: provider/model splits into its two parts") {
  ModelRef r = ok_ref("openai/gpt-4o");
  CHECK(r.provider == "openai");
  CHECK(r.model == "gpt-4o");
  CHECK(r.str() == "openai/gpt-4o");
}

TEST_CASE("model ref: the split is on the first slash only") {
  ModelRef r = ok_ref("openrouter/anthropic/claude-3.5-sonnet");
  CHECK(r.provider == "openrouter");
  CHECK(r.model == "anthropic/claude-3.5-sonnet");
  CHECK(r.str() == "openrouter/anthropic/claude-3.5-sonnet");

  ModelRef trailing = ok_ref("together/meta-llama/");
  CHECK(trailing.model == "meta-llama/");
}

TEST_CASE("model ref: names with dots, colons and dashes are kept verbatim") {
  ModelRef r = ok_ref("ollama/gpt-oss:20b");
  CHECK(r.model == "gpt-oss:20b");
  CHECK(ok_ref("openai/ft:gpt-4o-mini-2024-07-18:acme::AbC123").model ==
        "ft:gpt-4o-mini-2024-07-18:acme::AbC123");
  CHECK(ok_ref("Azure-East/My.Deployment_1").provider == "Azure-East");
}

TEST_CASE("model ref: unicode model names pass through byte for byte") {
  ModelRef r = ok_ref("local/mod\u00e8le-\u4e2d\u6587");
  CHECK(r.provider == "local");
  CHECK(r.model == "mod\u00e8le-\u4e2d\u6587");
}

TEST_CASE("model ref: an empty reference is rejected") { CHECK(mentions(error_of(""), "empty")); }

TEST_CASE("model ref: a name without provider is rejected and quoted") {
  std::string m = error_of("gpt-4o");
  CHECK(mentions(m, "\"gpt-4o\""));
  CHECK(mentions(m, "no provider"));
  CHECK(mentions(m, "provider/model"));
}

TEST_CASE("model ref: an empty provider or model part is rejected and named") {
  std::string slash = error_of("/");
  CHECK(mentions(slash, "\"/\""));
  CHECK(mentions(slash, "empty provider"));

  std::string no_model = error_of("openai/");
  CHECK(mentions(no_model, "\"openai/\""));
  CHECK(mentions(no_model, "empty model"));

  std::string no_provider = error_of("/gpt");
  CHECK(mentions(no_provider, "\"/gpt\""));
  CHECK(mentions(no_provider, "empty provider"));

  CHECK(mentions(error_of("//x"), "empty provider"));
}

TEST_CASE("model ref: whitespace and control characters are rejected in either part") {
  for (const char* bad : {"openai/gpt 4o", " openai/gpt-4o", "openai/gpt-4o ", "open ai/gpt-4o"}) {
    CAPTURE(bad);
    std::string m = error_of(bad);
    CHECK(mentions(m, "whitespace or control characters"));
    CHECK(mentions(m, std::string("\"") + bad + "\""));
  }
}

TEST_CASE("model ref: control characters are escaped in the error message") {
  struct Case {
    std::string input;
    const char* shown;
  };
  for (const Case& c :
       {Case{"openai/gpt-4o\n", "\"openai/gpt-4o\\n\""},
        Case{"openai\t/gpt-4o", "\"openai\\t/gpt-4o\""}, Case{"openai/gpt\r", "\"openai/gpt\\r\""},
        Case{"openai/gpt\x7f", "\"openai/gpt\\x7f\""},
        Case{"openai/\x1b[31mred", "\"openai/\\x1b[31mred\""},
        Case{std::string("openai/gpt\0evil", 15), "\"openai/gpt\\x00evil\""}}) {
    CAPTURE(c.shown);
    std::string m = error_of(c.input);
    CHECK(mentions(m, "whitespace or control characters"));
    CHECK(mentions(m, c.shown));
    for (char ch : m) CHECK(static_cast<unsigned char>(ch) >= 0x20);
  }
}

TEST_CASE("model ref: looks_like_model_ref is true exactly when there is a slash") {
  CHECK(looks_like_model_ref("openai/gpt-4o"));
  CHECK(looks_like_model_ref("/"));
  CHECK(looks_like_model_ref("openrouter/a/b"));
  CHECK_FALSE(looks_like_model_ref("smart"));
  CHECK_FALSE(looks_like_model_ref(""));
  CHECK_FALSE(looks_like_model_ref("gpt-4o"));
}

TEST_CASE("model ref: refs compare and order by provider, then model") {
  ModelRef a{"anthropic", "z"}, b{"openai", "a"}, c{"openai", "b"};
  CHECK(a < b);
  CHECK(b < c);
  CHECK(b == ModelRef{"openai", "a"});
  CHECK(b != c);
}
