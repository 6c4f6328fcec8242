// Evaluation of [expect] against stats (lib/sim/expectations.h): each result says passed or
// not, with expected and actual as the report shows them.
#include "lib/sim/expectations.h"

#include <doctest/doctest.h>

using namespace understudy;

namespace {

ScenarioStats stats_of(std::int64_t requests, std::int64_t succeeded) {
  ScenarioStats s;
  s.requests = requests;
  s.succeeded = succeeded;
  s.failed = requests - succeeded;
  s.success_rate = static_cast<double>(succeeded) / static_cast<double>(requests);
  return s;
}

// The result named `name` (the built-in caller_contract is always last).
const ExpectationResult& find(const std::vector<ExpectationResult>& results,
                              const std::string& name) {
  for (const ExpectationResult& r : results) {
    if (r.name == name) return r;
  }
  FAIL("no expectation named " << name);
  return results.front();
}

}  // namespace

TEST_CASE("expectations: success_rate is a minimum") {
  Expectations e;
  e.success_rate = 0.99;
  auto results = evaluate_expectations(e, stats_of(200, 198));
  const ExpectationResult& r = find(results, "success_rate");
  CHECK(r.passed);
  CHECK(r.expected == ">= 99%");
  CHECK(r.actual == "99% (198 of 200)");
  results = evaluate_expectations(e, stats_of(200, 197));
  CHECK_FALSE(find(results, "success_rate").passed);
  CHECK(find(results, "success_rate").actual == "98.5% (197 of 200)");
  CHECK_FALSE(all_passed(results));
}

TEST_CASE("expectations: served_by counts are exact unless a tolerance is given") {
  ScenarioStats s = stats_of(10, 10);
  s.served_by_provider = {{"openai", 7}, {"anthropic", 3}};
  s.served_by = {{"openai/gpt-4o-mini", 7}, {"anthropic/claude", 3}};
  Expectations e;
  e.served_by = {{"openai", false, 7, std::nullopt},
                 {"anthropic/claude", false, 4, std::nullopt},
                 {"anthropic", false, 4, 1.0}};
  auto results = evaluate_expectations(e, s);
  REQUIRE(results.size() == 4);
  CHECK(results[0].name == "served_by.openai");
  CHECK(results[0].passed);
  CHECK(results[0].expected == "exactly 7 requests");
  CHECK(results[1].name == "served_by.anthropic/claude");
  CHECK_FALSE(results[1].passed);
  CHECK(results[1].actual == "3 requests");
  CHECK(results[2].passed);
  CHECK(results[2].expected == "4 ± 1 requests");
}

TEST_CASE("expectations: served_by shares compare fractions of all requests") {
  ScenarioStats s = stats_of(200, 200);
  s.served_by_provider = {{"openai", 180}, {"gemini", 20}};
  Expectations e;
  e.served_by = {{"openai", true, 0.875, std::nullopt}, {"gemini", true, 0.05, 0.02}};
  e.served_by_tolerance = 0.05;
  auto results = evaluate_expectations(e, s);
  CHECK(results[0].passed);  // 90% is within 87.5% +- 5%
  CHECK(results[0].expected == "87.5% ± 5% of requests");
  CHECK(results[0].actual == "90% (180 requests)");
  CHECK_FALSE(results[1].passed);  // 10% is not within 5% +- 2%
}

TEST_CASE("expectations: maxima on attempts, retries, fallbacks and latency") {
  ScenarioStats s = stats_of(10, 10);
  s.max_attempts = 4;
  s.retries = 6;
  s.fallbacks = 2;
  s.latency_ms = Percentiles{10, 100, 900, 1500, 1600};
  Expectations e;
  e.max_attempts = 3;
  e.max_retries = 6;
  e.max_fallbacks = 1;
  e.latency_p50_ms = 100;
  e.latency_p95_ms = 899;
  e.latency_p99_ms = 1500;
  auto results = evaluate_expectations(e, s);
  CHECK_FALSE(find(results, "max_attempts").passed);
  CHECK(find(results, "max_attempts").expected == "<= 3 per request");
  CHECK(find(results, "max_attempts").actual == "4 per request");
  CHECK(find(results, "max_retries").passed);
  CHECK_FALSE(find(results, "max_fallbacks").passed);
  CHECK(find(results, "latency_p50_ms").passed);
  CHECK_FALSE(find(results, "latency_p95_ms").passed);
  CHECK(find(results, "latency_p95_ms").actual == "900 ms");
  CHECK(find(results, "latency_p99_ms").passed);
}

TEST_CASE("expectations: a time-to-first-token bound with no stream token fails") {
  Expectations e;
  e.ttft_p95_ms = 1000;
  auto results = evaluate_expectations(e, stats_of(3, 3));
  const ExpectationResult& r = find(results, "ttft_p95_ms");
  CHECK_FALSE(r.passed);
  CHECK(r.actual == "no samples");
  CHECK_FALSE(r.details.empty());
}

TEST_CASE("expectations: failure classes are exact counts, absent classes count 0") {
  ScenarioStats s = stats_of(10, 7);
  s.failures_by_class = {{"rate_limit", 3}};
  s.failed_attempts_by_class = {{"rate_limit", 9}};
  Expectations e;
  e.failures_by_class = {{FailureClass::kRateLimit, 3}, {FailureClass::kTimeout, 1}};
  e.failed_attempts_by_class = {{FailureClass::kRateLimit, 8}};
  auto results = evaluate_expectations(e, s);
  CHECK(find(results, "failures_by_class.rate_limit").passed);
  CHECK_FALSE(find(results, "failures_by_class.timeout").passed);
  CHECK(find(results, "failures_by_class.timeout").actual == "0 requests");
  CHECK_FALSE(find(results, "failed_attempts_by_class.rate_limit").passed);
  CHECK(find(results, "failed_attempts_by_class.rate_limit").expected == "exactly 8 attempts");
}

TEST_CASE("expectations: outcomes list each differing request") {
  ScenarioStats s = stats_of(3, 2);
  s.outcomes = {"openai/gpt-4o-mini", "anthropic/claude", "fail:rate_limit"};
  Expectations e;
  e.outcomes = std::vector<std::string>{"openai", "anthropic", "fail:rate_limit"};
  CHECK(find(evaluate_expectations(e, s), "outcomes").passed);
  e.outcomes = std::vector<std::string>{"openai", "openai", "anthropic"};
  const ExpectationResult r = find(evaluate_expectations(e, s), "outcomes");
  CHECK_FALSE(r.passed);
  CHECK(r.actual == "2 of 3 differ");
  CHECK(r.details ==
        std::vector<std::string>{"request 1: expected openai, got anthropic/claude",
                                 "request 2: expected anthropic, got fail:rate_limit"});
}

TEST_CASE("expectations: the caller contract is always checked") {
  ScenarioStats s = stats_of(2, 2);
  auto results = evaluate_expectations(Expectations{}, s);
  REQUIRE(results.size() == 1);
  CHECK(results[0].name == "caller_contract");
  CHECK(results[0].builtin);
  CHECK(results[0].passed);
  s.contract_violations = 1;
  s.violation_examples = {"request 0: a chunk after the stream ended"};
  results = evaluate_expectations(Expectations{}, s);
  CHECK_FALSE(results[0].passed);
  CHECK(results[0].actual == "1 violation");
  CHECK(results[0].details == s.violation_examples);
}

TEST_CASE("expectations: percentages keep at most two decimals") {
  CHECK(format_percent(1.0) == "100%");
  CHECK(format_percent(0.995) == "99.5%");
  CHECK(format_percent(0.94351) == "94.35%");
  CHECK(format_percent(0.0) == "0%");
}

TEST_CASE("expectations: slowest_ms_at_least proves that a wait really happened") {
  Expectations e;
  e.slowest_ms_at_least = 1200;
  ScenarioStats s = stats_of(10, 10);
  s.latency_ms.max = 1611;
  auto results = evaluate_expectations(e, s);
  const ExpectationResult& ok = find(results, "slowest_ms_at_least");
  CHECK(ok.passed);
  CHECK(ok.expected == ">= 1200 ms");
  CHECK(ok.actual == "1611 ms");
  s.latency_ms.max = 3;  // a tight loop
  CHECK_FALSE(find(evaluate_expectations(e, s), "slowest_ms_at_least").passed);
}

TEST_CASE("expectations: caller_error_contains checks every error a caller got") {
  Expectations e;
  e.caller_error_contains = "content filtering";
  ScenarioStats s = stats_of(3, 0);
  s.caller_errors["Output blocked by content filtering policy"] = 2;
  auto results = evaluate_expectations(e, s);
  CHECK(find(results, "caller_error_contains").passed);
  CHECK(find(results, "caller_error_contains").actual == "2 of 2 errors do");
  s.caller_errors["prefix rejected"] = 1;
  results = evaluate_expectations(e, s);
  const ExpectationResult& bad = find(results, "caller_error_contains");
  CHECK_FALSE(bad.passed);
  REQUIRE(bad.details.size() == 1);
  CHECK(bad.details[0] == "1 x \"prefix rejected\"");
  CHECK_FALSE(find(evaluate_expectations(e, stats_of(3, 3)), "caller_error_contains").passed);
}
