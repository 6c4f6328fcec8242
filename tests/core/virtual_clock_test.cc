// VirtualClock: direct mode (one thread, timers fire inside sleeps) and cooperative mode
// (participants run one at a time in virtual-time order) (lib/core/virtual_clock.h).
#include "lib/core/virtual_clock.h"

#include <doctest/doctest.h>

#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "lib/core/cancel.h"

using namespace understudy;

namespace {

TimePoint at(std::int64_t ms) { return TimePoint{} + Millis(ms); }
std::int64_t ms_of(TimePoint t) { return millis_between(TimePoint{}, t); }

using Log = std::vector<std::pair<std::int64_t, int>>;  // (virtual ms, participant id)

}  // namespace

// ---- direct mode ----------------------------------------------------------------------

TEST_CASE("virtual clock: starts at the given offset with the 2026 wall time") {
  VirtualClock clock(Millis(5000));
  CHECK(ms_of(clock.now()) == 5000);
  CHECK(clock.wall_now() == VirtualClock::default_wall_start());
  CHECK(VirtualClock::default_wall_start().time_since_epoch() == std::chrono::seconds(1767225600));
}

TEST_CASE("virtual clock: sleep_until advances time exactly to the deadline") {
  VirtualClock clock;
  CHECK(clock.sleep_until(at(500), nullptr) == SleepResult::kReached);
  CHECK(ms_of(clock.now()) == 500);
  CHECK(clock.sleep_for(Millis(1234), nullptr) == SleepResult::kReached);
  CHECK(ms_of(clock.now()) == 1734);
}

TEST_CASE("virtual clock: a deadline in the past returns at once and time never goes back") {
  VirtualClock clock;
  clock.advance(Millis(1000));
  CHECK(clock.sleep_until(at(200), nullptr) == SleepResult::kReached);
  CHECK(ms_of(clock.now()) == 1000);
}

TEST_CASE("virtual clock: wall time moves with virtual time") {
  VirtualClock clock;
  clock.advance(Millis(1500));
  CHECK(clock.wall_now() - VirtualClock::default_wall_start() == Millis(1500));
}

TEST_CASE("virtual clock: timers fire in time order, then in scheduling order") {
  VirtualClock clock;
  Log fired;
  auto record = [&](int id) { return [&, id] { fired.push_back({ms_of(clock.now()), id}); }; };
  clock.schedule_at(at(300), record(1));
  clock.schedule_at(at(100), record(2));
  clock.schedule_at(at(300), record(3));
  clock.schedule_at(at(100), record(4));
  clock.schedule_at(at(200), record(5));
  clock.advance_to(at(1000));
  CHECK(fired == Log{{100, 2}, {100, 4}, {200, 5}, {300, 1}, {300, 3}});
  CHECK(ms_of(clock.now()) == 1000);
}

TEST_CASE("virtual clock: a timer past the deadline waits for a later sleep") {
  VirtualClock clock;
  int fired = 0;
  clock.schedule_at(at(700), [&] { ++fired; });
  clock.advance_to(at(699));
  CHECK(fired == 0);
  clock.advance_to(at(700));
  CHECK(fired == 1);
  clock.advance_to(at(5000));
  CHECK(fired == 1);
}

TEST_CASE("virtual clock: timer ids are distinct and never 0") {
  VirtualClock clock;
  auto a = clock.schedule_at(at(1), [] {});
  auto b = clock.schedule_at(at(1), [] {});
  CHECK(a != 0);
  CHECK(b != 0);
  CHECK(a != b);
}

TEST_CASE("virtual clock: a timer scheduled in the past fires at the current time") {
  VirtualClock clock;
  clock.advance(Millis(500));
  std::int64_t fired_at = -1;
  clock.schedule_at(at(100), [&] { fired_at = ms_of(clock.now()); });
  clock.advance(Millis(0));
  CHECK(fired_at == 500);
}

TEST_CASE("virtual clock: a timer may schedule another timer that fires in the same sleep") {
  VirtualClock clock;
  Log fired;
  clock.schedule_at(at(100), [&] {
    fired.push_back({ms_of(clock.now()), 1});
    clock.schedule_at(clock.now() + Millis(50), [&] { fired.push_back({ms_of(clock.now()), 2}); });
  });
  clock.advance_to(at(1000));
  CHECK(fired == Log{{100, 1}, {150, 2}});
}

TEST_CASE("virtual clock: a timer that cancels the sleeper's token ends the sleep at its time") {
  VirtualClock clock;
  auto token = CancelToken::create();
  int later = 0;
  clock.schedule_at(at(200), [&] { token->cancel(CancelReason::kHeaderTimeout); });
  clock.schedule_at(at(200), [&] { ++later; });
  CHECK(clock.sleep_until(at(30000), token.get()) == SleepResult::kCancelled);
  CHECK(ms_of(clock.now()) == 200);
  CHECK(later == 0);  // the sleep ended right after the cancelling timer
  clock.advance(Millis(0));
  CHECK(later == 1);
}

TEST_CASE("virtual clock: a sleep with an already cancelled token returns at once") {
  VirtualClock clock;
  auto token = CancelToken::create();
  token->cancel(CancelReason::kCallerGone);
  int fired = 0;
  clock.schedule_at(at(10), [&] { ++fired; });
  CHECK(clock.sleep_until(at(100), token.get()) == SleepResult::kCancelled);
  CHECK(ms_of(clock.now()) == 0);
  CHECK(fired == 0);
}

TEST_CASE("virtual clock: cancel_timer forgets a timer; unknown and fired ids are ignored") {
  VirtualClock clock;
  int a = 0, b = 0;
  auto ta = clock.schedule_at(at(100), [&] { ++a; });
  auto tb = clock.schedule_at(at(100), [&] { ++b; });
  clock.cancel_timer(ta);
  clock.cancel_timer(ta);
  clock.cancel_timer(9999);
  clock.advance_to(at(200));
  CHECK(a == 0);
  CHECK(b == 1);
  clock.cancel_timer(tb);  // already fired
  clock.advance_to(at(300));
  CHECK(b == 1);
}

TEST_CASE("virtual clock: sleeping forever with no timers returns cancelled instead of hanging") {
  VirtualClock clock;
  clock.advance(Millis(40));
  CHECK(clock.sleep_until(kForever, nullptr) == SleepResult::kCancelled);
  auto token = CancelToken::create();
  CHECK(clock.sleep_until(kForever, token.get()) == SleepResult::kCancelled);
  CHECK(ms_of(clock.now()) == 40);
}

TEST_CASE("virtual clock: sleeping forever fires every pending timer first") {
  VirtualClock clock;
  int fired = 0;
  clock.schedule_at(at(100), [&] { ++fired; });
  clock.schedule_at(at(900), [&] { ++fired; });
  CHECK(clock.sleep_until(kForever, nullptr) == SleepResult::kCancelled);
  CHECK(fired == 2);
  CHECK(ms_of(clock.now()) == 900);
}

TEST_CASE("virtual clock: sleep_for saturates instead of overflowing") {
  VirtualClock clock;
  clock.advance(Millis(10));
  CHECK(clock.sleep_for(Millis::max(), nullptr) == SleepResult::kCancelled);
  CHECK(ms_of(clock.now()) == 10);
}

// ---- cooperative mode -------------------------------------------------------------------

namespace {

Log run_single_sleeps() {
  VirtualClock clock;
  std::mutex mu;
  Log log;
  const int sleeps[] = {30, 10, 20, 10, 0};
  for (int id = 0; id < 5; ++id) {
    clock.spawn([&, id] {
      CHECK(clock.sleep_for(Millis(sleeps[id]), nullptr) == SleepResult::kReached);
      std::lock_guard<std::mutex> lock(mu);
      log.push_back({ms_of(clock.now()), id});
    });
  }
  clock.run();
  return log;
}

Log run_repeated_sleeps() {
  VirtualClock clock;
  std::mutex mu;
  Log log;
  for (int id = 0; id < 3; ++id) {
    clock.spawn([&, id] {
      for (int step = 0; step < 3; ++step) {
        (void)clock.sleep_for(Millis((id + 1) * 10), nullptr);
        std::lock_guard<std::mutex> lock(mu);
        log.push_back({ms_of(clock.now()), id});
      }
    });
  }
  clock.run();
  return log;
}

}  // namespace

TEST_CASE("virtual clock: participants wake by virtual time, ties in spawn order, every run") {
  Log expected{{0, 4}, {10, 1}, {10, 3}, {20, 2}, {30, 0}};
  for (int run = 0; run < 3; ++run) {
    CAPTURE(run);
    CHECK(run_single_sleeps() == expected);
  }
}

TEST_CASE("virtual clock: repeated sleeps interleave by time, ties by when the sleep began") {
  // At 20 ms participant 1's first sleep (begun at 0) precedes participant 0's second sleep
  // (begun at 10); likewise at 30 ms and 60 ms.
  Log expected{{10, 0}, {20, 1}, {20, 0}, {30, 2}, {30, 0}, {40, 1}, {60, 2}, {60, 1}, {90, 2}};
  for (int run = 0; run < 3; ++run) {
    CAPTURE(run);
    CHECK(run_repeated_sleeps() == expected);
  }
}

TEST_CASE("virtual clock: a participant sleeping forever with nobody to wake it is cancelled") {
  VirtualClock clock;
  SleepResult plain = SleepResult::kReached, with_token = SleepResult::kReached;
  std::int64_t plain_at = -1, token_at = -1;
  auto token = CancelToken::create();
  clock.spawn([&] {
    (void)clock.sleep_for(Millis(5), nullptr);
    plain = clock.sleep_until(kForever, nullptr);
    plain_at = ms_of(clock.now());
  });
  clock.spawn([&] {
    (void)clock.sleep_for(Millis(100), nullptr);
    with_token = clock.sleep_until(kForever, token.get());
    token_at = ms_of(clock.now());
  });
  clock.run();  // must return
  CHECK(plain == SleepResult::kCancelled);
  CHECK(with_token == SleepResult::kCancelled);
  // Nobody is woken while another participant still has an event pending.
  CHECK(plain_at == 100);
  CHECK(token_at == 100);
  CHECK_FALSE(token->cancelled());
}

TEST_CASE("virtual clock: one participant wakes another by cancelling its token") {
  VirtualClock clock;
  auto token = CancelToken::create();
  SleepResult result = SleepResult::kReached;
  std::int64_t woke_at = -1;
  clock.spawn([&] {
    result = clock.sleep_until(kForever, token.get());
    woke_at = ms_of(clock.now());
  });
  clock.spawn([&] {
    (void)clock.sleep_for(Millis(50), nullptr);
    token->cancel(CancelReason::kCallerGone);
    (void)clock.sleep_for(Millis(1000), nullptr);
  });
  clock.run();
  CHECK(result == SleepResult::kCancelled);
  CHECK(woke_at == 50);
  CHECK(ms_of(clock.now()) == 1050);
}

TEST_CASE("virtual clock: timers scheduled by participants fire at their virtual time") {
  VirtualClock clock;
  auto token = CancelToken::create();
  std::int64_t timer_at = -1, plain_timer_at = -1, woke_at = -1;
  SleepResult result = SleepResult::kReached;
  clock.spawn([&] {
    (void)clock.sleep_for(Millis(10), nullptr);
    clock.schedule_at(clock.now() + Millis(20), [&] { plain_timer_at = ms_of(clock.now()); });
    clock.schedule_at(clock.now() + Millis(50), [&] {
      timer_at = ms_of(clock.now());
      token->cancel(CancelReason::kFirstTokenTimeout);
    });
    result = clock.sleep_for(Millis(10000), token.get());
    woke_at = ms_of(clock.now());
  });
  clock.run();
  CHECK(plain_timer_at == 30);
  CHECK(timer_at == 60);
  CHECK(result == SleepResult::kCancelled);
  CHECK(woke_at == 60);
}

TEST_CASE("virtual clock: a cancelled timer never fires in cooperative mode") {
  VirtualClock clock;
  int fired = 0;
  clock.spawn([&] {
    auto id = clock.schedule_at(clock.now() + Millis(20), [&] { ++fired; });
    (void)clock.sleep_for(Millis(10), nullptr);
    clock.cancel_timer(id);
    (void)clock.sleep_for(Millis(100), nullptr);
  });
  clock.run();
  CHECK(fired == 0);
  CHECK(ms_of(clock.now()) == 110);
}

TEST_CASE("virtual clock: timers left after the last participant finished stay unfired") {
  VirtualClock clock;
  int fired = 0;
  clock.spawn([&] { clock.schedule_at(clock.now() + Millis(500), [&] { ++fired; }); });
  clock.run();
  CHECK(fired == 0);
  CHECK(ms_of(clock.now()) == 0);
}

TEST_CASE("virtual clock: a participant may spawn another, which starts at the current time") {
  VirtualClock clock;
  std::int64_t child_started = -1, child_done = -1;
  clock.spawn([&] {
    (void)clock.sleep_for(Millis(10), nullptr);
    clock.spawn([&] {
      child_started = ms_of(clock.now());
      (void)clock.sleep_for(Millis(5), nullptr);
      child_done = ms_of(clock.now());
    });
  });
  clock.run();
  CHECK(child_started == 10);
  CHECK(child_done == 15);
}

TEST_CASE("virtual clock: wall_now moves with virtual time inside participants") {
  VirtualClock clock;
  WallTime seen{};
  clock.spawn([&] {
    (void)clock.sleep_for(Millis(2500), nullptr);
    seen = clock.wall_now();
  });
  clock.run();
  CHECK(seen - VirtualClock::default_wall_start() == Millis(2500));
}

TEST_CASE("virtual clock: participants run one at a time, switching only when they sleep") {
  VirtualClock clock;
  std::string log;  // unsynchronized on purpose: only one participant may run at a time
  for (int id = 0; id < 4; ++id) {
    clock.spawn([&, id] {
      for (int step = 0; step < 5; ++step) {
        log.push_back(static_cast<char>('a' + id));
        for (int i = 0; i < 50; ++i) std::this_thread::yield();
        log.push_back(static_cast<char>('A' + id));
        (void)clock.sleep_for(Millis(id + 1), nullptr);
      }
    });
  }
  clock.run();
  REQUIRE(log.size() == 40);
  for (size_t i = 0; i < log.size(); i += 2) {
    CAPTURE(i);
    CHECK(log[i + 1] == log[i] - 'a' + 'A');
  }
  CHECK(ms_of(clock.now()) == 20);
}

TEST_CASE("virtual clock: destroying a clock with spawned but never run participants returns") {
  bool ran = false;
  {
    VirtualClock clock;
    clock.spawn([&] { ran = true; });
  }
  CHECK_FALSE(ran);
}
