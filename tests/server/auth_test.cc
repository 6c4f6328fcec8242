#include "lib/server/auth.h"

#include <doctest/doctest.h>

#include "tests/support/router_fixture.h"

using namespace understudy;
using namespace understudy::testing;

TEST_CASE("auth: bearer tokens are read case-insensitively and trimmed") {
  CHECK(bearer_token(std::string("Bearer abc")) == "abc");
  CHECK(bearer_token(std::string("bearer  abc ")) == "abc");
  CHECK(bearer_token(std::string("Basic abc")) == std::nullopt);
  CHECK(bearer_token(std::string("Bearer")) == std::nullopt);
  CHECK(bearer_token(std::nullopt) == std::nullopt);
}

TEST_CASE("auth: the decision table of tokens and direct keys") {
  Config c;
  add_provider(c, "openai");
  add_provider(c, "anthropic", ProviderType::kAnthropic);
  auto auth = [&](const char* header) {
    return authenticate(c, header ? std::optional<std::string>(header) : std::nullopt);
  };

  // No tokens, no direct keys: everyone is let in and a bearer is ignored.
  AuthOutcome a = auth("Bearer sk-anything");
  CHECK(a.ok);
  CHECK(a.direct_key.empty());

  // No tokens, direct keys on one provider: the bearer becomes the direct key.
  c.providers["anthropic"].allow_direct_keys = true;
  a = auth("Bearer sk-mine");
  CHECK(a.ok);
  CHECK(a.direct_key == "sk-mine");
  CHECK_FALSE(a.direct_only);

  // Tokens, no direct keys: only a gateway token gets in.
  c.providers["anthropic"].allow_direct_keys = false;
  c.server.auth_tokens = {"gw-1", "gw-2"};
  CHECK_FALSE(auth(nullptr).ok);
  CHECK_FALSE(auth("Bearer nope").ok);
  CHECK(auth("Bearer gw-2").ok);
  CHECK(auth("Bearer gw-2").direct_key.empty());
  CHECK(auth("Bearer nope").error.find("nope") == std::string::npos);

  // Tokens and direct keys: any other token is the caller's own key, restricted.
  c.server.allow_direct_keys = true;
  a = auth("Bearer sk-mine");
  CHECK(a.ok);
  CHECK(a.direct_key == "sk-mine");
  CHECK(a.direct_only);
  CHECK(auth("Bearer gw-1").direct_key.empty());
  CHECK_FALSE(auth(nullptr).ok);
}

TEST_CASE("auth: a direct-key chain must only reach providers that accept direct keys") {
  Config c;
  add_provider(c, "openai");
  add_provider(c, "anthropic", ProviderType::kAnthropic);
  c.providers["anthropic"].allow_direct_keys = true;
  FallbackPlan plan;
  plan.targets = {{"anthropic", "claude"}, {"openai", "gpt-4o"}};
  Status s = check_direct_key_chain(c, plan);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("provider \"openai\" (chain entry 1") != std::string::npos);
  plan.targets.pop_back();
  CHECK(check_direct_key_chain(c, plan).ok());
  plan.targets.push_back({"openai", "gpt-4o"});
  c.server.allow_direct_keys = true;
  CHECK(check_direct_key_chain(c, plan).ok());
}

TEST_CASE("auth: the server-level switch opens every provider to direct keys") {
  Config c;
  add_provider(c, "openai");
  add_provider(c, "anthropic", ProviderType::kAnthropic);
  apply_server_direct_keys(c);
  CHECK_FALSE(c.providers["openai"].allow_direct_keys);
  c.server.allow_direct_keys = true;
  apply_server_direct_keys(c);
  CHECK(c.providers["openai"].allow_direct_keys);
  CHECK(c.providers["anthropic"].allow_direct_keys);
}

TEST_CASE("auth: constant-time comparison still compares") {
  CHECK(constant_time_equals("abc", "abc"));
  CHECK_FALSE(constant_time_equals("abc", "abd"));
  CHECK_FALSE(constant_time_equals("abc", "abcd"));
  CHECK_FALSE(constant_time_equals("", "a"));
}
