// The retry/fallback decision (lib/router/decision.h) as an exhaustive table.
#include "lib/router/decision.h"

#include <doctest/doctest.h>

#include <vector>

using namespace understudy;

namespace {

using A = DecisionAction;
using C = FailureClass;

struct Row {
  C cls;
  bool another_key;
  bool later;
  bool retries_left;
  std::optional<int> hint_ms;  // Retry-After
  A expected;
  int wait_ms;
};

DecisionInput input(const Row& r) {
  DecisionInput in;
  in.cls = r.cls;
  in.another_key = r.another_key;
  in.later_target = r.later;
  in.retries_used = r.retries_left ? 0 : 2;
  in.max_retries = 2;
  if (r.hint_ms) in.retry_after = Millis(*r.hint_ms);
  in.backoff = Millis(500);
  in.max_hint_wait = Millis(5000);
  in.remaining = Millis(60000);
  return in;
}

}  // namespace

TEST_CASE("decision: the table of design §5, row by row") {
  const std::vector<Row> rows = {
      // class              key    later  retries hint     expected           wait
      {C::kCancelled, true, true, true, {}, A::kStop, 0},
      {C::kBadRequest, true, true, true, {}, A::kStop, 0},
      {C::kContentPolicy, true, true, true, {}, A::kStop, 0},
      {C::kContextLength, true, true, true, {}, A::kNextTarget, 0},
      {C::kContextLength, true, false, true, {}, A::kStop, 0},
      {C::kModelUnavailable, true, true, true, {}, A::kNextTarget, 0},
      {C::kTimeout, true, true, true, {}, A::kNextTarget, 0},
      {C::kTimeout, false, false, true, {}, A::kStop, 0},
      {C::kAuth, true, true, true, {}, A::kNextKey, 0},
      {C::kAuth, false, true, true, {}, A::kNextTarget, 0},
      {C::kAuth, false, false, true, {}, A::kStop, 0},
      {C::kQuota, true, true, true, {}, A::kNextKey, 0},
      {C::kQuota, false, true, true, {}, A::kNextTarget, 0},
      {C::kRateLimit, true, true, true, 1000, A::kNextKey, 0},
      {C::kRateLimit, false, true, true, 1000, A::kRetry, 1000},
      {C::kRateLimit, false, true, true, {}, A::kRetry, 500},
      {C::kRateLimit, false, true, true, 30000, A::kNextTarget, 0},
      {C::kRateLimit, false, false, true, 30000, A::kRetry, 30000},
      {C::kRateLimit, false, false, true, 90000, A::kStop, 0},
      {C::kRateLimit, false, true, false, 1000, A::kNextTarget, 0},
      {C::kOverloaded, true, true, true, {}, A::kRetry, 500},
      {C::kOverloaded, false, true, false, {}, A::kNextTarget, 0},
      {C::kServer, true, true, true, {}, A::kRetry, 500},
      {C::kServer, true, true, true, 2000, A::kRetry, 2000},
      {C::kServer, false, false, false, {}, A::kStop, 0},
      {C::kNetwork, false, true, true, {}, A::kRetry, 500},
      {C::kNetwork, false, true, false, {}, A::kNextTarget, 0},
  };
  for (const Row& r : rows) {
    CAPTURE(failure_class_name(r.cls));
    CAPTURE(r.another_key);
    CAPTURE(r.later);
    CAPTURE(r.retries_left);
    CAPTURE(r.hint_ms.value_or(-1));
    Decision d = decide(input(r));
    CHECK(decision_action_name(d.action) == std::string(decision_action_name(r.expected)));
    CHECK(d.wait.count() == r.wait_ms);
  }
}

TEST_CASE("decision: invariants hold over the whole input space") {
  for (C cls : kAllFailureClasses) {
    for (int mask = 0; mask < 64; ++mask) {
      for (int hint : {-1, 0, 1000, 6000, 59000, 61000}) {
        for (int remaining : {0, 400, 60000}) {
          DecisionInput in;
          in.cls = cls;
          in.another_key = mask & 1;
          in.later_target = mask & 2;
          in.fallbacks_allowed = mask & 4;
          in.on_content_policy = mask & 8;
          in.retries_used = (mask & 16) ? 2 : 0;
          in.max_retries = (mask & 32) ? 0 : 2;
          if (hint >= 0) in.retry_after = Millis(hint);
          in.remaining = Millis(remaining);
          Decision d = decide(in);
          CAPTURE(failure_class_name(cls));
          CAPTURE(mask);
          CAPTURE(hint);
          CAPTURE(remaining);
          // Never a later target that does not exist or was forbidden.
          if (!in.later_target || !in.fallbacks_allowed) CHECK(d.action != A::kNextTarget);
          // Retries are bounded and always fit in the deadline.
          if (d.action == A::kRetry) {
            CHECK(in.retries_used < in.max_retries);
            CHECK(d.wait < in.remaining);
            CHECK(d.wait.count() >= 0);
          }
          // Only key failures switch keys, and only when another key exists.
          if (d.action == A::kNextKey) {
            CHECK(in.another_key);
            CHECK((cls == C::kAuth || cls == C::kQuota || cls == C::kRateLimit));
          }
          // The caller's own mistakes and cancellations never go anywhere else.
          if (cls == C::kBadRequest || cls == C::kCancelled) CHECK(d.action == A::kStop);
          if (cls == C::kContentPolicy && !in.on_content_policy) CHECK(d.action == A::kStop);
          // A silent route, a missing model and an overflow are never retried as-is.
          if (cls == C::kTimeout || cls == C::kModelUnavailable || cls == C::kContextLength ||
              cls == C::kAuth || cls == C::kQuota) {
            CHECK(d.action != A::kRetry);
          }
          // Rate limits and key failures always cool the key down.
          if (cls == C::kRateLimit || cls == C::kAuth || cls == C::kQuota) CHECK(d.key_cooldown);
        }
      }
    }
  }
}

TEST_CASE("decision: a rate limit cools the key for the hint, or the configured default") {
  DecisionInput in;
  in.cls = C::kRateLimit;
  in.later_target = true;
  in.retry_after = Millis(30000);
  CHECK(decide(in).key_cooldown == Millis(30000));
  in.retry_after.reset();
  in.rate_limit_cooldown = Millis(7000);
  CHECK(decide(in).key_cooldown == Millis(7000));
}

TEST_CASE("decision: an overloaded provider with a hint cools down when we move on") {
  DecisionInput in;
  in.cls = C::kOverloaded;
  in.later_target = true;
  in.retries_used = 2;
  in.retry_after = Millis(20000);
  Decision d = decide(in);
  CHECK(d.action == A::kNextTarget);
  CHECK(d.provider_cooldown == Millis(20000));
}
