#include "cli/simulate_world.h"

#include <memory>

#include "lib/core/real_clock.h"
#include "lib/core/virtual_clock.h"
#include "lib/router/health.h"
#include "lib/router/router.h"
#include "lib/sim/engine.h"
#include "lib/sim/task_runner.h"
#include "lib/transport/http_transport.h"
#include "mocks/fake_reply.h"
#include "mocks/fake_server.h"
#include "mocks/fault_header_transport.h"
#include "mocks/fault_hook.h"
#include "mocks/scripted_transport.h"

namespace understudy::cli {

namespace {

// Every provider's base_url, pointed at the fake server; the path prefix is kept, so each
// adapter still builds its own provider's paths (/v1/chat/completions, /v1beta/models/...).
Config with_base_urls_at(const Config& config, const std::string& server_base) {
  Config out = config;
  for (auto& [name, provider] : out.providers) {
    std::optional<SplitUrl> url = split_url(provider.base_url);
    provider.base_url = server_base + (url ? url->path : std::string("/v1"));
  }
  return out;
}

// True when some rule answers with its own `content`: the reply text is then not known.
bool replaces_content(const std::vector<FaultRule>& rules) {
  for (const FaultRule& r : rules) {
    for (const FaultAction& a : r.actions) {
      if (!a.content.empty()) return true;
    }
  }
  return false;
}

// What every fake provider answers a group's prompt with, in one piece.
std::string fake_answer(const TrafficGroup& group) {
  FakeRequest request;
  request.last_user_text = group.prompt;
  return fake_reply_text(request);
}

// Every seam of one scenario run. Members are built in order and destroyed in reverse, so
// the clocks (whose fibers and timers go last) and the fake server outlive their users.
class SimWorld final : public TransportResolver {
 public:
  SimWorld(const Scenario& scenario, SimMode mode, std::uint64_t seed,
           std::function<void(std::int64_t)> progress)
      : scenario_(scenario),
        mode_(mode),
        seed_(seed),
        virtual_clock_(mode == SimMode::kVirtual ? std::make_unique<VirtualClock>() : nullptr),
        clock_(virtual_clock_ ? static_cast<Clock&>(*virtual_clock_)
                              : static_cast<Clock&>(real_clock_)),
        random_(seed),
        records_(scenario.total_requests(), std::move(progress)) {}

  // Builds what the mode needs; io_error when the fake server cannot start.
  Status start() {
    config_ = scenario_.config;
    FaultTransportFactory perform;
    if (mode_ == SimMode::kHttp) {
      FakeServerOptions options;
      options.name = "simulate";
      options.seed = seed_;
      server_ = std::make_unique<FakeProviderServer>(options);
      if (Status s = server_->start(); !s.ok()) {
        return io_error("cannot start the fake provider server for --http: " + s.message());
      }
      config_ = with_base_urls_at(scenario_.config, server_->base_url());
      http_ = std::make_unique<HttpTransport>();
      perform = [this](const FaultAction& action) -> std::shared_ptr<Transport> {
        return std::make_shared<FaultHeaderTransport>(*http_, action);
      };
    } else {
      scripted_ = std::make_unique<ScriptedTransport>(clock_, random_);
    }
    faults_ = std::make_unique<FaultHook>(scenario_.all_fault_rules(), clock_, random_,
                                          std::move(perform));
    if (virtual_clock_) {
      tasks_ = std::make_unique<VirtualTaskRunner>(*virtual_clock_);
    } else {
      tasks_ = std::make_unique<ThreadTaskRunner>();
    }
    RouterDeps deps;
    deps.config = &config_;
    deps.clock = &clock_;
    deps.random = &random_;
    deps.transports = this;
    deps.health = &health_;
    deps.events = &records_;
    deps.hooks = {faults_.get()};
    router_ = std::make_unique<Router>(deps);
    return Status::Ok();
  }

  Transport& transport_for(const ProviderConfig&) override {
    return http_ ? static_cast<Transport&>(*http_) : static_cast<Transport&>(*scripted_);
  }

  SimulationEngine::Seams seams() {
    SimulationEngine::Seams s{router_.get(), &clock_, tasks_.get(), &records_, {}};
    if (!replaces_content(scenario_.all_fault_rules())) s.expected_reply = fake_answer;
    return s;
  }

 private:
  const Scenario& scenario_;
  SimMode mode_;
  std::uint64_t seed_;
  RealClock real_clock_;
  std::unique_ptr<VirtualClock> virtual_clock_;
  Clock& clock_;
  SeededRandom random_;
  HealthState health_;
  Config config_;  // the scenario's; in --http with base URLs at the fake server
  std::unique_ptr<FakeProviderServer> server_;
  std::unique_ptr<HttpTransport> http_;
  std::unique_ptr<ScriptedTransport> scripted_;
  std::unique_ptr<FaultHook> faults_;
  RecordCollector records_;
  std::unique_ptr<TaskRunner> tasks_;
  std::unique_ptr<Router> router_;
};

ScenarioReport report_header(const Scenario& scenario, SimMode mode, std::uint64_t seed) {
  ScenarioReport report;
  report.name = scenario.name;
  report.file = scenario.file;
  report.description = scenario.description;
  report.mode = sim_mode_name(mode);
  report.seed = seed;
  report.fault_rules = static_cast<std::int64_t>(scenario.all_fault_rules().size());
  return report;
}

}  // namespace

const char* sim_mode_name(SimMode mode) {
  switch (mode) {
    case SimMode::kVirtual:
      return "virtual time";
    case SimMode::kRealTime:
      return "real time";
    case SimMode::kHttp:
      return "http";
  }
  return "virtual time";
}

Result<ScenarioReport> run_scenario(const Scenario& scenario, const SimOptions& options) {
  std::uint64_t seed = options.seed.value_or(scenario.seed.value_or(kDefaultSeed));
  ScenarioReport report = report_header(scenario, options.mode, seed);
  if (!scenario.virtual_time_only.empty() && options.mode != SimMode::kVirtual) {
    report.skipped = "virtual time only: " + scenario.virtual_time_only;
    return report;
  }
  SimulationRun run;
  {
    SimWorld world(scenario, options.mode, seed, options.progress);
    if (Status s = world.start(); !s.ok()) return s;
    SimulationEngine engine(scenario, world.seams(), seed);
    run = engine.run();
  }
  report.stats = compute_stats(run);
  report.results = evaluate_expectations(scenario.expect, report.stats);
  return report;
}

}  // namespace understudy::cli
