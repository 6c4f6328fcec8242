// Key choice (lib/router/key_choice.h): which key an attempt uses.
#include "lib/router/key_choice.h"

#include <doctest/doctest.h>

#include "tests/support/router_fixture.h"

using namespace understudy;
using namespace understudy::testing;

TEST_CASE("key choice: on the last target a key that is not cooling beats a cooling one") {
  Config config;
  const ProviderConfig& p = add_provider(config, "openai", ProviderType::kOpenAI, 2);
  HealthState health;
  SeededRandom random(3);
  TimePoint now{};
  health.cool_down("openai", "openai-1", now + Millis(60000), "auth");
  std::set<std::string> failed;
  for (int i = 0; i < 50; ++i) {
    KeyQuery q{&p, "gpt-4o-mini", &failed, /*allow_cooling=*/true, "", now};
    KeyChoiceResult r = choose_key(q, health, random);
    REQUIRE(r.choice);
    CHECK(r.choice->name == "openai-2");
  }
}

TEST_CASE("key choice: on the last target a cooling key is used when every key is cooling") {
  Config config;
  const ProviderConfig& p = add_provider(config, "openai", ProviderType::kOpenAI, 2);
  HealthState health;
  SeededRandom random(3);
  TimePoint now{};
  health.cool_down("openai", "", now + Millis(5000), "overloaded");
  std::set<std::string> failed;
  KeyQuery last{&p, "gpt-4o-mini", &failed, true, "", now};
  CHECK(choose_key(last, health, random).choice);
  KeyQuery not_last{&p, "gpt-4o-mini", &failed, false, "", now};
  KeyChoiceResult r = choose_key(not_last, health, random);
  CHECK_FALSE(r.choice);
  CHECK(r.why == "every usable key is cooling down");
}
