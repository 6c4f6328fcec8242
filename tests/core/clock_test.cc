// Saturating time arithmetic shared by every Clock (lib/core/clock.h).
#include "lib/core/clock.h"

#include <doctest/doctest.h>

#include <climits>

using namespace understudy;

TEST_CASE("clock: millis_between counts whole milliseconds, either direction") {
  TimePoint t0{};
  CHECK(millis_between(t0, t0 + Millis(1500)) == 1500);
  CHECK(millis_between(t0 + Millis(1500), t0) == -1500);
  CHECK(millis_between(t0, t0 + std::chrono::microseconds(2999)) == 2);
  CHECK(millis_between(t0, t0) == 0);
}

TEST_CASE("clock: the distance to kForever saturates instead of overflowing") {
  CHECK(millis_between(TimePoint{}, kForever) == INT64_MAX);
  CHECK(millis_between(TimePoint{} + Millis(5), kForever) == INT64_MAX);
}

TEST_CASE("clock: add_saturating adds, and stops at kForever") {
  TimePoint t0{};
  CHECK(add_saturating(t0, Millis(250)) == t0 + Millis(250));
  CHECK(add_saturating(t0, Millis(0)) == t0);
  CHECK(add_saturating(kForever, Millis(1)) == kForever);
  CHECK(add_saturating(t0, Millis::max()) == kForever);
  CHECK(add_saturating(kForever - Millis(10), Millis(10)) == kForever);
  TimePoint near_end = kForever - Millis(10);
  CHECK(add_saturating(near_end, Millis(5)) == near_end + Millis(5));
}
