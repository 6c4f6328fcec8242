// RealClock: timers and sleeps on steady_clock (lib/core/real_clock.h). The only tests of
// lib/core that really wait; every wait is a few milliseconds and bounded.
#include "lib/core/real_clock.h"

#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <string>
#include <thread>

#include "lib/core/cancel.h"

using namespace understudy;

namespace {

constexpr auto kBound = std::chrono::seconds(2);  // generous bound for a loaded machine

}  // namespace

TEST_CASE("real clock: a short timer fires, not before its time") {
  RealClock clock;
  std::promise<TimePoint> fired;
  TimePoint when = clock.now() + Millis(10);
  auto id = clock.schedule_at(when, [&] { fired.set_value(std::chrono::steady_clock::now()); });
  CHECK(id != 0);
  auto f = fired.get_future();
  REQUIRE(f.wait_for(kBound) == std::future_status::ready);
  CHECK(f.get() >= when);
}

TEST_CASE("real clock: timers with equal deadlines fire in scheduling order") {
  RealClock clock;
  std::string order;
  std::promise<void> done;
  TimePoint when = clock.now() + Millis(5);
  clock.schedule_at(when, [&] { order += "a"; });
  clock.schedule_at(when, [&] { order += "b"; });
  clock.schedule_at(when, [&] {
    order += "c";
    done.set_value();
  });
  REQUIRE(done.get_future().wait_for(kBound) == std::future_status::ready);
  CHECK(order == "abc");
}

TEST_CASE("real clock: cancel_timer prevents a timer from firing") {
  RealClock clock;
  std::atomic<bool> cancelled_fired{false};
  std::promise<void> later;
  TimePoint now = clock.now();
  auto id = clock.schedule_at(now + Millis(30), [&] { cancelled_fired = true; });
  clock.schedule_at(now + Millis(35), [&] { later.set_value(); });
  clock.cancel_timer(id);
  clock.cancel_timer(id);
  clock.cancel_timer(424242);
  // Timers fire in deadline order, so once the later one ran the cancelled one would have.
  REQUIRE(later.get_future().wait_for(kBound) == std::future_status::ready);
  CHECK_FALSE(cancelled_fired.load());
}

TEST_CASE("real clock: a timer due before the one the timer thread sleeps for fires on time") {
  // The thread is woken only for a timer earlier than its current sleep: this is that case.
  RealClock clock;
  std::promise<TimePoint> early;
  clock.schedule_at(clock.now() + std::chrono::seconds(60), [] {});
  std::this_thread::sleep_for(Millis(5));  // the timer thread now sleeps for the 60 s timer
  TimePoint when = clock.now() + Millis(10);
  clock.schedule_at(when, [&] { early.set_value(std::chrono::steady_clock::now()); });
  auto f = early.get_future();
  REQUIRE(f.wait_for(kBound) == std::future_status::ready);
  CHECK(f.get() >= when);
}

TEST_CASE("real clock: a timer scheduled after the earliest one was cancelled still fires") {
  // Cancelling does not wake the timer thread; it wakes at the cancelled deadline, finds the
  // later timer and sleeps again until that one.
  RealClock clock;
  std::promise<void> fired;
  auto first = clock.schedule_at(clock.now() + Millis(20), [] {});
  std::this_thread::sleep_for(Millis(5));
  clock.cancel_timer(first);
  clock.schedule_at(clock.now() + Millis(40), [&] { fired.set_value(); });
  CHECK(fired.get_future().wait_for(kBound) == std::future_status::ready);
}

TEST_CASE("real clock: sleep_until reaches a near deadline") {
  RealClock clock;
  TimePoint start = clock.now();
  CHECK(clock.sleep_for(Millis(5), nullptr) == SleepResult::kReached);
  CHECK(clock.now() - start >= Millis(5));
}

TEST_CASE("real clock: a sleep is woken early by its cancel token") {
  RealClock clock;
  auto token = CancelToken::create();
  TimePoint start = clock.now();
  clock.schedule_at(start + Millis(10), [token] { token->cancel(CancelReason::kDeadline); });
  CHECK(clock.sleep_for(Millis(30000), token.get()) == SleepResult::kCancelled);
  auto waited = clock.now() - start;
  CHECK(waited >= Millis(10));
  CHECK(waited < kBound);
}

TEST_CASE("real clock: a sleep forever ends when the token is cancelled") {
  RealClock clock;
  auto token = CancelToken::create();
  clock.schedule_at(clock.now() + Millis(5), [token] { token->cancel(CancelReason::kShutdown); });
  CHECK(clock.sleep_until(kForever, token.get()) == SleepResult::kCancelled);
}

TEST_CASE("real clock: a cancelled token or a token-less forever sleep returns at once") {
  RealClock clock;
  auto token = CancelToken::create();
  token->cancel(CancelReason::kCallerGone);
  TimePoint start = clock.now();
  CHECK(clock.sleep_for(Millis(30000), token.get()) == SleepResult::kCancelled);
  CHECK(clock.sleep_until(kForever, nullptr) == SleepResult::kCancelled);
  CHECK(clock.now() - start < kBound);
}

TEST_CASE("real clock: destroying a clock drops unfired timers without waiting for them") {
  std::atomic<bool> fired{false};
  TimePoint start = std::chrono::steady_clock::now();
  {
    RealClock clock;
    clock.schedule_at(clock.now() + std::chrono::hours(1), [&] { fired = true; });
  }
  CHECK_FALSE(fired.load());
  CHECK(std::chrono::steady_clock::now() - start < kBound);
}
