#include "lib/sim/stats.h"

#include <algorithm>
#include <cmath>

#include "lib/sim/outcome.h"

namespace understudy {

namespace {

constexpr std::size_t kViolationExamples = 5;

std::int64_t rank(const std::vector<std::int64_t>& sorted, double p) {
  auto n = static_cast<double>(sorted.size());
  auto r = static_cast<std::size_t>(std::ceil(p / 100.0 * n));
  if (r < 1) r = 1;
  return sorted[std::min(r, sorted.size()) - 1];
}

void add_attempts(const RequestRecord& r, ScenarioStats& s) {
  std::int64_t made = 0;
  for (const AttemptRecord& a : r.attempts) {
    if (!a.skipped.empty()) {
      ++s.skipped_targets;
      continue;
    }
    ++made;
    if (a.failure) ++s.failed_attempts_by_class[failure_class_name(*a.failure)];
  }
  s.attempts += made;
  s.max_attempts = std::max(s.max_attempts, made);
}

void add_request(const RequestResult& q, std::int64_t index, ScenarioStats& s,
                 std::vector<std::int64_t>& latency, std::vector<std::int64_t>& ttft) {
  const RequestRecord& r = q.record;
  if (r.stream) ++s.streams;
  if (r.ok) {
    ++s.succeeded;
    ++s.served_by[r.provider + "/" + r.model];
    ++s.served_by_provider[r.provider];
    if (r.continued) ++s.continued;
  } else {
    ++s.failed;
    if (r.failed_after_commit) ++s.broken;
    ++s.failures_by_class[final_failure_name(r)];
    if (!q.caller.error.empty()) ++s.caller_errors[q.caller.error];
  }
  add_attempts(r, s);
  s.retries += r.retries;
  s.fallbacks += r.fallbacks;
  s.malformed_events += r.malformed_events;
  latency.push_back(r.latency_ms);
  if (q.caller.ttft_ms >= 0) ttft.push_back(q.caller.ttft_ms);
  s.outcomes.push_back(outcome_of(r));
  for (const std::string& v : q.caller.violations) {
    ++s.contract_violations;
    if (s.violation_examples.size() < kViolationExamples) {
      s.violation_examples.push_back("request " + std::to_string(index) + ": " + v);
    }
  }
}

}  // namespace

Percentiles percentiles(std::vector<std::int64_t>& samples) {
  Percentiles p;
  if (samples.empty()) return p;
  std::sort(samples.begin(), samples.end());
  p.count = static_cast<std::int64_t>(samples.size());
  p.p50 = rank(samples, 50);
  p.p95 = rank(samples, 95);
  p.p99 = rank(samples, 99);
  p.max = samples.back();
  return p;
}

ScenarioStats compute_stats(const SimulationRun& run) {
  ScenarioStats s;
  std::vector<std::int64_t> latency, ttft;
  latency.reserve(run.requests.size());
  for (std::size_t i = 0; i < run.requests.size(); ++i) {
    add_request(run.requests[i], static_cast<std::int64_t>(i), s, latency, ttft);
  }
  s.requests = static_cast<std::int64_t>(run.requests.size());
  s.success_rate =
      s.requests == 0 ? 1.0 : static_cast<double>(s.succeeded) / static_cast<double>(s.requests);
  s.latency_ms = percentiles(latency);
  s.ttft_ms = percentiles(ttft);
  s.duration_ms = run.duration_ms;
  return s;
}

std::int64_t served_count(const ScenarioStats& stats, const std::string& target) {
  const auto& table =
      target.find('/') == std::string::npos ? stats.served_by_provider : stats.served_by;
  auto it = table.find(target);
  return it == table.end() ? 0 : it->second;
}

}  // namespace understudy
