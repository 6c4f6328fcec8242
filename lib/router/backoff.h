// Exponential backoff with seeded jitter (design §5 defaults: 500 ms doubling to 5 s, +-20%).
//
// The delay before retry n (1 = first retry) is min(initial * 2^(n-1), max), multiplied by a
// factor drawn uniformly from [1 - jitter, 1 + jitter]. The Random is the only source of
// variation, so a seed fixes every delay. Pure apart from the draw; thread-safe if the
// Random is.
#pragma once

#include "lib/config/config.h"
#include "lib/core/clock.h"
#include "lib/core/random.h"

namespace understudy {

// The un-jittered delay: min(initial * 2^(retry-1), max). retry < 1 counts as 1.
Millis backoff_base(const RetryPolicy& policy, int retry);

// backoff_base with jitter applied; never negative.
Millis backoff_delay(const RetryPolicy& policy, int retry, Random& random);

}  // namespace understudy
