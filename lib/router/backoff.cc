#include "lib/router/backoff.h"

#include <algorithm>
#include <cmath>

namespace understudy {

Millis backoff_base(const RetryPolicy& policy, int retry) {
  if (retry < 1) retry = 1;
  double base = static_cast<double>(policy.backoff_initial.count());
  double cap = static_cast<double>(policy.backoff_max.count());
  // 2^(retry-1), but stop doubling once past the cap (no overflow for large retry counts).
  for (int i = 1; i < retry && base < cap; ++i) base *= 2;
  return Millis(static_cast<std::int64_t>(std::min(base, cap)));
}

Millis backoff_delay(const RetryPolicy& policy, int retry, Random& random) {
  double base = static_cast<double>(backoff_base(policy, retry).count());
  double j = std::clamp(policy.jitter, 0.0, 1.0);
  double factor = j > 0 ? random.uniform(1.0 - j, 1.0 + j) : 1.0;
  return Millis(std::max<std::int64_t>(0, std::llround(base * factor)));
}

}  // namespace understudy
