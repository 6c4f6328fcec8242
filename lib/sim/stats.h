// ScenarioStats: the numbers a simulation run is judged by, aggregated from the
// RequestRecords the router emitted and what the simulated callers saw.
//
// Latency is the router's whole-request latency (arrival to answer or final error, retries,
// backoff and fallbacks included) of every request, failed ones too, since their callers
// waited as long. Percentiles are nearest-rank over whole milliseconds, so they are actual
// observed values. Time to first token is measured by the caller, from arrival. Plain values;
// compute_stats is a pure function.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lib/sim/engine.h"

namespace understudy {

struct Percentiles {
  std::int64_t count = 0;  // samples; the rest is 0 when there are none
  std::int64_t p50 = 0;
  std::int64_t p95 = 0;
  std::int64_t p99 = 0;
  std::int64_t max = 0;
};

// Nearest-rank percentiles of `samples` (which it sorts).
Percentiles percentiles(std::vector<std::int64_t>& samples);

struct ScenarioStats {
  std::int64_t requests = 0;
  std::int64_t succeeded = 0;
  std::int64_t failed = 0;     // the caller got an error, or a stream that broke
  std::int64_t broken = 0;     // of which: streams that broke after content was sent
  std::int64_t continued = 0;  // streams completed by a mid-stream continuation
  std::int64_t streams = 0;
  double success_rate = 0;  // succeeded / requests; 1 when there are no requests
  std::map<std::string, std::int64_t> served_by;           // "provider/model" -> requests
  std::map<std::string, std::int64_t> served_by_provider;  // "provider" -> requests
  std::int64_t attempts = 0;      // upstream attempts (skipped targets not counted)
  std::int64_t max_attempts = 0;  // the most any single request made
  std::int64_t retries = 0;
  std::int64_t fallbacks = 0;
  std::int64_t skipped_targets = 0;
  std::int64_t malformed_events = 0;
  Percentiles latency_ms;
  Percentiles ttft_ms;                                           // streams that delivered content
  std::map<std::string, std::int64_t> failures_by_class;         // final failures
  std::map<std::string, std::int64_t> failed_attempts_by_class;  // every failed attempt
  std::map<std::string, std::int64_t> caller_errors;  // error message the caller got -> count
  std::vector<std::string> outcomes;                  // by request index
  std::int64_t contract_violations = 0;
  std::vector<std::string> violation_examples;  // the first few, "request 3: ..."
  std::int64_t duration_ms = 0;
};

ScenarioStats compute_stats(const SimulationRun& run);

// Requests served by `target`: a provider ("anthropic") or "provider/model".
std::int64_t served_count(const ScenarioStats& stats, const std::string& target);

}  // namespace understudy
