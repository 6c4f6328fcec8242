#include "lib/server/info_endpoints.h"

#include <doctest/doctest.h>

#include "lib/server/gateway_server.h"
#include "lib/server/socket_util.h"
#include "tests/support/router_fixture.h"

using namespace understudy;
using namespace understudy::testing;

TEST_CASE("models: providers' models and routes in OpenAI's list shape") {
  Config c;
  add_provider(c, "openai").models = {"gpt-4o", "gpt-4o-mini"};
  add_provider(c, "anthropic", ProviderType::kAnthropic);
  c.routes["smart"] = RouteConfig{"smart", {"openai/gpt-4o", "anthropic/claude"}, ""};
  Json j = models_list(c);
  CHECK(j["object"] == "list");
  REQUIRE(j["data"].size() == 3);
  CHECK(j["data"][0] ==
        Json{{"id", "openai/gpt-4o"}, {"object", "model"}, {"created", 0}, {"owned_by", "openai"}});
  CHECK(j["data"][2]["id"] == "smart");
  CHECK(j["data"][2]["owned_by"] == "understudy");
  CHECK(j["data"][2]["chain"] == Json{"openai/gpt-4o", "anthropic/claude"});
  CHECK(find_model(c, "openai/gpt-4o-mini")["id"] == "openai/gpt-4o-mini");
  CHECK(find_model(c, "smart")["id"] == "smart");
  CHECK(find_model(c, "openai/gpt-5").is_null());
  CHECK(find_model(c, "nothing").is_null());
}

TEST_CASE("health: cooldowns and usable keys per provider") {
  Config c;
  add_provider(c, "openai", ProviderType::kOpenAI, 2);
  add_provider(c, "anthropic", ProviderType::kAnthropic, 1);
  add_provider(c, "gemini", ProviderType::kGemini, 1);
  c.providers["gemini"].keys[0].present = false;
  add_provider(c, "local", ProviderType::kMock, 0).needs_key = false;
  HealthState health;
  TimePoint now = TimePoint{} + Millis(100000);
  health.cool_down("openai", "openai-1", now + Millis(4000), "rate_limit");
  health.cool_down("anthropic", "", now + Millis(9000), "overloaded");
  Json j = health_report(c, health, now, HealthInputs{false, 1234, 2, 1});
  CHECK(j["status"] == "ok");
  CHECK(j["uptime_ms"] == 1234);
  CHECK(j["in_flight"] == 2);
  CHECK(j["queued"] == 1);
  const Json& o = j["providers"]["openai"];
  CHECK(o["state"] == "ok");
  CHECK(o["keys_total"] == 2);
  CHECK(o["keys_available"] == 1);
  CHECK(o["keys"][0]["available"] == false);
  CHECK(o["keys"][0]["cooling_ms"] == 4000);
  CHECK(o["keys"][0]["reason"] == "rate_limit");
  const Json& a = j["providers"]["anthropic"];
  CHECK(a["state"] == "cooling");
  CHECK(a["keys_available"] == 0);
  CHECK(a["cooldown"]["remaining_ms"] == 9000);
  CHECK(j["providers"]["gemini"]["state"] == "no_keys");
  CHECK(j["providers"]["gemini"]["keys"][0]["missing"] == true);
  CHECK(j["providers"]["local"]["state"] == "ok");
  CHECK(j["providers"]["local"]["needs_key"] == false);
  CHECK(health_report(c, health, now, HealthInputs{true, 0, 0, 0})["status"] == "draining");
  CHECK(j.dump().find("sk-") == std::string::npos);  // key values never appear
}

TEST_CASE("bind policy: a public address needs auth tokens or --allow-public") {
  ServerConfig s;
  CHECK(check_bind_policy("127.0.0.1", s, false).ok());
  CHECK(check_bind_policy("localhost", s, false).ok());
  CHECK(check_bind_policy("::1", s, false).ok());
  Status refused = check_bind_policy("0.0.0.0", s, false);
  CHECK_FALSE(refused.ok());
  CHECK(refused.message().find("--allow-public") != std::string::npos);
  CHECK(check_bind_policy("0.0.0.0", s, true).ok());
  s.auth_tokens = {"t"};
  CHECK(check_bind_policy("0.0.0.0", s, false).ok());
  CHECK_FALSE(is_loopback_host("192.168.1.2"));
  CHECK(is_loopback_host("127.8.9.10"));
}

TEST_CASE("listen addresses: HOST:PORT with bracketed IPv6") {
  auto a = parse_host_port("127.0.0.1:8080");
  REQUIRE(a.ok());
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 8080);
  auto b = parse_host_port("[::1]:0");
  REQUIRE(b.ok());
  CHECK(b->host == "::1");
  CHECK(b->port == 0);
  CHECK_FALSE(parse_host_port("8080").ok());
  CHECK_FALSE(parse_host_port("::1:8080").ok());
  CHECK_FALSE(parse_host_port("host:99999").ok());
  CHECK_FALSE(parse_host_port("host:").ok());
  CHECK(format_host_port("::1", 80) == "[::1]:80");
}
