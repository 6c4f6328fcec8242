// ScriptedTransport: an in-process fake provider behind the Transport seam. It answers
// each request in the wire format its path names (OpenAI, Anthropic or Gemini), healthy
// by default or as the given FaultAction says, executing the ResponsePlan on the Clock it
// was given: virtual time in `simulate` and the tests, real time for `serve --demo` and
// `type = "mock"` providers. Cancellation interrupts any sleep or hang at once.
// Thread-safe: it keeps no per-request state.
#pragma once

#include <optional>

#include "lib/config/fault_rule.h"
#include "lib/core/clock.h"
#include "lib/core/random.h"
#include "lib/transport/transport.h"
#include "mocks/response_plan.h"

namespace understudy {

class ScriptedTransport final : public Transport {
 public:
  ScriptedTransport(Clock& clock, Random& random, std::optional<FaultAction> action = std::nullopt)
      : clock_(clock), random_(random), action_(std::move(action)) {}

  TransportResult send(const HttpRequest& req, ResponseHandler& handler, CancelToken* cancel,
                       const TransportOptions& options) override;

 private:
  Clock& clock_;
  Random& random_;
  std::optional<FaultAction> action_;
};

// Runs a plan against a handler on `clock`. Exposed for tests.
TransportResult execute_plan(const ResponsePlan& plan, ResponseHandler& handler,
                             CancelToken* cancel, Clock& clock);

}  // namespace understudy
