#include "cli/runtime.h"

namespace understudy::cli {

Runtime::Runtime(const Config& config, EventSink* events)
    : config_(config),
      clock_(RealClock::shared()),
      random_(SeededRandom::entropy_seed()),
      mock_(clock_, random_) {
  RouterDeps deps;
  deps.config = &config_;
  deps.clock = &clock_;
  deps.random = &random_;
  deps.transports = this;
  deps.health = &health_;
  deps.events = events;
  if (!config_.faults.empty()) {
    faults_ = std::make_unique<FaultHook>(config_.faults, clock_, random_);
    deps.hooks.push_back(faults_.get());
  }
  router_ = std::make_unique<Router>(deps);
}

Transport& Runtime::transport_for(const ProviderConfig& provider) {
  if (provider.type == ProviderType::kMock) return mock_;
  return http_;
}

}  // namespace understudy::cli
