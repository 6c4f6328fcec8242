// Router behaviour on the scripted transport and the virtual clock (design §5, §6).
#include <doctest/doctest.h>

#include "tests/support/router_fixture.h"

using namespace understudy;
using namespace understudy::testing;

namespace {

std::int64_t elapsed_ms(RouterFixture& f) { return millis_between(TimePoint{}, f.clock.now()); }

}  // namespace

TEST_CASE("router: a healthy primary answers with extra_fields and no fallback") {
  RouterFixture f;
  add_provider(f.config, "openai");
  RouteResult r = f.complete("openai/gpt-4o-mini", {}, "ping");
  REQUIRE(r.ok);
  CHECK(r.http_status == 200);
  CHECK(r.response.text() == "You said: ping");
  const Json& x = r.response.body["extra_fields"];
  CHECK(x["provider"] == "openai");
  CHECK(x["model"] == "gpt-4o-mini");
  CHECK(x["requested"] == "openai/gpt-4o-mini");
  CHECK(x["fallback_index"] == 0);
  REQUIRE(x["attempts"].size() == 1);
  CHECK(x["attempts"][0]["status"] == 200);
  CHECK(x["attempts"][0]["key"] == "openai-1");
  CHECK(r.response.body["model"] == "gpt-4o-mini");
  // What serve sends: the upstream's bytes with extra_fields spliced in, the same document.
  REQUIRE_FALSE(r.response.raw.empty());
  CHECK(Json::parse(r.response.raw) == r.response.body);
}

TEST_CASE("router: primary 429 falls back to the next provider with the correct trail") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "anthropic");
  f.config.providers["openai"].retry.max_retries = 0;
  f.faults.push_back(error_rule("openai", 429));
  RouteResult r = f.complete("openai/gpt-4o-mini", {"anthropic/claude-haiku-4-5"});
  REQUIRE(r.ok);
  const Json& x = r.response.body["extra_fields"];
  CHECK(x["provider"] == "anthropic");
  CHECK(x["model"] == "claude-haiku-4-5");
  CHECK(x["fallback_index"] == 1);
  REQUIRE(x["attempts"].size() == 2);
  CHECK(x["attempts"][0]["provider"] == "openai");
  CHECK(x["attempts"][0]["status"] == 429);
  CHECK(x["attempts"][0]["class"] == "rate_limit");
  CHECK(x["attempts"][0]["decision"] == "next_target");
  CHECK(x["attempts"][1]["provider"] == "anthropic");
  CHECK(x["attempts"][1]["status"] == 200);
  CHECK(r.record.fallbacks == 1);
}

TEST_CASE("router: a 429 without Retry-After is retried with backoff, then falls back") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "anthropic");
  f.faults.push_back(error_rule("openai", 429));
  RouteResult r = f.complete("openai/gpt-4o-mini", {"anthropic/claude-haiku-4-5"});
  REQUIRE(r.ok);
  // 1 try + 2 retries on openai, never in a tight loop: at least 0.8 * (500 + 1000) ms waited.
  REQUIRE(r.record.attempts.size() == 4);
  CHECK(r.record.retries == 2);
  CHECK(elapsed_ms(f) >= 1200);
  CHECK(elapsed_ms(f) <= 1800);
}

TEST_CASE("router: a 500 once is retried on the same target") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "anthropic");
  FaultRule once = error_rule("openai", 500);
  once.times = 1;
  f.faults.push_back(once);
  RouteResult r = f.complete("openai/gpt-4o-mini", {"anthropic/claude-haiku-4-5"});
  REQUIRE(r.ok);
  CHECK(r.record.provider == "openai");
  REQUIRE(r.record.attempts.size() == 2);
  CHECK(r.record.attempts[0].status == 500);
  CHECK(r.record.attempts[0].decision == "retry");
  CHECK(r.record.attempts[1].provider == "openai");
  CHECK(r.record.attempts[1].try_number == 2);
  CHECK(r.record.retries == 1);
}

TEST_CASE("router: when everything fails the primary's error comes back with the trail") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "anthropic");
  f.config.providers["openai"].retry.max_retries = 0;
  f.config.providers["anthropic"].retry.max_retries = 0;
  f.faults.push_back(error_rule("openai", 429, Millis(7000)));
  f.faults.push_back(error_rule("anthropic", 503));
  RouteResult r = f.complete("openai/gpt-4o-mini", {"anthropic/claude-haiku-4-5"});
  CHECK_FALSE(r.ok);
  CHECK(r.http_status == 429);
  CHECK(r.error["error"]["type"] == "requests");
  CHECK(r.error["error"]["code"] == "rate_limit_exceeded");
  CHECK(r.retry_after == Millis(7000));
  REQUIRE(r.error["extra_fields"]["attempts"].size() == 2);
  CHECK(r.error["extra_fields"]["attempts"][1]["status"] == 503);
  CHECK(r.error["extra_fields"]["attempts"][1]["class"] == "overloaded");
}

TEST_CASE("router: a plain 400 does not fall back") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "anthropic");
  f.faults.push_back(error_rule("openai", 400));
  RouteResult r = f.complete("openai/gpt-4o-mini", {"anthropic/claude-haiku-4-5"});
  CHECK_FALSE(r.ok);
  CHECK(r.http_status == 400);
  REQUIRE(r.record.attempts.size() == 1);
  CHECK(r.record.attempts[0].failure == FailureClass::kBadRequest);
  CHECK(r.record.attempts[0].decision == "stop");
}

TEST_CASE("router: context length exceeded falls back to the next target") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "gemini");
  FaultRule r400 = error_rule("openai", 400);
  r400.actions[0].error_type = "context_length";
  f.faults.push_back(r400);
  RouteResult r = f.complete("openai/gpt-4o-mini", {"gemini/gemini-2.5-pro"});
  REQUIRE(r.ok);
  CHECK(r.record.provider == "gemini");
  CHECK(r.record.attempts[0].failure == FailureClass::kContextLength);
  CHECK(r.record.attempts.size() == 2);  // not retried on the same target
}

TEST_CASE("router: content policy stops by default and falls back when configured") {
  for (bool on : {false, true}) {
    RouterFixture f;
    f.config.fallback.on_content_policy = on;
    add_provider(f.config, "openai");
    add_provider(f.config, "anthropic");
    FaultRule rule = error_rule("openai", 400);
    rule.actions[0].error_type = "content_policy";
    f.faults.push_back(rule);
    RouteResult r = f.complete("openai/gpt-4o-mini", {"anthropic/claude-haiku-4-5"});
    CHECK(r.ok == on);
    if (!on) {
      CHECK(r.error["error"]["code"] == "content_policy_violation");
      CHECK(r.error["error"]["message"] ==
            "Your request was rejected as a result of our safety system.");
    }
  }
}

TEST_CASE("router: Retry-After of 1 s within the budget is honoured in virtual time") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "anthropic");
  FaultRule once = error_rule("openai", 429, Millis(1000));
  once.times = 1;
  f.faults.push_back(once);
  RouteResult r = f.complete("openai/gpt-4o-mini", {"anthropic/claude-haiku-4-5"});
  REQUIRE(r.ok);
  CHECK(r.record.provider == "openai");
  REQUIRE(r.record.attempts.size() == 2);
  CHECK(r.record.attempts[0].retry_after_ms == 1000);
  CHECK(r.record.attempts[0].decision == "retry");
  CHECK(elapsed_ms(f) == 1000);
}

TEST_CASE("router: Retry-After of 60 s beyond the deadline moves on at once") {
  RouterFixture f;
  f.config.fallback.deadline = Millis(30000);
  add_provider(f.config, "openai");
  add_provider(f.config, "anthropic");
  f.faults.push_back(error_rule("openai", 429, Millis(60000)));
  RouteResult r = f.complete("openai/gpt-4o-mini", {"anthropic/claude-haiku-4-5"});
  REQUIRE(r.ok);
  CHECK(r.record.provider == "anthropic");
  CHECK(r.record.attempts[0].decision == "next_target");
  CHECK(elapsed_ms(f) == 0);
}

TEST_CASE("router: Retry-After longer than the deadline on the only target fails fast") {
  RouterFixture f;
  f.config.fallback.deadline = Millis(10000);
  add_provider(f.config, "openai");
  f.faults.push_back(error_rule("openai", 429, Millis(60000)));
  RouteResult r = f.complete("openai/gpt-4o-mini");
  CHECK_FALSE(r.ok);
  CHECK(r.http_status == 429);
  CHECK(r.record.attempts.size() == 1);
  CHECK(elapsed_ms(f) == 0);
}

TEST_CASE("router: two keys, the first returns 401, the second is used and never the first twice") {
  RouterFixture f;
  add_provider(f.config, "openai", ProviderType::kOpenAI, 2);
  FaultRule bad = error_rule("openai", 401);
  bad.keys = {"openai-1"};
  f.faults.push_back(bad);
  for (int i = 0; i < 5; ++i) {  // whichever key is drawn first, the request succeeds on openai-2
    f.health.clear();
    RouteResult r = f.complete("openai/gpt-4o-mini");
    REQUIRE(r.ok);
    CHECK(r.record.attempts.back().key == "openai-2");
    int uses_of_bad_key = 0;
    for (const auto& a : r.record.attempts) uses_of_bad_key += a.key == "openai-1";
    CHECK(uses_of_bad_key <= 1);
    if (r.record.attempts.size() == 2) CHECK(r.record.attempts[0].decision == "next_key");
  }
}

TEST_CASE("router: a 429 on one key tries the next key before leaving the provider") {
  RouterFixture f;
  add_provider(f.config, "openai", ProviderType::kOpenAI, 2);
  add_provider(f.config, "anthropic");
  FaultRule limited = error_rule("openai", 429, Millis(20000));
  limited.keys = {"openai-1"};
  f.faults.push_back(limited);
  bool saw_next_key = false;
  for (int i = 0; i < 6; ++i) {
    f.health.clear();
    RouteResult r = f.complete("openai/gpt-4o-mini", {"anthropic/claude-haiku-4-5"});
    REQUIRE(r.ok);
    CHECK(r.record.provider == "openai");
    CHECK(r.record.attempts.back().key == "openai-2");
    if (r.record.attempts.size() == 2) saw_next_key = r.record.attempts[0].decision == "next_key";
  }
  CHECK(saw_next_key);
}

TEST_CASE("router: a cooldown set by one request is respected by the next") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "anthropic");
  FaultRule once = error_rule("openai", 429, Millis(30000));
  once.times = 1;
  f.faults.push_back(once);
  RouteResult first = f.complete("openai/gpt-4o-mini", {"anthropic/claude-haiku-4-5"});
  REQUIRE(first.ok);
  CHECK(first.record.provider == "anthropic");

  f.clock.advance(Millis(10000));
  RouteResult second = f.complete("openai/gpt-4o-mini", {"anthropic/claude-haiku-4-5"});
  REQUIRE(second.ok);
  CHECK(second.record.provider == "anthropic");
  REQUIRE(second.record.attempts.size() == 2);
  CHECK(second.record.attempts[0].skipped == "every usable key is cooling down");

  f.clock.advance(Millis(21000));  // 31 s after the 429: openai is usable again
  RouteResult third = f.complete("openai/gpt-4o-mini", {"anthropic/claude-haiku-4-5"});
  REQUIRE(third.ok);
  CHECK(third.record.provider == "openai");
}

TEST_CASE("router: a cooling provider is still used when it is the only target left") {
  RouterFixture f;
  add_provider(f.config, "openai");
  f.health.cool_down("openai", "openai-1", f.clock.now() + Millis(30000), "rate_limit");
  RouteResult r = f.complete("openai/gpt-4o-mini");
  REQUIRE(r.ok);
  CHECK(r.record.attempts.size() == 1);
}

TEST_CASE("router: a hanging primary times out at timeout_ms, is not retried, and falls back") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "anthropic");
  f.config.providers["openai"].timeouts.headers = Millis(3000);
  FaultRule hang;
  hang.providers = {"openai"};
  hang.actions = {FaultAction{}};
  hang.actions[0].kind = FaultAction::Kind::kHang;
  f.faults.push_back(hang);
  RouteResult r = f.complete("openai/gpt-4o-mini", {"anthropic/claude-haiku-4-5"});
  REQUIRE(r.ok);
  CHECK(r.record.provider == "anthropic");
  REQUIRE(r.record.attempts.size() == 2);
  CHECK(r.record.attempts[0].failure == FailureClass::kTimeout);
  CHECK(r.record.attempts[0].latency_ms == 3000);
  CHECK(elapsed_ms(f) == 3000);
}

TEST_CASE("router: one deadline is shared by the whole chain (virtual clock)") {
  RouterFixture f;
  f.config.fallback.deadline = Millis(5000);
  add_provider(f.config, "openai");
  add_provider(f.config, "anthropic");
  f.config.providers["openai"].timeouts.headers = Millis(3000);
  f.config.providers["anthropic"].timeouts.headers = Millis(30000);
  FaultRule hang;
  hang.actions = {FaultAction{}};
  hang.actions[0].kind = FaultAction::Kind::kHang;
  f.faults.push_back(hang);  // every provider hangs
  RouteResult r = f.complete("openai/gpt-4o-mini", {"anthropic/claude-haiku-4-5"});
  CHECK_FALSE(r.ok);
  CHECK(r.http_status == 504);
  REQUIRE(r.record.attempts.size() == 2);
  CHECK(r.record.attempts[0].latency_ms == 3000);
  CHECK(r.record.attempts[1].latency_ms == 2000);  // the last target gets what is left
  CHECK(r.record.attempts[1].message == "request deadline exceeded");
  CHECK(elapsed_ms(f) == 5000);
}

TEST_CASE("router: a retry whose backoff does not fit the deadline is not started") {
  RouterFixture f;
  f.config.fallback.deadline = Millis(300);
  add_provider(f.config, "openai");
  f.faults.push_back(error_rule("openai", 500));
  RouteResult r = f.complete("openai/gpt-4o-mini");
  CHECK_FALSE(r.ok);
  CHECK(r.record.attempts.size() == 1);  // 500 ms +-20% backoff > 300 ms left
  CHECK(elapsed_ms(f) == 0);
}

TEST_CASE("router: unknown provider in model or fallbacks is a 400 naming the entry") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "anthropic");
  RouteResult r = f.complete("nope/gpt-4o");
  CHECK(r.http_status == 400);
  CHECK(r.error["error"]["param"] == "model");
  std::string msg = r.error["error"]["message"];
  CHECK(msg.find("\"nope\"") != std::string::npos);
  CHECK(msg.find("anthropic, openai") != std::string::npos);
  RouteResult r2 = f.complete("openai/gpt-4o", {"anthropic/claude", "bogus/x"});
  CHECK(r2.http_status == 400);
  CHECK(r2.error["error"]["param"] == "fallbacks[1]");
}

TEST_CASE("router: a route alias expands to its chain; config default chains apply") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "anthropic");
  f.config.routes["smart"] =
      RouteConfig{"smart", {"openai/gpt-4o", "anthropic/claude-sonnet-4-5"}, ""};
  f.config.fallback.chains["openai/gpt-4o-mini"] = {"anthropic/claude-haiku-4-5"};
  f.faults.push_back(error_rule("openai", 404));
  RouteResult r = f.complete("smart");
  REQUIRE(r.ok);
  CHECK(r.record.provider == "anthropic");
  CHECK(r.record.model == "claude-sonnet-4-5");
  RouteResult r2 = f.complete("openai/gpt-4o-mini");
  REQUIRE(r2.ok);
  CHECK(r2.record.model == "claude-haiku-4-5");
  CHECK(r2.record.attempts[0].failure == FailureClass::kModelUnavailable);
}

TEST_CASE("router: a hook may forbid fallbacks") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "anthropic");
  FaultRule rule = error_rule("openai", 503);
  rule.allow_fallbacks = false;
  f.config.providers["openai"].retry.max_retries = 0;
  f.faults.push_back(rule);
  RouteResult r = f.complete("openai/gpt-4o-mini", {"anthropic/claude-haiku-4-5"});
  CHECK_FALSE(r.ok);
  CHECK(r.http_status == 503);
  CHECK(r.record.attempts.size() == 1);
  CHECK(r.record.attempts[0].hook == "fault:openai-503");
}

TEST_CASE("router: key values never appear in errors or trails") {
  RouterFixture f;
  add_provider(f.config, "openai");
  FaultRule rule = error_rule("openai", 401);
  rule.actions[0].message = "Incorrect API key provided: sk-openai-secret-1 is wrong";
  f.faults.push_back(rule);
  RouteResult r = f.complete("openai/gpt-4o-mini");
  CHECK_FALSE(r.ok);
  std::string dumped = r.error.dump();
  CHECK(dumped.find("sk-openai-secret-1") == std::string::npos);
  CHECK(dumped.find("[redacted]") != std::string::npos);
}

TEST_CASE("router: a caller that goes away stops the request as cancelled") {
  RouterFixture f;
  add_provider(f.config, "openai");
  FaultRule hang;
  hang.actions = {FaultAction{}};
  hang.actions[0].kind = FaultAction::Kind::kHang;
  f.faults.push_back(hang);
  RequestContext ctx;
  ctx.cancel = CancelToken::create();
  auto token = ctx.cancel;
  f.clock.schedule_at(f.clock.now() + Millis(1500),
                      [token] { token->cancel(CancelReason::kCallerGone); });
  RouteResult r = f.complete("openai/gpt-4o-mini", {}, "hi", ctx);
  CHECK_FALSE(r.ok);
  CHECK(r.http_status == 499);
  CHECK(r.record.attempts[0].failure == FailureClass::kCancelled);
  CHECK(elapsed_ms(f) == 1500);
}
