#include "cli/simulate_world.h"

#include <memory>

#include "lib/core/real_clock.h"
#include "lib/core/virtual_clock.h"
#include "lib/router/health.h"
#include "lib/router/router.h"
#include "lib/sim/engine.h"
#include "lib/sim/task_runner.h"
#include "mocks/fault_hook.h"
#include "mocks/scripted_transport.h"

namespace understudy::cli {

namespace {

// Every seam of one scenario run. Members are built in order and destroyed in reverse, so
// the clock (whose participant threads are joined last) outlives everything using it.
class SimWorld final : public TransportResolver {
 public:
  SimWorld(const Scenario& scenario, SimMode mode, std::uint64_t seed,
           std::function<void(std::int64_t)> progress)
      : virtual_clock_(mode == SimMode::kVirtual ? std::make_unique<VirtualClock>() : nullptr),
        clock_(virtual_clock_ ? static_cast<Clock&>(*virtual_clock_)
                              : static_cast<Clock&>(real_clock_)),
        random_(seed),
        healthy_(clock_, random_),
        faults_(scenario.all_fault_rules(), clock_, random_),
        records_(scenario.total_requests(), std::move(progress)) {
    if (virtual_clock_) {
      tasks_ = std::make_unique<VirtualTaskRunner>(*virtual_clock_);
    } else {
      tasks_ = std::make_unique<ThreadTaskRunner>();
    }
    RouterDeps deps;
    deps.config = &scenario.config;
    deps.clock = &clock_;
    deps.random = &random_;
    deps.transports = this;
    deps.health = &health_;
    deps.events = &records_;
    deps.hooks = {&faults_};
    router_ = std::make_unique<Router>(deps);
  }

  Transport& transport_for(const ProviderConfig&) override { return healthy_; }

  SimulationEngine::Seams seams() {
    return SimulationEngine::Seams{router_.get(), &clock_, tasks_.get(), &records_};
  }

 private:
  RealClock real_clock_;
  std::unique_ptr<VirtualClock> virtual_clock_;
  Clock& clock_;
  SeededRandom random_;
  HealthState health_;
  ScriptedTransport healthy_;
  FaultHook faults_;
  RecordCollector records_;
  std::unique_ptr<TaskRunner> tasks_;
  std::unique_ptr<Router> router_;
};

}  // namespace

const char* sim_mode_name(SimMode mode) {
  return mode == SimMode::kVirtual ? "virtual time" : "real time";
}

ScenarioReport run_scenario(const Scenario& scenario, const SimOptions& options) {
  std::uint64_t seed = options.seed.value_or(scenario.seed.value_or(kDefaultSeed));
  SimulationRun run;
  {
    SimWorld world(scenario, options.mode, seed, options.progress);
    SimulationEngine engine(scenario, world.seams(), seed);
    run = engine.run();
  }
  ScenarioReport report;
  report.name = scenario.name;
  report.file = scenario.file;
  report.description = scenario.description;
  report.mode = sim_mode_name(options.mode);
  report.seed = seed;
  report.fault_rules = static_cast<std::int64_t>(scenario.all_fault_rules().size());
  report.stats = compute_stats(run);
  report.results = evaluate_expectations(scenario.expect, report.stats);
  return report;
}

}  // namespace understudy::cli
