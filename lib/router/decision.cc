#include "lib/router/decision.h"

namespace understudy {

const char* decision_action_name(DecisionAction a) {
  switch (a) {
    case DecisionAction::kRetry:
      return "retry";
    case DecisionAction::kNextKey:
      return "next_key";
    case DecisionAction::kNextTarget:
      return "next_target";
    case DecisionAction::kStop:
      return "stop";
  }
  return "stop";
}

namespace {

Decision next_target(const DecisionInput& in, Decision d = {}) {
  d.action = (in.later_target && in.fallbacks_allowed) ? DecisionAction::kNextTarget
                                                       : DecisionAction::kStop;
  d.wait = Millis(0);
  return d;
}

// Retry the same target if retries remain and the wait fits; otherwise move on.
Decision retry_or_move_on(const DecisionInput& in, Decision d) {
  if (in.retries_used >= in.max_retries) return next_target(in, d);
  Millis wait = in.retry_after.value_or(in.backoff);
  if (wait >= in.remaining) return next_target(in, d);
  if (in.retry_after && in.later_target && in.fallbacks_allowed &&
      *in.retry_after > in.max_hint_wait) {
    return next_target(in, d);
  }
  d.action = DecisionAction::kRetry;
  d.wait = wait;
  return d;
}

}  // namespace

Decision decide(const DecisionInput& in) {
  Decision d;
  switch (in.cls) {
    case FailureClass::kCancelled:
    case FailureClass::kBadRequest:
      return d;  // stop
    case FailureClass::kContentPolicy:
      return in.on_content_policy ? next_target(in) : d;
    case FailureClass::kContextLength:
    case FailureClass::kModelUnavailable:
    case FailureClass::kTimeout:
      return next_target(in);
    case FailureClass::kAuth:
    case FailureClass::kQuota:
      d.key_cooldown = in.key_failure_cooldown;
      if (in.another_key) {
        d.action = DecisionAction::kNextKey;
        return d;
      }
      return next_target(in, d);
    case FailureClass::kRateLimit:
      d.key_cooldown = in.retry_after.value_or(in.rate_limit_cooldown);
      if (in.another_key) {
        d.action = DecisionAction::kNextKey;
        return d;
      }
      return retry_or_move_on(in, d);
    case FailureClass::kOverloaded: {
      Decision r = retry_or_move_on(in, d);
      if (r.action != DecisionAction::kRetry && in.retry_after)
        r.provider_cooldown = in.retry_after;
      return r;
    }
    case FailureClass::kServer:
    case FailureClass::kNetwork:
      return retry_or_move_on(in, d);
  }
  return d;
}

}  // namespace understudy
