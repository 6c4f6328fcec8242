// FaultHook: the `[[faults]]` hook (design §5 "Plugins/hooks", issue item 7). Before each
// attempt it asks the FaultEngine whether a rule fires for (provider, model, try number,
// request index, time since start, last user message, stream); if so it answers the attempt
// with a ScriptedTransport playing the chosen action in the target's own wire format. The
// reply then goes through the adapter's parsing and classification and the router's retry
// logic like any real reply — streaming requests included — which is exactly what
// Bifrost's mocker does not do. A rule with allow_fallbacks = false forbids fallbacks.
// Thread-safe (the engine is).
#pragma once

#include <vector>

#include "lib/config/fault_rule.h"
#include "lib/core/clock.h"
#include "lib/core/random.h"
#include "lib/router/hooks.h"
#include "mocks/fault_engine.h"

namespace understudy {

class FaultHook final : public AttemptHook {
 public:
  FaultHook(std::vector<FaultRule> rules, Clock& clock, Random& random);

  HookVerdict before_attempt(const AttemptInfo& info) override;
  bool empty() const { return engine_.empty(); }

 private:
  FaultEngine engine_;
  Clock& clock_;
  Random& random_;
  TimePoint start_;
};

// The text of the last user message of an OpenAI request ("" if none).
std::string last_user_message(const ChatRequest& request);

}  // namespace understudy
