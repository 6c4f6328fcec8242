// The composition root of `simulate`: for one scenario, a fresh world of seams around the
// real Router, then the run, the stats and the verdict.
//
// Virtual time (default): a VirtualClock in cooperative mode, SeededRandom(seed), a fresh
// HealthState, a healthy in-process ScriptedTransport for every provider, and the FaultHook
// with the scenario's rules (the same hook `serve` runs for [[faults]]). Nothing sleeps.
// Real time (--real-time): the same on a RealClock, callers on real threads.
// HTTP (--http, real time): a fake provider server (mocks/fake_server.h) on a loopback
// port, every provider's base_url pointed at it, the real HttpTransport, and the same
// FaultHook decisions carried to the server in the x-understudy-fault header; so the
// adapters' wire formats and real sockets are exercised too.
// Nothing is shared between scenarios, so one scenario's cooldowns cannot leak into the next.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "lib/core/status.h"
#include "lib/sim/report.h"
#include "lib/sim/scenario.h"

namespace understudy::cli {

enum class SimMode { kVirtual, kRealTime, kHttp };
const char* sim_mode_name(SimMode mode);

struct SimOptions {
  SimMode mode = SimMode::kVirtual;
  std::optional<std::uint64_t> seed;  // --seed: overrides every scenario's seed
  // Called with the number of finished requests, from the requests' threads; may be empty.
  std::function<void(std::int64_t done)> progress;
};

inline constexpr std::uint64_t kDefaultSeed = 1;

// Runs `scenario` in a fresh world and evaluates its expectations. A scenario marked
// virtual_time_only is skipped (report.skipped says why) outside virtual time. Errors: the
// fake provider server of --http could not start (io_error).
Result<ScenarioReport> run_scenario(const Scenario& scenario, const SimOptions& options);

}  // namespace understudy::cli
