// RealClock: the Clock of `serve` and `ask`, on std::chrono::steady_clock.
//
// Timers run on one lazily started background thread owned by the clock; the destructor
// stops it and drops unfired timers. Scheduling wakes that thread only when the new timer is
// due before the time it is already sleeping until (every request arms a watchdog timer, so a
// wake-up per schedule would cost a context switch per request), and cancelling never wakes
// it: a cancelled timer's deadline costs at most one spurious wake-up. Thread-safe. One
// process-wide instance is enough (RealClock::shared()), but tests may create their own.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "lib/core/clock.h"

namespace understudy {

class RealClock final : public Clock {
 public:
  RealClock() = default;
  ~RealClock() override;

  static RealClock& shared();

  TimePoint now() override { return std::chrono::steady_clock::now(); }
  WallTime wall_now() override { return std::chrono::system_clock::now(); }
  SleepResult sleep_until(TimePoint deadline, CancelToken* cancel) override;
  TimerId schedule_at(TimePoint when, std::function<void()> fn) override;
  void cancel_timer(TimerId id) override;

 private:
  void timer_loop();

  std::mutex mu_;
  std::condition_variable cv_;
  // Ordered by (when, id) so equal deadlines fire in scheduling order.
  std::map<std::pair<TimePoint, TimerId>, std::function<void()>> timers_;
  std::map<TimerId, TimePoint> when_by_id_;
  TimerId next_id_ = 1;
  // When timer_loop will next look at timers_ by itself: the deadline it sleeps until, max
  // while it waits for a first timer, min while it is running timers (it re-checks after).
  TimePoint wakes_at_ = TimePoint::max();
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace understudy
