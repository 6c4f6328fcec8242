// Which fault rule applies to an attempt (mocks/fault_engine.h): the matching half of the
// `[[faults]]` hook, simulate and `understudy mock`. Pure apart from the seeded Random.
#include "mocks/fault_engine.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using namespace understudy;

namespace {

FaultAction error_action(int status, double weight = 1) {
  FaultAction a;
  a.kind = FaultAction::Kind::kError;
  a.status = status;
  a.weight = weight;
  return a;
}

FaultRule rule(std::string name, int status) {
  FaultRule r;
  r.name = std::move(name);
  r.actions = {error_action(status)};
  return r;
}

FaultQuery query(std::string provider, std::string model = "gpt-4o-mini", int try_number = 1) {
  FaultQuery q;
  q.provider = std::move(provider);
  q.model = std::move(model);
  q.try_number = try_number;
  return q;
}

// The name of the rule that fires, or "" when none does.
std::string fired(FaultEngine& engine, const FaultQuery& q) {
  auto d = engine.decide(q);
  return d ? d->rule->name : "";
}

}  // namespace

TEST_CASE("fault engine: providers and models match by glob; empty lists match anything") {
  FaultRule r = rule("r", 429);
  r.providers = {"open*"};
  r.models = {"gpt-4o*", "o3"};
  SeededRandom random(1);
  FaultEngine engine({r}, random);
  CHECK(fired(engine, query("openai", "gpt-4o-mini")) == "r");
  CHECK(fired(engine, query("openrouter", "o3")) == "r");
  CHECK(fired(engine, query("anthropic", "gpt-4o-mini")).empty());
  CHECK(fired(engine, query("openai", "o3-mini")).empty());
  FaultEngine any({rule("any", 500)}, random);
  CHECK(fired(any, query("gemini", "gemini-2.5-flash")) == "any");
}

TEST_CASE("fault engine: attempt numbers select tries of a target") {
  FaultRule first = rule("first", 503);
  first.attempts = {1};
  FaultRule retries = rule("retries", 500);
  retries.attempts = {2, 3};
  SeededRandom random(1);
  FaultEngine engine({first, retries}, random);
  CHECK(fired(engine, query("openai", "m", 1)) == "first");
  CHECK(fired(engine, query("openai", "m", 2)) == "retries");
  CHECK(fired(engine, query("openai", "m", 3)) == "retries");
  CHECK(fired(engine, query("openai", "m", 4)).empty());
}

TEST_CASE("fault engine: higher priority first, ties in file order; disabled rules never fire") {
  FaultRule low = rule("low", 500);
  FaultRule high = rule("high", 503);
  high.priority = 5;
  FaultRule off = rule("off", 429);
  off.priority = 9;
  off.enabled = false;
  FaultRule tie = rule("tie", 502);
  tie.priority = 5;
  SeededRandom random(1);
  FaultEngine engine({low, high, off, tie}, random);
  CHECK(engine.rules().size() == 3);
  CHECK(fired(engine, query("openai")) == "high");
}

TEST_CASE("fault engine: probability is drawn from the seed; 0 never fires and 1 always") {
  FaultRule never = rule("never", 500);
  never.probability = 0;
  FaultRule half = rule("half", 503);
  half.probability = 0.5;
  auto pattern = [&](std::uint64_t seed) {
    SeededRandom random(seed);
    FaultEngine engine({never, half}, random);
    std::string out;
    for (int i = 0; i < 1000; ++i) out += fired(engine, query("openai")) == "half" ? '1' : '0';
    return out;
  };
  std::string a = pattern(7);
  CHECK(a == pattern(7));
  CHECK(a != pattern(8));
  auto ones = std::count(a.begin(), a.end(), '1');
  CHECK(ones > 430);
  CHECK(ones < 570);
  SeededRandom random(3);
  FaultEngine always({rule("always", 500)}, random);
  for (int i = 0; i < 100; ++i) CHECK(fired(always, query("openai")) == "always");
}

TEST_CASE("fault engine: times caps how often a rule fires, then the next rule applies") {
  FaultRule twice = rule("twice", 429);
  twice.times = 2;
  SeededRandom random(1);
  FaultEngine engine({twice, rule("rest", 500)}, random);
  CHECK(fired(engine, query("openai")) == "twice");
  CHECK(fired(engine, query("openai")) == "twice");
  CHECK(fired(engine, query("openai")) == "rest");
}

TEST_CASE("fault engine: request, time and stream windows and the message regex") {
  FaultRule r = rule("r", 500);
  r.request_from = 2;
  r.request_to = 4;
  r.after = Millis(100);
  r.until = Millis(200);
  r.stream_only = true;
  r.message_regex = "^rate";
  SeededRandom random(1);
  FaultEngine engine({r}, random);
  FaultQuery q = query("openai");
  q.request_index = 2;
  q.since_start = Millis(100);
  q.stream = true;
  q.last_user_message = "rate limit me";
  CHECK(fired(engine, q) == "r");
  FaultQuery later = q;
  later.request_index = 4;
  CHECK(fired(engine, later).empty());
  FaultQuery late = q;
  late.since_start = Millis(200);
  CHECK(fired(engine, late).empty());
  FaultQuery plain = q;
  plain.stream = false;
  CHECK(fired(engine, plain).empty());
  FaultQuery other = q;
  other.last_user_message = "please rate me";
  CHECK(fired(engine, other).empty());
}

TEST_CASE("fault engine: a rule's weighted actions are drawn in proportion to their weights") {
  FaultRule r;
  r.name = "mixed";
  r.actions = {error_action(429, 3), error_action(503, 1), error_action(500, 0)};
  SeededRandom random(11);
  FaultEngine engine({r}, random);
  int n429 = 0, n503 = 0, n500 = 0;
  for (int i = 0; i < 4000; ++i) {
    int status = engine.decide(query("openai"))->action.status;
    n429 += status == 429;
    n503 += status == 503;
    n500 += status == 500;
  }
  CHECK(n500 == 0);
  CHECK(n429 > 2800);
  CHECK(n429 < 3200);
  CHECK(n429 + n503 == 4000);
}

TEST_CASE("fault engine: sampled latencies follow their distribution and are never negative") {
  SeededRandom random(5);
  CHECK(sample_latency_ms(LatencySpec{}, random) == 0);
  CHECK(sample_latency_ms(LatencySpec{LatencySpec::Kind::kFixed, 250, 0}, random) == 250);
  for (int i = 0; i < 1000; ++i) {
    std::int64_t u = sample_latency_ms(LatencySpec{LatencySpec::Kind::kUniform, 10, 20}, random);
    CHECK(u >= 10);
    CHECK(u <= 20);
    CHECK(sample_latency_ms(LatencySpec{LatencySpec::Kind::kNormal, 5, 50}, random) >= 0);
  }
}
