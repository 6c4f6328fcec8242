// Scenario: one `understudy simulate` scenario file as plain data (design §9,
// docs/scenarios.md).
//
// A scenario names the gateway config it exercises (providers, routes and fallbacks written
// inline with the understudy.toml schema, or `config = "path"`), the faults to inject (the
// `[[faults]]` rule language of the gateway config), the traffic to send, and what must hold
// afterwards. The parser reports EVERY problem, each with file, line and key path, reusing the
// config loader's checks so that a provider table or a fault rule means the same thing in a
// scenario as in understudy.toml. Simulate never sends a real request, so key variables
// resolve to a placeholder (simulation_env) and scenarios need no real keys.
// Plain values once parsed; the parse functions are pure apart from reading the files named.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lib/config/config.h"
#include "lib/config/diagnostics.h"
#include "lib/config/env.h"
#include "lib/config/loader.h"
#include "lib/core/clock.h"
#include "lib/core/failure.h"

namespace understudy {

// One stream of requests: `count` requests of the same shape, either open loop (`rate`
// requests per second regardless of how fast they complete) or closed loop (`concurrency`
// callers, each sending its next request when the previous one finished).
struct TrafficGroup {
  std::string name;  // `name`, else "traffic" / "traffic[i]"
  std::int64_t count = 1;
  std::optional<double> rate;  // requests per second; unset = closed loop
  bool poisson = false;        // arrival = "poisson": exponential gaps drawn from the seed
  int concurrency = 1;         // closed loop only
  Millis start{0};             // first arrival, since the scenario start
  std::string model;           // provider/model or a route alias
  std::optional<std::vector<std::string>> fallbacks;  // the request's `fallbacks` field
  bool stream = false;
  std::string prompt;
  std::int64_t first_index = 0;  // this group's request indices: [first_index, +count)
  std::string origin;            // "file:line"
};

// served_by: a count, or a share of all requests, for a provider or provider/model.
struct ServedByExpectation {
  std::string target;  // "anthropic" or "anthropic/claude-haiku-4-5"
  bool share = false;  // true: `value` is a fraction of all requests (a TOML float)
  double value = 0;
  std::optional<double> tolerance;  // this entry's own; else Expectations::served_by_tolerance
};

struct Expectations {
  std::optional<double> success_rate;  // minimum, 0..1
  std::vector<ServedByExpectation> served_by;
  double served_by_tolerance = 0;              // allowed |actual - expected|, in each entry's unit
  std::optional<std::int64_t> max_attempts;    // per request
  std::optional<std::int64_t> latency_p50_ms;  // maxima, in (virtual) ms
  std::optional<std::int64_t> latency_p95_ms;
  std::optional<std::int64_t> latency_p99_ms;
  std::optional<std::int64_t> ttft_p50_ms;  // streams: time to the first token the caller saw
  std::optional<std::int64_t> ttft_p95_ms;
  std::optional<std::int64_t> ttft_p99_ms;
  // Minimum of the slowest request's latency: proves that waits (backoff, Retry-After)
  // really happened instead of a tight loop.
  std::optional<std::int64_t> slowest_ms_at_least;
  // Every error message a caller got contains this text (a provider's reason passed on).
  std::optional<std::string> caller_error_contains;
  std::optional<std::int64_t> max_retries;    // total over the scenario
  std::optional<std::int64_t> max_fallbacks;  // total over the scenario
  // Exact number of requests that finally failed with each listed class.
  std::vector<std::pair<FailureClass, std::int64_t>> failures_by_class;
  // Exact number of failed upstream attempts of each listed class (retried or not).
  std::vector<std::pair<FailureClass, std::int64_t>> failed_attempts_by_class;
  // The exact outcome of each request, by index (notation in stats.h, outcome_of).
  std::optional<std::vector<std::string>> outcomes;

  bool empty() const;
};

struct Scenario {
  std::string file;  // as given on the command line
  std::string name;  // `name`, else the file name without .toml
  std::string description;
  std::optional<std::uint64_t> seed;  // `seed`; the --seed flag overrides it
  // Non-empty: why the scenario makes sense only in virtual time (exact latencies, minutes
  // of waiting); --real-time and --http skip it and say so.
  std::string virtual_time_only;
  std::string config_path;  // `config`, resolved against the scenario's directory
  Config config;            // providers, routes, fallback (and a config file's own [[faults]])
  std::vector<FaultRule> faults;  // the scenario's [[faults]]
  std::vector<TrafficGroup> traffic;
  Expectations expect;

  std::int64_t total_requests() const;
  // The config's own [[faults]] and the scenario's, in the order the FaultEngine gets them.
  std::vector<FaultRule> all_fault_rules() const;
};

struct ScenarioLoad {
  Scenario scenario;
  std::vector<Diagnostic> errors;  // sorted by file, then line
  bool ok() const { return errors.empty(); }
};

// Resolves every variable to "sim-placeholder": simulate sends nothing real, so a scenario
// (or the config it names) runs without any API key set.
EnvLookup simulation_env();

// Loads the file a scenario's `config = "path"` names (understudy.toml or Bifrost JSON).
using ConfigFileLoader = std::function<LoadResult(const std::string& path, const EnvLookup&)>;

// Parses scenario text. `file` names it in diagnostics; relative `config` paths are
// resolved against its directory and loaded with `load_config`.
ScenarioLoad parse_scenario(const std::string& text, const std::string& file,
                            const ConfigFileLoader& load_config = load_config_file);

// Reads and parses a scenario file; an unreadable file is an error.
ScenarioLoad load_scenario_file(const std::string& path);

// One diagnostic as shown by simulate: "scenario FILE:LINE: path: message" for the scenario
// file itself, the config loader's "config FILE:LINE: ..." for a config it names.
std::string scenario_diagnostic_text(const Diagnostic& d, const std::string& scenario_file);

}  // namespace understudy
