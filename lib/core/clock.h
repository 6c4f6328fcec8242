// Clock: the time seam. Everything in lib/ that reads the time, sleeps or arms a timer does
// it through a Clock handed in at construction, so that `serve` and `ask` run on real time
// and `simulate` and the tests run the same code on virtual time (design §3).
//
// Implementations: RealClock (real_clock.h) and VirtualClock (virtual_clock.h).
// All methods are thread-safe. Timer callbacks run on a clock-owned context, must be quick
// and must not block; they typically cancel a CancelToken. cancel_timer() does not wait for
// a callback that is already running, so callbacks must own (shared_ptr) what they touch.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace understudy {

class CancelToken;

using Millis = std::chrono::milliseconds;
using TimePoint = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

inline constexpr TimePoint kForever = TimePoint::max();

// Whole milliseconds between two points, saturating instead of overflowing.
std::int64_t millis_between(TimePoint from, TimePoint to);
// t + d, saturating at kForever.
TimePoint add_saturating(TimePoint t, Millis d);

enum class SleepResult { kReached, kCancelled };

class Clock {
 public:
  using TimerId = std::uint64_t;

  virtual ~Clock() = default;

  // Monotonic time; only differences are meaningful.
  virtual TimePoint now() = 0;
  // Calendar time, for HTTP dates and report headers.
  virtual WallTime wall_now() = 0;

  // Blocks until `deadline` or until `cancel` (may be null) is cancelled, whichever comes
  // first. kForever with no cancel token returns kCancelled at once rather than hanging.
  virtual SleepResult sleep_until(TimePoint deadline, CancelToken* cancel) = 0;

  // Runs fn once at `when` (or as soon as possible if `when` has passed). Returns an id
  // for cancel_timer; ids are never 0.
  virtual TimerId schedule_at(TimePoint when, std::function<void()> fn) = 0;
  // Forgets a timer that has not fired; no-op for unknown or fired ids.
  virtual void cancel_timer(TimerId id) = 0;

  SleepResult sleep_for(Millis d, CancelToken* cancel) {
    return sleep_until(add_saturating(now(), d), cancel);
  }
};

}  // namespace understudy
