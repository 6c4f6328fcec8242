#include "lib/core/clock.h"

namespace understudy {

std::int64_t millis_between(TimePoint from, TimePoint to) {
  if (to == kForever) return INT64_MAX;
  return std::chrono::duration_cast<Millis>(to - from).count();
}

TimePoint add_saturating(TimePoint t, Millis d) {
  if (t == kForever) return kForever;
  auto room = std::chrono::duration_cast<Millis>(kForever - t);
  if (d >= room) return kForever;
  return t + d;
}

}  // namespace understudy
