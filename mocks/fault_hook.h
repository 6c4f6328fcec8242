// FaultHook: the `[[faults]]` hook (design §5 "Plugins/hooks", issue item 7). Before each
// attempt it asks the FaultEngine whether a rule fires for (provider, model, try number,
// request index, time since start, last user message, stream); if so it answers the attempt
// with a ScriptedTransport playing the chosen action in the target's own wire format. The
// reply then goes through the adapter's parsing and classification and the router's retry
// logic like any real reply — streaming requests included — which is exactly what
// Bifrost's mocker does not do. A rule with allow_fallbacks = false forbids fallbacks.
// How the chosen action is performed is pluggable: in process by default, or, for
// `simulate --http`, by a fake provider server told through a request header
// (mocks/fault_header_transport.h); the decision is the same either way.
// Thread-safe (the engine is).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "lib/config/fault_rule.h"
#include "lib/core/clock.h"
#include "lib/core/random.h"
#include "lib/router/hooks.h"
#include "mocks/fault_engine.h"

namespace understudy {

// Builds the Transport that performs one chosen action.
using FaultTransportFactory = std::function<std::shared_ptr<Transport>(const FaultAction&)>;

class FaultHook final : public AttemptHook {
 public:
  // Without `perform`, actions are played in process by a ScriptedTransport on `clock`.
  FaultHook(std::vector<FaultRule> rules, Clock& clock, Random& random,
            FaultTransportFactory perform = {});

  HookVerdict before_attempt(const AttemptInfo& info) override;
  bool empty() const { return engine_.empty(); }

 private:
  FaultEngine engine_;
  Clock& clock_;
  Random& random_;
  FaultTransportFactory perform_;
  TimePoint start_;
};

// The text of the last user message of an OpenAI request ("" if none).
std::string last_user_message(const ChatRequest& request);

}  // namespace understudy
