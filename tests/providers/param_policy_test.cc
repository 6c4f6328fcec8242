#include "lib/providers/param_policy.h"

#include <doctest/doctest.h>

namespace understudy {
namespace {

ProviderConfig provider_of(ProviderType type) {
  ProviderConfig p;
  p.name = std::string("policy-test");
  p.type = type;
  return p;
}

struct Applied {
  Json body;
  std::vector<std::string> dropped;
};

Applied apply(const ProviderConfig& p, const std::string& model, const char* body) {
  Applied a{Json::parse(body), {}};
  apply_param_policy(a.body, p, model, a.dropped);
  return a;
}

using Names = std::vector<std::string>;

TEST_CASE("param policy: OpenAI reasoning models drop sampling params and rename max_tokens") {
  ProviderConfig openai = provider_of(ProviderType::kOpenAI);
  for (const char* model : {"o1", "o3-mini", "o4-mini-2025-04-16", "gpt-5", "gpt-5-mini"}) {
    CAPTURE(model);
    Applied a = apply(openai, model,
                      R"({"model":"m","temperature":0.2,"top_p":0.9,"max_tokens":100,"stop":"x",
                          "presence_penalty":1,"messages":[]})");
    CHECK(a.body.dump() == R"({"model":"m","messages":[],"max_completion_tokens":100})");
    CHECK(a.dropped == Names{"temperature", "top_p", "presence_penalty", "stop"});
  }
}

TEST_CASE("param policy: max_tokens is dropped when max_completion_tokens is also set") {
  Applied a = apply(provider_of(ProviderType::kOpenAI), "o3",
                    R"({"max_tokens":100,"max_completion_tokens":50})");
  CHECK(a.body.dump() == R"({"max_completion_tokens":50})");
  CHECK(a.dropped == Names{"max_tokens"});
}

TEST_CASE("param policy: gpt-5-chat is not a reasoning model and keeps its parameters") {
  Applied a = apply(provider_of(ProviderType::kOpenAI), "gpt-5-chat-latest",
                    R"({"temperature":0.2,"max_tokens":10,"stop":["x"]})");
  CHECK(a.body.dump() == R"({"temperature":0.2,"max_tokens":10,"stop":["x"]})");
  CHECK(a.dropped.empty());
}

TEST_CASE("param policy: gpt-5.5 accepts stop again but not temperature") {
  Applied a = apply(provider_of(ProviderType::kOpenAI), "gpt-5.5-pro",
                    R"({"temperature":0.2,"stop":["x"]})");
  CHECK(a.body.dump() == R"({"stop":["x"]})");
  CHECK(a.dropped == Names{"temperature"});
}

TEST_CASE("param policy: ordinary models are left alone") {
  Applied a = apply(provider_of(ProviderType::kOpenAI), "gpt-4o-mini",
                    R"({"temperature":0.2,"top_p":0.5,"max_tokens":10,"stop":"x"})");
  CHECK(a.body.dump() == R"({"temperature":0.2,"top_p":0.5,"max_tokens":10,"stop":"x"})");
  CHECK(a.dropped.empty());
  Applied c = apply(provider_of(ProviderType::kAnthropic), "claude-3-5-sonnet-latest",
                    R"({"temperature":0.2,"top_p":0.5,"top_k":5})");
  CHECK(c.dropped.empty());
}

TEST_CASE("param policy: newer Claude models drop temperature, top_p and top_k") {
  ProviderConfig anthropic = provider_of(ProviderType::kAnthropic);
  for (const char* model :
       {"claude-opus-4-7", "claude-opus-4-8-20260601", "claude-sonnet-5", "claude-haiku-5-0"}) {
    CAPTURE(model);
    Applied a = apply(anthropic, model, R"({"temperature":0,"top_p":0.5,"top_k":5,"stop":"x"})");
    CHECK(a.body.dump() == R"({"stop":"x"})");
    CHECK(a.dropped == Names{"temperature", "top_p", "top_k"});
  }
}

TEST_CASE("param policy: Claude 4.1-4.6 drop top_p only when temperature is also set") {
  ProviderConfig anthropic = provider_of(ProviderType::kAnthropic);
  for (const char* model :
       {"claude-opus-4-1-20250805", "claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-6"}) {
    CAPTURE(model);
    Applied both = apply(anthropic, model, R"({"temperature":0.3,"top_p":0.5})");
    CHECK(both.body.dump() == R"({"temperature":0.3})");
    CHECK(both.dropped == Names{"top_p"});
    Applied alone = apply(anthropic, model, R"({"top_p":0.5})");
    CHECK(alone.body.dump() == R"({"top_p":0.5})");
    CHECK(alone.dropped.empty());
  }
}

TEST_CASE("param policy: built-in rules apply only to their provider type") {
  Applied a = apply(provider_of(ProviderType::kAnthropic), "o3", R"({"temperature":0.2})");
  CHECK(a.dropped.empty());
  Applied b =
      apply(provider_of(ProviderType::kOpenAI), "claude-opus-4-7", R"({"temperature":0.2})");
  CHECK(b.dropped.empty());
  Applied c = apply(provider_of(ProviderType::kMock), "o3", R"({"temperature":0.2})");
  CHECK(c.dropped.empty());
}

TEST_CASE("param policy: config drop_params add parameters for matching model globs") {
  ProviderConfig p = provider_of(ProviderType::kOpenAI);
  p.drop_params = {{"llama-*", {"logit_bias", "seed"}}, {"other-*", {"top_p"}}};
  Applied a = apply(p, "llama-3.1-8b", R"({"seed":1,"logit_bias":{"1":2},"top_p":0.5})");
  CHECK(a.body.dump() == R"({"top_p":0.5})");
  CHECK(a.dropped == Names{"logit_bias", "seed"});
  CHECK(rejected_params(p, "llama-3.1-8b") == Names{"logit_bias", "seed"});
  CHECK(rejected_params(p, "mistral-large").empty());
}

TEST_CASE("param policy: \"!name\" in config re-allows a parameter the table drops") {
  ProviderConfig p = provider_of(ProviderType::kOpenAI);
  p.drop_params = {{"o3*", {"!temperature", "!max_tokens"}}};
  Applied a = apply(p, "o3", R"({"temperature":0.2,"top_p":0.5,"max_tokens":9})");
  CHECK(a.body.dump() == R"({"temperature":0.2,"max_tokens":9})");
  CHECK(a.dropped == Names{"top_p"});

  ProviderConfig c = provider_of(ProviderType::kAnthropic);
  c.drop_params = {{"claude-sonnet-4-5*", {"!top_p"}}};
  Applied b = apply(c, "claude-sonnet-4-5", R"({"temperature":0.3,"top_p":0.5})");
  CHECK(b.dropped.empty());
}

TEST_CASE("param policy: null parameters are removed without being reported") {
  Applied a = apply(provider_of(ProviderType::kOpenAI), "o3",
                    R"({"temperature":null,"max_tokens":null,"top_p":0.1})");
  CHECK(a.body.dump() == R"({})");
  CHECK(a.dropped == Names{"top_p"});
}

TEST_CASE("param policy: rejected_params lists rejected names and renamed-from names") {
  Names o3 = rejected_params(provider_of(ProviderType::kOpenAI), "o3");
  CHECK(std::find(o3.begin(), o3.end(), "temperature") != o3.end());
  CHECK(std::find(o3.begin(), o3.end(), "max_tokens") != o3.end());
  CHECK(std::find(o3.begin(), o3.end(), "max_completion_tokens") == o3.end());
  CHECK(rejected_params(provider_of(ProviderType::kAnthropic), "claude-opus-4-7") ==
        Names{"temperature", "top_p", "top_k"});
}

TEST_CASE("param policy: a parameter dropped twice is reported once") {
  ProviderConfig p = provider_of(ProviderType::kOpenAI);
  p.drop_params = {{"o3", {"temperature"}}};
  std::vector<std::string> dropped{"temperature"};
  Json body = Json::parse(R"({"temperature":0.5})");
  apply_param_policy(body, p, "o3", dropped);
  CHECK(dropped == Names{"temperature"});
  CHECK(body.dump() == "{}");
}

}  // namespace
}  // namespace understudy
