#include "lib/router/plan.h"

#include <doctest/doctest.h>

#include "tests/support/router_fixture.h"

using namespace understudy;
using namespace understudy::testing;

namespace {
std::vector<std::string> chain_of(const FallbackPlan& p) {
  std::vector<std::string> out;
  for (const ModelRef& r : p.targets) out.push_back(r.str());
  return out;
}
Config sample() {
  Config c;
  add_provider(c, "openai");
  add_provider(c, "anthropic");
  add_provider(c, "openrouter");
  c.routes["smart"] = RouteConfig{"smart", {"openai/gpt-4o", "anthropic/claude-sonnet-4-5"}, ""};
  c.fallback.chains["openai/gpt-4o-mini"] = {"anthropic/claude-haiku-4-5", "smart"};
  c.fallback.default_chain = {"anthropic/claude-haiku-4-5"};
  return c;
}
}  // namespace

TEST_CASE("plan: request fallbacks follow the model, in order") {
  Config c = sample();
  std::vector<std::string> fb{"anthropic/claude-haiku-4-5",
                              "openrouter/anthropic/claude-3.5-sonnet"};
  auto p = make_plan(c, "openai/gpt-4o-mini", &fb);
  REQUIRE(p.ok());
  CHECK(chain_of(*p) == std::vector<std::string>{"openai/gpt-4o-mini", "anthropic/claude-haiku-4-5",
                                                 "openrouter/anthropic/claude-3.5-sonnet"});
  CHECK(p->targets[2].provider == "openrouter");
  CHECK(p->targets[2].model == "anthropic/claude-3.5-sonnet");
}

TEST_CASE("plan: an empty request fallbacks array means no fallbacks at all") {
  Config c = sample();
  std::vector<std::string> none;
  auto p = make_plan(c, "openai/gpt-4o-mini", &none);
  REQUIRE(p.ok());
  CHECK(p->targets.size() == 1);
}

TEST_CASE(
    "plan: without request fallbacks the config chain for the model applies, routes expanded") {
  Config c = sample();
  auto p = make_plan(c, "openai/gpt-4o-mini", nullptr);
  REQUIRE(p.ok());
  CHECK(chain_of(*p) == std::vector<std::string>{"openai/gpt-4o-mini", "anthropic/claude-haiku-4-5",
                                                 "openai/gpt-4o", "anthropic/claude-sonnet-4-5"});
  auto q = make_plan(c, "openai/gpt-4.1", nullptr);  // no chain of its own: the default chain
  REQUIRE(q.ok());
  CHECK(chain_of(*q) == std::vector<std::string>{"openai/gpt-4.1", "anthropic/claude-haiku-4-5"});
}

TEST_CASE("plan: a route alias is the whole chain; request fallbacks replace its tail") {
  Config c = sample();
  auto p = make_plan(c, "smart", nullptr);
  REQUIRE(p.ok());
  CHECK(p->route == "smart");
  CHECK(chain_of(*p) == std::vector<std::string>{"openai/gpt-4o", "anthropic/claude-sonnet-4-5"});
  std::vector<std::string> fb{"openrouter/x/y"};
  auto q = make_plan(c, "smart", &fb);
  REQUIRE(q.ok());
  CHECK(chain_of(*q) == std::vector<std::string>{"openai/gpt-4o", "openrouter/x/y"});
}

TEST_CASE("plan: duplicates are dropped, first occurrence wins") {
  Config c = sample();
  std::vector<std::string> fb{"anthropic/a", "openai/gpt-4o-mini", "anthropic/a"};
  auto p = make_plan(c, "openai/gpt-4o-mini", &fb);
  REQUIRE(p.ok());
  CHECK(chain_of(*p) == std::vector<std::string>{"openai/gpt-4o-mini", "anthropic/a"});
  CHECK(p->duplicates_dropped == 2);
}

TEST_CASE("plan: bad references are errors naming the entry and the known providers") {
  Config c = sample();
  auto p = make_plan(c, "azure/gpt-4o", nullptr);
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().field() == "model");
  CHECK(p.status().message().find("unknown provider \"azure\"") != std::string::npos);
  CHECK(p.status().message().find("anthropic, openai, openrouter") != std::string::npos);
  std::vector<std::string> fb{"anthropic/x", "openai/"};
  auto q = make_plan(c, "openai/gpt-4o", &fb);
  REQUIRE_FALSE(q.ok());
  CHECK(q.status().field() == "fallbacks[1]");
  CHECK(q.status().message().find("empty model name") != std::string::npos);
  auto r = make_plan(c, "gpt-4o", nullptr);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("no provider and is not a route") != std::string::npos);
  CHECK(r.status().message().find("smart") != std::string::npos);
}

TEST_CASE("plan: a bare model listed by exactly one provider resolves to it") {
  Config c = sample();
  c.providers["openai"].models = {"gpt-4o-mini"};
  auto p = make_plan(c, "gpt-4o-mini", nullptr);
  REQUIRE(p.ok());
  CHECK(p->targets[0].str() == "openai/gpt-4o-mini");
  c.providers["openrouter"].models = {"gpt-4o-mini"};
  CHECK_FALSE(make_plan(c, "gpt-4o-mini", nullptr).ok());  // ambiguous
}

TEST_CASE("plan: a route cycle is an error, not a hang") {
  Config c = sample();
  c.routes["a"] = RouteConfig{"a", {"b"}, ""};
  c.routes["b"] = RouteConfig{"b", {"a"}, ""};
  auto p = make_plan(c, "a", nullptr);
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().message().find("cycle") != std::string::npos);
}
