// The retry/fallback decision (design §5) as a pure function of the failure class, the
// state of the attempt, and policy. Tests cover it as an exhaustive table
// (tests/router/decision_test.cc); the router only carries the decision out.
//
// Summary of the table:
//   cancelled, bad_request          -> stop
//   content_policy                  -> next target if on_content_policy, else stop
//   context_length, model_unavail.  -> next target
//   timeout                         -> next target (a silent route is not retried)
//   auth, quota                     -> next untried key of the provider, else next target;
//                                      the key cools down for key_failure_cooldown
//   rate_limit                      -> next untried key; else retry the same key after the
//                                      hint (or backoff) if retries remain and the wait fits;
//                                      else next target. The key cools down for the hint
//                                      (or rate_limit_cooldown).
//   overloaded, server, network     -> retry after the hint (or backoff) if retries remain
//                                      and the wait fits; else next target. An overloaded
//                                      provider with a hint cools down when we move on.
// "Next target" becomes stop when there is no later target or a hook forbade fallbacks.
// "The wait fits" means it ends before the deadline and, when a later target exists, the
// provider's hint is no longer than max_hint_wait (we would rather fall back than idle).
#pragma once

#include <optional>
#include <string>

#include "lib/core/clock.h"
#include "lib/core/failure.h"

namespace understudy {

struct DecisionInput {
  FailureClass cls = FailureClass::kServer;
  int retries_used = 0;  // retries already made on this target
  int max_retries = 2;
  bool another_key = false;           // a usable key of this provider not yet failed here
  bool later_target = false;          // the chain has a target after this one
  bool fallbacks_allowed = true;      // no hook forbade fallbacks
  bool on_content_policy = false;     // config: fall back after a content-policy refusal
  std::optional<Millis> retry_after;  // the provider's hint
  Millis backoff{500};                // the jittered delay for the next retry
  Millis max_hint_wait{5000};         // longest hint worth waiting for if a later target exists
  Millis remaining{120000};           // time left before the request deadline
  Millis rate_limit_cooldown{5000};
  Millis key_failure_cooldown{60000};
};

enum class DecisionAction { kRetry, kNextKey, kNextTarget, kStop };
const char* decision_action_name(DecisionAction a);

struct Decision {
  DecisionAction action = DecisionAction::kStop;
  Millis wait{0};                           // kRetry: sleep this long first
  std::optional<Millis> key_cooldown;       // cool the key that failed for this long
  std::optional<Millis> provider_cooldown;  // cool the whole provider for this long
  bool operator==(const Decision&) const = default;
};

Decision decide(const DecisionInput& in);

}  // namespace understudy
