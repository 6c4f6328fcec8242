// The OpenAI adapter applies the per-model parameter policy in build_request.
#include <doctest/doctest.h>

#include "lib/providers/openai.h"

namespace understudy {
namespace {

BuiltRequest build(const ProviderConfig& p, const std::string& model, const char* body) {
  auto req = parse_chat_request(body);
  REQUIRE(req.ok());
  AttemptTarget t{ModelRef{p.name, model}, &p, nullptr, "sk-test"};
  auto built = openai_adapter().build_request(*req, t, BuildOptions{});
  REQUIRE(built.ok());
  return std::move(*built);
}

TEST_CASE("openai adapter: reasoning models get max_completion_tokens and no sampling params") {
  ProviderConfig p;
  p.name = "openai";
  p.base_url = "https://api.openai.com/v1";
  BuiltRequest b = build(p, "o3",
                         R"({"model":"openai/o3","messages":[{"role":"user","content":"hi"}],
                             "temperature":0.2,"max_tokens":64,"fallbacks":["x/y"]})");
  CHECK(b.http.body ==
        R"({"model":"o3","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":64})");
  CHECK(b.dropped_params == std::vector<std::string>{"temperature"});
}

TEST_CASE("openai adapter: other models pass max_tokens and temperature through") {
  ProviderConfig p;
  p.name = "openai";
  p.base_url = "https://api.openai.com/v1";
  BuiltRequest b =
      build(p, "gpt-4o-mini",
            R"({"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],
                             "temperature":0.2,"max_tokens":64})");
  CHECK(
      b.http.body ==
      R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":0.2,"max_tokens":64})");
  CHECK(b.dropped_params.empty());
}

TEST_CASE("openai adapter: config drop_params apply to compatible presets") {
  ProviderConfig p;
  p.name = "groq";
  p.base_url = "https://api.groq.com/openai/v1";
  p.drop_params = {{"*", {"logprobs", "logit_bias"}}};
  BuiltRequest b =
      build(p, "llama-3.3-70b",
            R"({"model":"groq/llama-3.3-70b","messages":[{"role":"user","content":"hi"}],
                             "logprobs":true,"logit_bias":{"50256":-100}})");
  CHECK(b.http.body == R"({"model":"llama-3.3-70b","messages":[{"role":"user","content":"hi"}]})");
  CHECK(b.dropped_params == std::vector<std::string>{"logprobs", "logit_bias"});
}

}  // namespace
}  // namespace understudy
