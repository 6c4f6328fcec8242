// The composition root of `simulate`: for one scenario, a fresh world of seams around the
// real Router, then the run, the stats and the verdict.
//
// Default (virtual time): a VirtualClock in cooperative mode, SeededRandom(seed), a fresh
// HealthState, a healthy in-process ScriptedTransport for every provider, and the FaultHook
// with the scenario's rules (the same hook `serve` runs for [[faults]]). Nothing sleeps.
// --real-time: the same on a RealClock, callers on real threads. Nothing is shared between
// scenarios, so one scenario's cooldowns cannot leak into the next.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "lib/sim/report.h"
#include "lib/sim/scenario.h"

namespace understudy::cli {

enum class SimMode { kVirtual, kRealTime };
const char* sim_mode_name(SimMode mode);

struct SimOptions {
  SimMode mode = SimMode::kVirtual;
  std::optional<std::uint64_t> seed;  // --seed: overrides every scenario's seed
  // Called with the number of finished requests, from the requests' threads; may be empty.
  std::function<void(std::int64_t done)> progress;
};

inline constexpr std::uint64_t kDefaultSeed = 1;

// Runs `scenario` in a fresh world and evaluates its expectations.
ScenarioReport run_scenario(const Scenario& scenario, const SimOptions& options);

}  // namespace understudy::cli
