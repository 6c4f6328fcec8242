#include "lib/sim/expectations.h"

#include <cmath>
#include <cstdio>

#include "lib/sim/outcome.h"

namespace understudy {

namespace {

constexpr double kEpsilon = 1e-9;
constexpr std::size_t kMaxDetails = 5;

std::string trim_number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

std::string plural(std::int64_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

ExpectationResult make(std::string name, std::string expected, std::string actual, bool passed) {
  ExpectationResult r;
  r.name = std::move(name);
  r.expected = std::move(expected);
  r.actual = std::move(actual);
  r.passed = passed;
  return r;
}

ExpectationResult at_most(std::string name, std::int64_t limit, std::int64_t actual,
                          const std::string& unit) {
  return make(std::move(name), "<= " + std::to_string(limit) + unit, std::to_string(actual) + unit,
              actual <= limit);
}

ExpectationResult success_rate(double min, const ScenarioStats& s) {
  std::string actual = format_percent(s.success_rate) + " (" + std::to_string(s.succeeded) +
                       " of " + std::to_string(s.requests) + ")";
  return make("success_rate", ">= " + format_percent(min), actual,
              s.success_rate + kEpsilon >= min);
}

ExpectationResult served_by(const ServedByExpectation& e, double default_tolerance,
                            const ScenarioStats& s) {
  double tolerance = e.tolerance.value_or(default_tolerance);
  std::int64_t count = served_count(s, e.target);
  std::string name = "served_by." + e.target;
  if (!e.share) {
    std::string expected =
        tolerance > 0 ? trim_number(e.value, 0) + " ± " + trim_number(tolerance, 2) + " requests"
                      : "exactly " + plural(std::llround(e.value), "request");
    bool ok = std::fabs(static_cast<double>(count) - e.value) <= tolerance + kEpsilon;
    return make(name, expected, plural(count, "request"), ok);
  }
  double share = s.requests == 0 ? 0 : static_cast<double>(count) / static_cast<double>(s.requests);
  std::string expected = format_percent(e.value) +
                         (tolerance > 0 ? " ± " + format_percent(tolerance) : "") + " of requests";
  bool ok = std::fabs(share - e.value) <= tolerance + kEpsilon;
  return make(name, expected, format_percent(share) + " (" + plural(count, "request") + ")", ok);
}

ExpectationResult percentile(std::string name, std::int64_t limit, const Percentiles& p,
                             std::int64_t value) {
  if (p.count == 0) {
    ExpectationResult r =
        make(std::move(name), "<= " + std::to_string(limit) + " ms", "no samples", false);
    r.details.push_back("no request delivered a stream token, so there is nothing to measure");
    return r;
  }
  return at_most(std::move(name), limit, value, " ms");
}

ExpectationResult class_count(const std::string& table_name,
                              const std::map<std::string, std::int64_t>& table, FailureClass cls,
                              std::int64_t expected, const std::string& unit) {
  auto it = table.find(failure_class_name(cls));
  std::int64_t actual = it == table.end() ? 0 : it->second;
  return make(table_name + "." + failure_class_name(cls), "exactly " + plural(expected, unit),
              plural(actual, unit), actual == expected);
}

ExpectationResult outcomes(const std::vector<std::string>& expected, const ScenarioStats& s) {
  std::int64_t differ = 0;
  std::vector<std::string> details;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    std::string actual = i < s.outcomes.size() ? s.outcomes[i] : "(not sent)";
    if (outcome_matches(expected[i], actual)) continue;
    ++differ;
    if (details.size() < kMaxDetails) {
      details.push_back("request " + std::to_string(i) + ": expected " + expected[i] + ", got " +
                        actual);
    }
  }
  ExpectationResult r = make(
      "outcomes", "the " + plural(expected.size(), "listed outcome"),
      differ == 0 ? "all match"
                  : std::to_string(differ) + " of " + std::to_string(expected.size()) + " differ",
      differ == 0);
  r.details = std::move(details);
  return r;
}

ExpectationResult slowest_at_least(std::int64_t min, const ScenarioStats& s) {
  return make("slowest_ms_at_least", ">= " + std::to_string(min) + " ms",
              std::to_string(s.latency_ms.max) + " ms", s.requests > 0 && s.latency_ms.max >= min);
}

ExpectationResult error_contains(const std::string& text, const ScenarioStats& s) {
  std::int64_t total = 0, missing = 0;
  std::vector<std::string> details;
  for (const auto& [message, count] : s.caller_errors) {
    total += count;
    if (message.find(text) == std::string::npos) {
      missing += count;
      details.push_back(std::to_string(count) + " x \"" + message + "\"");
    }
  }
  ExpectationResult r =
      make("caller_error_contains", "every caller error contains \"" + text + "\"",
           total == 0 ? std::string("no failed requests")
                      : std::to_string(total - missing) + " of " + plural(total, "error") + " do",
           total > 0 && missing == 0);
  r.details = std::move(details);
  return r;
}

ExpectationResult caller_contract(const ScenarioStats& s) {
  ExpectationResult r =
      make("caller_contract", "0 violations", plural(s.contract_violations, "violation"),
           s.contract_violations == 0);
  r.details = s.violation_examples;
  r.builtin = true;
  return r;
}

}  // namespace

std::string format_percent(double fraction) { return trim_number(fraction * 100.0, 2) + "%"; }

std::vector<ExpectationResult> evaluate_expectations(const Expectations& e,
                                                     const ScenarioStats& s) {
  std::vector<ExpectationResult> out;
  if (e.success_rate) out.push_back(success_rate(*e.success_rate, s));
  for (const ServedByExpectation& sb : e.served_by) {
    out.push_back(served_by(sb, e.served_by_tolerance, s));
  }
  if (e.max_attempts) {
    out.push_back(at_most("max_attempts", *e.max_attempts, s.max_attempts, " per request"));
  }
  const Percentiles& l = s.latency_ms;
  if (e.latency_p50_ms) out.push_back(percentile("latency_p50_ms", *e.latency_p50_ms, l, l.p50));
  if (e.latency_p95_ms) out.push_back(percentile("latency_p95_ms", *e.latency_p95_ms, l, l.p95));
  if (e.latency_p99_ms) out.push_back(percentile("latency_p99_ms", *e.latency_p99_ms, l, l.p99));
  const Percentiles& t = s.ttft_ms;
  if (e.ttft_p50_ms) out.push_back(percentile("ttft_p50_ms", *e.ttft_p50_ms, t, t.p50));
  if (e.ttft_p95_ms) out.push_back(percentile("ttft_p95_ms", *e.ttft_p95_ms, t, t.p95));
  if (e.ttft_p99_ms) out.push_back(percentile("ttft_p99_ms", *e.ttft_p99_ms, t, t.p99));
  if (e.slowest_ms_at_least) out.push_back(slowest_at_least(*e.slowest_ms_at_least, s));
  if (e.caller_error_contains) out.push_back(error_contains(*e.caller_error_contains, s));
  if (e.max_retries) out.push_back(at_most("max_retries", *e.max_retries, s.retries, " in total"));
  if (e.max_fallbacks) {
    out.push_back(at_most("max_fallbacks", *e.max_fallbacks, s.fallbacks, " in total"));
  }
  for (const auto& [cls, n] : e.failures_by_class) {
    out.push_back(class_count("failures_by_class", s.failures_by_class, cls, n, "request"));
  }
  for (const auto& [cls, n] : e.failed_attempts_by_class) {
    out.push_back(
        class_count("failed_attempts_by_class", s.failed_attempts_by_class, cls, n, "attempt"));
  }
  if (e.outcomes) out.push_back(outcomes(*e.outcomes, s));
  out.push_back(caller_contract(s));
  return out;
}

bool all_passed(const std::vector<ExpectationResult>& results) {
  for (const ExpectationResult& r : results) {
    if (!r.passed) return false;
  }
  return true;
}

}  // namespace understudy
