// Shared fixtures for the Anthropic adapter tests: a provider config, targets, and helpers
// to build requests and to compare JSON regardless of key order.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "lib/providers/anthropic.h"

namespace understudy::testing {

inline ProviderConfig anthropic_provider() {
  ProviderConfig p;
  p.name = std::string("anthropic");
  p.type = ProviderType::kAnthropic;
  p.base_url = std::string("https://api.anthropic.com/v1");
  return p;
}

inline AttemptTarget anthropic_target(const ProviderConfig& p, const std::string& model,
                                      const std::string& key = "sk-ant-test-secret") {
  return AttemptTarget{ModelRef{p.name, model}, &p, nullptr, key};
}

// The same JSON text for equal values whatever the key order (keys sorted).
inline std::string canon(const Json& j) { return nlohmann::json::parse(j.dump()).dump(); }
inline std::string canon(const char* text) { return nlohmann::json::parse(text).dump(); }

struct BuiltBody {
  Json body;
  BuiltRequest built;
};

inline BuiltBody build_anthropic(const char* openai_body,
                                 const std::string& model = "claude-sonnet-4-5",
                                 BuildOptions options = {},
                                 const ProviderConfig& provider = anthropic_provider()) {
  auto req = parse_chat_request(openai_body);
  REQUIRE_MESSAGE(req.ok(), req.status().to_string());
  auto built = anthropic_adapter().build_request(*req, anthropic_target(provider, model), options);
  REQUIRE_MESSAGE(built.ok(), built.status().to_string());
  return BuiltBody{Json::parse(built->http.body), std::move(*built)};
}

// The build error for a request the adapter must refuse.
inline Status build_error(const char* openai_body, const std::string& model = "claude-sonnet-4-5") {
  auto req = parse_chat_request(openai_body);
  REQUIRE_MESSAGE(req.ok(), req.status().to_string());
  ProviderConfig p = anthropic_provider();
  auto built = anthropic_adapter().build_request(*req, anthropic_target(p, model), {});
  REQUIRE_FALSE(built.ok());
  return built.status();
}

}  // namespace understudy::testing
