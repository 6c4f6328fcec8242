// VirtualClock: deterministic virtual time for `simulate` and the tests.
//
// Nothing really sleeps: time jumps straight to the next event. Two ways to use it:
//
//  * Direct mode (unit tests, one thread): call sleep_until / advance_to from the only
//    thread that uses the clock. Due timers fire in (time, scheduling order), inside the
//    sleeping call; a timer that cancels the sleeper's token ends the sleep at its time.
//
//  * Cooperative mode (simulate): spawn() any number of participants, then run() from a
//    controlling thread. Participants are fibers (each with its own 512 KiB stack) that
//    run on the run() thread, exactly one at a time, and the next one is always the
//    earliest event by (virtual time, sequence number), so a given seed and input always
//    give the same interleaving and the same result. Switching between them costs no
//    kernel context switch, which is what makes 10,000 simulated requests take well under
//    a second. Participants must only block through this clock (sleep_until); code that
//    waits on another participant by other means (a mutex held across a sleep, a
//    condition variable) would stall the run. If every live participant sleeps with no
//    event pending, run() wakes them as cancelled instead of hanging. A participant still
//    suspended when the clock is destroyed is never resumed (its stack frames are dropped).
//
// Thread-safe in both modes under those rules. Timer callbacks run without internal
// locks held and may cancel tokens, schedule timers or spawn participants.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "lib/core/clock.h"

namespace understudy {

class VirtualClock final : public Clock {
 public:
  // Virtual time starts at TimePoint{} + start; wall time starts at `wall_start`
  // (default 2026-01-01T00:00:00Z) and moves with it.
  explicit VirtualClock(Millis start = Millis(0), WallTime wall_start = default_wall_start());
  ~VirtualClock() override;

  static WallTime default_wall_start();

  TimePoint now() override;
  WallTime wall_now() override;
  SleepResult sleep_until(TimePoint deadline, CancelToken* cancel) override;
  TimerId schedule_at(TimePoint when, std::function<void()> fn) override;
  void cancel_timer(TimerId id) override;

  // Direct mode helpers: fire due timers and move time forward.
  void advance_to(TimePoint t) { (void)sleep_until(t, nullptr); }
  void advance(Millis d) { advance_to(add_saturating(now(), d)); }

  // Cooperative mode: registers fn as a participant, runnable at the current virtual time.
  // May be called before run() or by a running participant or timer.
  void spawn(std::function<void()> fn);
  // Runs participants and timers until every participant has finished. Timers scheduled
  // after the last participant finished are left unfired. Not reentrant.
  void run();

 private:
  struct Participant;
  struct SleepState;
  struct Context;  // a saved execution context (ucontext), kept out of this header
  struct Event {
    TimerId timer = 0;            // non-zero: a timer
    std::function<void()> fn;     // the timer's callback
    Participant* wake = nullptr;  // non-null: resume this participant
  };
  using EventKey = std::pair<TimePoint, std::uint64_t>;

  EventKey push_event_locked(TimePoint when, Event ev);
  SleepResult direct_sleep(TimePoint deadline, CancelToken* cancel);
  SleepResult participant_sleep(Participant* p, TimePoint deadline, CancelToken* cancel);
  static void fiber_entry();
  void fiber_loop(Participant* p);
  void resume(Participant* p);  // run() thread: switch into p until it sleeps or finishes
  void wake_deadlocked_locked();

  std::mutex mu_;
  std::unique_ptr<Context> controller_;  // where a participant switches back to
  TimePoint now_;
  WallTime wall_start_;
  std::uint64_t next_seq_ = 1;
  TimerId next_timer_ = 1;
  std::map<EventKey, Event> events_;
  std::map<TimerId, EventKey> timer_keys_;
  std::vector<std::unique_ptr<Participant>> participants_;
  std::vector<Participant*> idle_;
  int live_ = 0;  // spawned and not finished
};

}  // namespace understudy
