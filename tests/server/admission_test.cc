#include "lib/server/admission.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "lib/core/real_clock.h"
#include "lib/core/virtual_clock.h"

using namespace understudy;

namespace {

// Spins (yielding) until `pred` holds or about two seconds of yields pass.
template <typename Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 2000000 && !pred(); ++i) std::this_thread::yield();
  return pred();
}

}  // namespace

TEST_CASE("admission: admits up to max_concurrent at once") {
  VirtualClock clock;
  Admission a({2, 0, false, Millis(1000)}, clock);
  CHECK(a.acquire(nullptr) == Admission::Verdict::kAdmitted);
  CHECK(a.acquire(nullptr) == Admission::Verdict::kAdmitted);
  CHECK(a.active() == 2);
  CHECK(a.acquire(nullptr) == Admission::Verdict::kQueueFull);  // max_queue = 0
  a.release();
  CHECK(a.active() == 1);
  CHECK(a.acquire(nullptr) == Admission::Verdict::kAdmitted);
}

TEST_CASE("admission: drop_excess refuses at once instead of queueing") {
  VirtualClock clock;
  Admission a({1, 100, true, Millis(1000)}, clock);
  REQUIRE(a.acquire(nullptr) == Admission::Verdict::kAdmitted);
  TimePoint before = clock.now();
  CHECK(a.acquire(nullptr) == Admission::Verdict::kBusy);
  CHECK(clock.now() == before);
  CHECK(a.queued() == 0);
}

TEST_CASE("admission: a queued request times out after queue_timeout") {
  VirtualClock clock;
  Admission a({1, 5, false, Millis(2500)}, clock);
  REQUIRE(a.acquire(nullptr) == Admission::Verdict::kAdmitted);
  TimePoint before = clock.now();
  CHECK(a.acquire(nullptr) == Admission::Verdict::kQueueTimeout);
  CHECK(millis_between(before, clock.now()) == 2500);
  CHECK(a.queued() == 0);
  CHECK(a.active() == 1);
}

TEST_CASE("admission: a released slot goes to the oldest waiter") {
  RealClock clock;
  Admission a({1, 5, false, Millis(20000)}, clock);
  REQUIRE(a.acquire(nullptr) == Admission::Verdict::kAdmitted);
  std::atomic<int> first{-1}, second{-1};
  std::thread t1([&] { first = static_cast<int>(a.acquire(nullptr)); });
  REQUIRE(eventually([&] { return a.queued() == 1; }));
  std::thread t2([&] { second = static_cast<int>(a.acquire(nullptr)); });
  REQUIRE(eventually([&] { return a.queued() == 2; }));
  a.release();
  REQUIRE(eventually([&] { return first.load() >= 0; }));
  CHECK(first == static_cast<int>(Admission::Verdict::kAdmitted));
  CHECK(second == -1);
  CHECK(a.active() == 1);
  a.release();
  t1.join();
  t2.join();
  CHECK(second == static_cast<int>(Admission::Verdict::kAdmitted));
  a.release();
  CHECK(a.active() == 0);
}

TEST_CASE("admission: a caller that goes away stops waiting at once") {
  RealClock clock;
  Admission a({1, 5, false, Millis(20000)}, clock);
  REQUIRE(a.acquire(nullptr) == Admission::Verdict::kAdmitted);
  auto caller = CancelToken::create();
  std::atomic<int> verdict{-1};
  std::thread t([&] { verdict = static_cast<int>(a.acquire(caller.get())); });
  REQUIRE(eventually([&] { return a.queued() == 1; }));
  caller->cancel(CancelReason::kCallerGone);
  t.join();
  CHECK(verdict == static_cast<int>(Admission::Verdict::kCancelled));
  CHECK(a.queued() == 0);
  CHECK(a.active() == 1);
}

TEST_CASE("admission: a ticket releases its slot once") {
  VirtualClock clock;
  Admission a({1, 0, false, Millis(10)}, clock);
  REQUIRE(a.acquire(nullptr) == Admission::Verdict::kAdmitted);
  {
    AdmissionTicket t(&a);
    AdmissionTicket moved = std::move(t);
    CHECK(a.active() == 1);
  }
  CHECK(a.active() == 0);
}
