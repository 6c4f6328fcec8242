// Determinism of simulate (design §3): in virtual time the same scenario and seed give a
// byte-identical report, text and JSON; another seed may differ. Runs the real composition
// (cli/simulate_world.h) in process.
#include <doctest/doctest.h>

#include "cli/simulate_world.h"

using namespace understudy;

namespace {

// Probabilities, latency distributions, Poisson arrivals, streams and retries with jitter:
// everything that draws from the seed.
const char kBusy[] = R"(
name = "busy"
[providers.openai]
[providers.anthropic]
[providers.gemini]

[[traffic]]
count = 150
rate = 40
arrival = "poisson"
model = "openai/gpt-4o-mini"
fallbacks = ["anthropic/claude-haiku-4-5", "gemini/gemini-2.0-flash"]

[[traffic]]
count = 60
concurrency = 6
stream = true
model = "anthropic/claude-haiku-4-5"
fallbacks = ["gemini/gemini-2.0-flash"]

[[faults]]
providers = ["openai"]
probability = 0.3
latency = { type = "lognormal", median_ms = 300, sigma = 0.8 }
[[faults.responses]]
status = 503
[[faults.responses]]
action = "reset"
[[faults.responses]]
action = "hang"

[[faults]]
providers = ["anthropic"]
probability = 0.2
action = "stream_cut"
after_tokens = 2

[[faults]]
providers = ["gemini"]
action = "ok"
latency = { type = "normal", mean_ms = 400, stddev_ms = 120 }

[expect]
success_rate = 0.5
)";

ScenarioReport run_busy(std::optional<std::uint64_t> seed) {
  ScenarioLoad load = parse_scenario(kBusy, "busy.toml");
  REQUIRE(load.ok());
  cli::SimOptions options;
  options.seed = seed;
  Result<ScenarioReport> report = cli::run_scenario(load.scenario, options);
  REQUIRE(report.ok());
  return std::move(report).value();
}

}  // namespace

TEST_CASE("determinism: the same seed gives a byte-identical report, text and JSON") {
  ScenarioReport a = run_busy(5);
  ScenarioReport b = run_busy(5);
  CHECK(a.stats.requests == 210);
  CHECK(a.stats.retries > 0);  // the scenario does exercise the random paths
  CHECK(a.stats.failed_attempts_by_class.size() >= 3);
  CHECK(render_text({a}) == render_text({b}));
  CHECK(render_json({a}).dump() == render_json({b}).dump());
  CHECK(render_junit({a}) == render_junit({b}));
}

TEST_CASE("determinism: another seed gives another run") {
  ScenarioReport a = run_busy(5);
  ScenarioReport c = run_busy(6);
  CHECK(c.seed == 6);
  CHECK(render_json({a})["scenarios"][0]["outcomes"] !=
        render_json({c})["scenarios"][0]["outcomes"]);
  CHECK(render_text({a}) != render_text({c}));
}

TEST_CASE("determinism: without --seed the scenario's seed, else 1, is used") {
  ScenarioReport r = run_busy(std::nullopt);
  CHECK(r.seed == cli::kDefaultSeed);
  CHECK(render_text({r}) == render_text({run_busy(cli::kDefaultSeed)}));
}
