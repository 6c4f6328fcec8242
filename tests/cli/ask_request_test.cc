#include "cli/ask_request.h"

#include <doctest/doctest.h>

#include "cli/ask_via.h"
#include "lib/config/loader.h"
#include "lib/model/chat.h"

using namespace understudy;
using namespace understudy::cli;

namespace {

Config zero(std::map<std::string, std::string> vars) {
  LoadResult r = zero_config(map_env(std::move(vars)));
  REQUIRE(r.ok());
  return r.config;
}

Config from_toml(const std::string& text) {
  LoadResult r = parse_toml_config(text, "ask.toml", map_env({}));
  REQUIRE(r.ok());
  return r.config;
}

}  // namespace

TEST_CASE("ask: --timeout takes seconds or a duration, and nothing else") {
  CHECK(parse_timeout("30").value() == Millis(30000));
  CHECK(parse_timeout("2.5").value() == Millis(2500));
  CHECK(parse_timeout("30s").value() == Millis(30000));
  CHECK(parse_timeout("1m30s").value() == Millis(90000));
  CHECK(parse_timeout("500ms").value() == Millis(500));
  CHECK_FALSE(parse_timeout("0").ok());
  CHECK_FALSE(parse_timeout("-3").ok());
  CHECK_FALSE(parse_timeout("").ok());
  auto bad = parse_timeout("soon");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("\"soon\"") != std::string::npos);
}

TEST_CASE("ask: the prompt comes from stdin for -, or for a pipe with no words") {
  CHECK_FALSE(prompt_needs_stdin({"hello"}, false));
  CHECK_FALSE(prompt_needs_stdin({"hello"}, true));
  CHECK(prompt_needs_stdin({}, false));
  CHECK_FALSE(prompt_needs_stdin({}, true));
  CHECK(prompt_needs_stdin({"-"}, true));
  CHECK(prompt_needs_stdin({"explain", "-"}, true));
}

TEST_CASE("ask: words are joined with spaces and - stands for the piped text") {
  CHECK(assemble_prompt({"why", "is", "the sky", "blue?"}, std::nullopt).value() ==
        "why is the sky blue?");
  CHECK(assemble_prompt({}, std::string("from a pipe\n\n")).value() == "from a pipe");
  CHECK(assemble_prompt({"-"}, std::string("piped\n")).value() == "piped");
  CHECK(assemble_prompt({"explain:", "-"}, std::string("int x;\n")).value() == "explain: int x;");
  auto empty = assemble_prompt({}, std::string(" \n\t"));
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().message().find("no prompt") == 0);
  CHECK_FALSE(assemble_prompt({}, std::nullopt).ok());
}

TEST_CASE("ask: -m and -f win over everything") {
  AskOptions o;
  o.model = "anthropic/claude-sonnet-4-5";
  o.fallbacks = {"openai/gpt-4o"};
  ModelChoice c = choose_model(o, zero({{"GEMINI_API_KEY", "g"}})).value();
  CHECK(c.model == "anthropic/claude-sonnet-4-5");
  CHECK(c.fallbacks == std::vector<std::string>{"openai/gpt-4o"});
  CHECK(c.send_fallbacks);
  CHECK(c.why == "-m");
}

TEST_CASE("ask: with -m alone the config's own chains apply") {
  AskOptions o;
  o.model = "a/x";
  Config config =
      from_toml("[providers.a]\ntype = \"mock\"\n[ask]\nmodel = \"a/y\"\nfallbacks = [\"a/z\"]\n");
  ModelChoice c = choose_model(o, config).value();
  CHECK(c.model == "a/x");
  CHECK_FALSE(c.send_fallbacks);
}

TEST_CASE("ask: [ask] model and fallbacks are the default") {
  Config config =
      from_toml("[providers.a]\ntype = \"mock\"\n[ask]\nmodel = \"a/y\"\nfallbacks = [\"a/z\"]\n");
  ModelChoice c = choose_model(AskOptions{}, config).value();
  CHECK(c.model == "a/y");
  CHECK(c.fallbacks == std::vector<std::string>{"a/z"});
  CHECK(c.send_fallbacks);
  CHECK(c.why == "[ask] model");
  AskOptions own;
  own.fallbacks = {"a/w"};
  CHECK(choose_model(own, config).value().fallbacks == std::vector<std::string>{"a/w"});
}

TEST_CASE("ask: zero-config picks openai, then anthropic, then gemini, the others as fallbacks") {
  ModelChoice all =
      choose_model(
          AskOptions{},
          zero({{"GEMINI_API_KEY", "g"}, {"ANTHROPIC_API_KEY", "a"}, {"OPENAI_API_KEY", "o"}}))
          .value();
  CHECK(all.model == "openai/gpt-4o-mini");
  CHECK(all.fallbacks ==
        std::vector<std::string>{"anthropic/claude-haiku-4-5", "gemini/gemini-2.5-flash"});
  CHECK(all.why == "preset openai");
  ModelChoice two =
      choose_model(AskOptions{}, zero({{"GROQ_API_KEY", "q"}, {"ANTHROPIC_API_KEY", "a"}})).value();
  CHECK(two.model == "anthropic/claude-haiku-4-5");
  CHECK(two.fallbacks == std::vector<std::string>{"groq/llama-3.3-70b-versatile"});
  ModelChoice one = choose_model(AskOptions{}, zero({{"GOOGLE_API_KEY", "g"}})).value();
  CHECK(one.model == "gemini/gemini-2.5-flash");
  CHECK_FALSE(one.send_fallbacks);
}

TEST_CASE("ask: with no key set the error lists every variable understudy reads") {
  auto r = choose_model(AskOptions{}, zero({}));
  REQUIRE_FALSE(r.ok());
  const std::string& m = r.status().message();
  for (const char* var : {"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY",
                          "GROQ_API_KEY", "OPENROUTER_API_KEY"}) {
    CAPTURE(var);
    CHECK(m.find(var) != std::string::npos);
  }
  CHECK(m.find("--config") != std::string::npos);
}

TEST_CASE("ask: a config without keys or [ask] asks for -m with an example") {
  Config config = from_toml("[providers.local]\ntype = \"mock\"\nmodels = [\"tiny\"]\n");
  auto r = choose_model(AskOptions{}, config);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() ==
        "no model to ask: pass -m (e.g. -m local/tiny) or set [ask] model "
        "in ask.toml");
}

TEST_CASE("ask: the request body carries what was given and nothing else") {
  AskRequestSpec spec;
  spec.choice.model = "openai/gpt-4o-mini";
  spec.prompt = "hi";
  Json plain = build_request_body(spec);
  CHECK(plain.dump() ==
        R"({"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],)"
        R"("stream":true,"stream_options":{"include_usage":true}})");
  spec.system = "be brief";
  spec.temperature = 0.5;
  spec.max_tokens = 64;
  spec.stream = false;
  spec.choice.fallbacks = {"anthropic/claude-haiku-4-5"};
  spec.choice.send_fallbacks = true;
  Json full = build_request_body(spec);
  CHECK(full["messages"][0] == Json{{"role", "system"}, {"content", "be brief"}});
  CHECK(full["messages"][1]["content"] == "hi");
  CHECK(full["temperature"] == 0.5);
  CHECK(full["max_tokens"] == 64);
  CHECK(full["stream"] == false);
  CHECK_FALSE(full.contains("stream_options"));
  CHECK(full["fallbacks"] == Json::array({"anthropic/claude-haiku-4-5"}));
  auto parsed = parse_chat_request(full.dump());
  REQUIRE(parsed.ok());
  CHECK(parsed->fallbacks == std::vector<std::string>{"anthropic/claude-haiku-4-5"});
}

TEST_CASE("ask: --via URLs get the chat completions path once") {
  HttpRequest plain = via_endpoint("http://127.0.0.1:8080").value();
  CHECK(plain.base_url == "http://127.0.0.1:8080");
  CHECK(plain.path == "/v1/chat/completions");
  CHECK(via_endpoint("http://127.0.0.1:8080/").value().path == "/v1/chat/completions");
  CHECK(via_endpoint("http://gw.local/v1").value().path == "/v1/chat/completions");
  CHECK(via_endpoint("https://gw.example/llm/v1/").value().path == "/llm/v1/chat/completions");
  CHECK(via_endpoint("https://gw.example/llm").value().path == "/llm/v1/chat/completions");
  auto bad = via_endpoint("127.0.0.1:8080");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("\"127.0.0.1:8080\"") != std::string::npos);
}
