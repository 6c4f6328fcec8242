// Aggregation of a simulation run (lib/sim/stats.h) and the outcome notation
// (lib/sim/outcome.h).
#include "lib/sim/stats.h"

#include <doctest/doctest.h>

#include "lib/sim/outcome.h"
#include "tests/support/router_fixture.h"

using namespace understudy;

namespace {

AttemptRecord attempt(const std::string& provider, std::optional<FailureClass> failure) {
  AttemptRecord a;
  a.provider = provider;
  a.model = provider + "-model";
  a.failure = failure;
  return a;
}

RequestResult served(const std::string& provider, const std::string& model, std::int64_t latency_ms,
                     std::vector<AttemptRecord> attempts) {
  RequestResult r;
  r.record.ok = true;
  r.record.provider = provider;
  r.record.model = model;
  r.record.latency_ms = latency_ms;
  r.record.attempts = std::move(attempts);
  r.records_seen = 1;
  return r;
}

RequestResult failed(FailureClass cls, std::int64_t latency_ms, bool after_commit = false) {
  RequestResult r;
  r.record.final_failure = cls;
  r.record.failed_after_commit = after_commit;
  r.record.stream = after_commit;
  r.record.latency_ms = latency_ms;
  r.record.attempts = {attempt("openai", cls)};
  r.caller.error = "upstream said no";
  r.records_seen = 1;
  return r;
}

}  // namespace

TEST_CASE("stats: percentiles are nearest-rank observed values") {
  std::vector<std::int64_t> v;
  for (int i = 100; i >= 1; --i) v.push_back(i * 10);  // 10..1000, unsorted
  Percentiles p = percentiles(v);
  CHECK(p.count == 100);
  CHECK(p.p50 == 500);
  CHECK(p.p95 == 950);
  CHECK(p.p99 == 990);
  CHECK(p.max == 1000);
  std::vector<std::int64_t> one{7};
  Percentiles q = percentiles(one);
  CHECK(q.p50 == 7);
  CHECK(q.p99 == 7);
  std::vector<std::int64_t> none;
  CHECK(percentiles(none).count == 0);
}

TEST_CASE("stats: a run is aggregated into served, attempts, failures and outcomes") {
  SimulationRun run;
  AttemptRecord skipped = attempt("openai", std::nullopt);
  skipped.skipped = "every usable key is cooling down";
  run.requests.push_back(served("openai", "gpt-4o-mini", 100, {attempt("openai", std::nullopt)}));
  RequestResult fell_back =
      served("anthropic", "claude", 900,
             {attempt("openai", FailureClass::kOverloaded),
              attempt("openai", FailureClass::kOverloaded), attempt("anthropic", std::nullopt)});
  fell_back.record.retries = 1;
  fell_back.record.fallbacks = 1;
  run.requests.push_back(fell_back);
  run.requests.push_back(served("anthropic", "claude", 300, {skipped, attempt("anthropic", {})}));
  run.requests.push_back(failed(FailureClass::kRateLimit, 50));
  run.requests.push_back(failed(FailureClass::kNetwork, 70, true));
  run.requests[4].caller.ttft_ms = 20;
  run.duration_ms = 1234;
  ScenarioStats s = compute_stats(run);
  CHECK(s.requests == 5);
  CHECK(s.succeeded == 3);
  CHECK(s.failed == 2);
  CHECK(s.broken == 1);
  CHECK(s.streams == 1);
  CHECK(s.success_rate == doctest::Approx(0.6));
  CHECK(s.served_by ==
        std::map<std::string, std::int64_t>{{"anthropic/claude", 2}, {"openai/gpt-4o-mini", 1}});
  CHECK(s.served_by_provider.at("anthropic") == 2);
  CHECK(served_count(s, "anthropic") == 2);
  CHECK(served_count(s, "openai/gpt-4o-mini") == 1);
  CHECK(served_count(s, "gemini") == 0);
  CHECK(s.attempts == 7);  // the skipped target is not an attempt
  CHECK(s.skipped_targets == 1);
  CHECK(s.max_attempts == 3);
  CHECK(s.retries == 1);
  CHECK(s.fallbacks == 1);
  CHECK(s.failures_by_class ==
        std::map<std::string, std::int64_t>{{"network", 1}, {"rate_limit", 1}});
  CHECK(s.failed_attempts_by_class.at("overloaded") == 2);
  CHECK(s.caller_errors.at("upstream said no") == 2);
  CHECK(s.latency_ms.max == 900);
  CHECK(s.latency_ms.p50 == 100);
  CHECK(s.ttft_ms.count == 1);
  CHECK(s.outcomes == std::vector<std::string>{"openai/gpt-4o-mini", "anthropic/claude",
                                               "anthropic/claude", "fail:rate_limit",
                                               "broken:network"});
  CHECK(s.contract_violations == 0);
  CHECK(s.duration_ms == 1234);
}

TEST_CASE("stats: caller contract violations are counted with examples") {
  SimulationRun run;
  run.requests.push_back(served("openai", "m", 1, {}));
  run.requests.push_back(served("openai", "m", 1, {}));
  run.requests[1].caller.violations = {"a chunk after the stream ended", "second"};
  ScenarioStats s = compute_stats(run);
  CHECK(s.contract_violations == 2);
  REQUIRE(s.violation_examples.size() == 2);
  CHECK(s.violation_examples[0] == "request 1: a chunk after the stream ended");
}

TEST_CASE("outcome: notation of served, failed and broken requests") {
  RequestRecord r;
  r.ok = true;
  r.provider = "anthropic";
  r.model = "claude-haiku-4-5";
  CHECK(outcome_of(r) == "anthropic/claude-haiku-4-5");
  r.ok = false;
  r.final_failure = FailureClass::kTimeout;
  CHECK(outcome_of(r) == "fail:timeout");
  r.failed_after_commit = true;
  CHECK(outcome_of(r) == "broken:timeout");
}

TEST_CASE("outcome: a provider alone matches any of its models, nothing else does") {
  CHECK(outcome_matches("anthropic", "anthropic/claude-haiku-4-5"));
  CHECK(outcome_matches("anthropic/claude-haiku-4-5", "anthropic/claude-haiku-4-5"));
  CHECK_FALSE(outcome_matches("anthropic/claude", "anthropic/claude-haiku-4-5"));
  CHECK_FALSE(outcome_matches("anthropi", "anthropic/claude-haiku-4-5"));
  CHECK_FALSE(outcome_matches("openai", "fail:rate_limit"));
  CHECK(outcome_matches("fail:rate_limit", "fail:rate_limit"));
  CHECK_FALSE(outcome_matches("fail", "fail:rate_limit"));
  CHECK_FALSE(outcome_matches("fail:network", "broken:network"));
}

TEST_CASE("outcome: notation problems name the bad part") {
  Config config;
  testing::add_provider(config, "openai");
  testing::add_provider(config, "ollama");
  CHECK(outcome_notation_problem("openai", config).empty());
  CHECK(outcome_notation_problem("ollama/llama3:8b", config).empty());
  CHECK(outcome_notation_problem("fail:context_length", config).empty());
  CHECK(outcome_notation_problem("broken:network", config).empty());
  CHECK(outcome_notation_problem("opneai", config) ==
        "\"opneai\" names unknown provider \"opneai\" (did you mean \"openai\"?)");
  CHECK(outcome_notation_problem("fail:nope", config).find("unknown failure class \"nope\"") !=
        std::string::npos);
  CHECK(outcome_notation_problem("openai/", config).find("is not an outcome") != std::string::npos);
  CHECK(outcome_notation_problem("ok:openai", config).find("is not an outcome") !=
        std::string::npos);
}
