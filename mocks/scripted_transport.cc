#include "mocks/scripted_transport.h"

namespace understudy {

TransportResult execute_plan(const ResponsePlan& plan, ResponseHandler& handler,
                             CancelToken* cancel, Clock& clock) {
  TransportResult r;
  auto cancelled = [&] {
    r.error = TransportError::kCancelled;
    r.message = "cancelled";
    return r;
  };
  for (const PlanStep& s : plan.steps) {
    if (cancel && cancel->cancelled()) return cancelled();
    switch (s.kind) {
      case PlanStep::Kind::kSleep:
        if (clock.sleep_for(s.delay, cancel) == SleepResult::kCancelled) return cancelled();
        break;
      case PlanStep::Kind::kHead:
        r.head_received = true;
        if (!handler.on_head(ResponseHead{s.status, s.headers})) {
          r.error = TransportError::kAborted;
          return r;
        }
        break;
      case PlanStep::Kind::kData:
        if (!handler.on_body(s.data)) {
          r.error = TransportError::kAborted;
          return r;
        }
        break;
      case PlanStep::Kind::kHang:
        if (clock.sleep_until(kForever, cancel) == SleepResult::kCancelled && cancel &&
            cancel->cancelled()) {
          return cancelled();
        }
        r.error = TransportError::kReadTimeout;  // nothing would ever wake us
        r.message = "the fake provider never answered";
        return r;
      case PlanStep::Kind::kReset:
        r.error = TransportError::kReset;
        r.message = "connection reset by peer";
        return r;
    }
  }
  return r;
}

TransportResult ScriptedTransport::send(const HttpRequest& req, ResponseHandler& handler,
                                        CancelToken* cancel, const TransportOptions&) {
  std::optional<FakeRequest> fr = parse_fake_request(req);
  ResponsePlan plan =
      fr ? plan_response(*fr, action_ ? &*action_ : nullptr, random_) : plan_not_found(req.path);
  return execute_plan(plan, handler, cancel, clock_);
}

}  // namespace understudy
