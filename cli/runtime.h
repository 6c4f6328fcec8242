// Runtime: the composition root of the real-time commands (`serve`, `ask`).
//
// It picks the implementations behind the router's seams: the real clock, an
// entropy-seeded Random, one shared HealthState, HttpTransport for real providers and an
// in-process ScriptedTransport for `type = "mock"` providers, and the `[[faults]]` hook.
// `simulate` builds its own, virtual-time composition. The Runtime owns everything it
// builds; the Config must outlive it. Thread-safe once built (the Router is).
#pragma once

#include <memory>

#include "lib/config/config.h"
#include "lib/core/random.h"
#include "lib/core/real_clock.h"
#include "lib/router/health.h"
#include "lib/router/router.h"
#include "lib/transport/http_transport.h"
#include "mocks/fault_hook.h"
#include "mocks/scripted_transport.h"

namespace understudy::cli {

class Runtime final : public TransportResolver {
 public:
  // `events` may be null; it must outlive the Runtime.
  Runtime(const Config& config, EventSink* events);

  Router& router() { return *router_; }
  HealthState& health() { return health_; }
  Clock& clock() { return clock_; }
  const Config& config() const { return config_; }

  Transport& transport_for(const ProviderConfig& provider) override;

 private:
  const Config& config_;
  RealClock& clock_;
  SeededRandom random_;
  HealthState health_;
  HttpTransport http_;
  ScriptedTransport mock_;
  std::unique_ptr<FaultHook> faults_;
  std::unique_ptr<Router> router_;
};

}  // namespace understudy::cli
