// CancelToken: first reason wins, subscriptions, parent/child, unsubscribe guarantees
// (lib/core/cancel.h).
#include "lib/core/cancel.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

using namespace understudy;

TEST_CASE("cancel: a new token is not cancelled and has no reason") {
  auto t = CancelToken::create();
  CHECK_FALSE(t->cancelled());
  CHECK(t->reason() == CancelReason::kNone);
}

TEST_CASE("cancel: the first cancel wins and fixes the reason") {
  auto t = CancelToken::create();
  CHECK(t->cancel(CancelReason::kDeadline));
  CHECK(t->cancelled());
  CHECK(t->reason() == CancelReason::kDeadline);
  CHECK_FALSE(t->cancel(CancelReason::kCallerGone));
  CHECK(t->reason() == CancelReason::kDeadline);
}

TEST_CASE("cancel: cancelling with kNone still cancels, as aborted") {
  auto t = CancelToken::create();
  CHECK(t->cancel(CancelReason::kNone));
  CHECK(t->cancelled());
  CHECK(t->reason() == CancelReason::kAborted);
}

TEST_CASE("cancel: every reason has a stable name") {
  CHECK(std::string(cancel_reason_name(CancelReason::kNone)) == "none");
  CHECK(std::string(cancel_reason_name(CancelReason::kCallerGone)) == "caller_gone");
  CHECK(std::string(cancel_reason_name(CancelReason::kShutdown)) == "shutdown");
  CHECK(std::string(cancel_reason_name(CancelReason::kDeadline)) == "deadline");
  CHECK(std::string(cancel_reason_name(CancelReason::kHeaderTimeout)) == "header_timeout");
  CHECK(std::string(cancel_reason_name(CancelReason::kFirstTokenTimeout)) == "first_token_timeout");
  CHECK(std::string(cancel_reason_name(CancelReason::kIdleTimeout)) == "idle_timeout");
  CHECK(std::string(cancel_reason_name(CancelReason::kAborted)) == "aborted");
}

TEST_CASE("cancel: subscribers run once, in subscription order, inside cancel()") {
  auto t = CancelToken::create();
  std::string order;
  CancelToken::CallbackId a = t->subscribe([&] { order += "a"; });
  CancelToken::CallbackId b = t->subscribe([&] { order += "b"; });
  CHECK(a != 0);
  CHECK(b != 0);
  CHECK(a != b);
  CHECK(order.empty());
  t->cancel(CancelReason::kShutdown);
  CHECK(order == "ab");
  t->cancel(CancelReason::kShutdown);
  CHECK(order == "ab");
}

TEST_CASE("cancel: subscribing after cancel runs the callback at once and returns id 0") {
  auto t = CancelToken::create();
  t->cancel(CancelReason::kCallerGone);
  int runs = 0;
  CHECK(t->subscribe([&] { ++runs; }) == 0);
  CHECK(runs == 1);
  t->unsubscribe(0);  // ignored
  CHECK(runs == 1);
}

TEST_CASE("cancel: an unsubscribed callback never runs") {
  auto t = CancelToken::create();
  int kept = 0, dropped = 0;
  t->subscribe([&] { ++kept; });
  CancelToken::CallbackId id = t->subscribe([&] { ++dropped; });
  t->unsubscribe(id);
  t->unsubscribe(id);  // twice is harmless
  t->cancel(CancelReason::kAborted);
  CHECK(kept == 1);
  CHECK(dropped == 0);
}

TEST_CASE("cancel: a callback may unsubscribe itself without deadlocking") {
  auto t = CancelToken::create();
  CancelToken::CallbackId self = 0;
  int runs = 0;
  self = t->subscribe([&] {
    ++runs;
    t->unsubscribe(self);
  });
  CHECK(t->cancel(CancelReason::kAborted));
  CHECK(runs == 1);
}

TEST_CASE("cancel: a callback may try to cancel its own token again") {
  auto t = CancelToken::create();
  bool inner = true;
  t->subscribe([&] { inner = t->cancel(CancelReason::kShutdown); });
  CHECK(t->cancel(CancelReason::kDeadline));
  CHECK_FALSE(inner);
  CHECK(t->reason() == CancelReason::kDeadline);
}

TEST_CASE("cancel: CancelSubscription unsubscribes when it goes out of scope") {
  auto t = CancelToken::create();
  int runs = 0;
  {
    CancelSubscription sub(t.get(), [&] { ++runs; });
  }
  t->cancel(CancelReason::kAborted);
  CHECK(runs == 0);

  auto u = CancelToken::create();
  CancelSubscription live(u.get(), [&] { ++runs; });
  u->cancel(CancelReason::kAborted);
  CHECK(runs == 1);

  CancelSubscription none(nullptr, [&] { ++runs; });  // no token: nothing to watch
  CHECK(runs == 1);
}

TEST_CASE("cancel: a child is cancelled with its parent's reason") {
  auto parent = CancelToken::create();
  auto child = parent->child();
  auto grandchild = child->child();
  int child_runs = 0;
  child->subscribe([&] { ++child_runs; });
  CHECK_FALSE(child->cancelled());
  parent->cancel(CancelReason::kShutdown);
  CHECK(child->cancelled());
  CHECK(child->reason() == CancelReason::kShutdown);
  CHECK(grandchild->reason() == CancelReason::kShutdown);
  CHECK(child_runs == 1);
}

TEST_CASE("cancel: cancelling a child leaves the parent alone") {
  auto parent = CancelToken::create();
  auto child = parent->child();
  CHECK(child->cancel(CancelReason::kHeaderTimeout));
  CHECK_FALSE(parent->cancelled());
  parent->cancel(CancelReason::kShutdown);
  CHECK(child->reason() == CancelReason::kHeaderTimeout);
}

TEST_CASE("cancel: a child of a cancelled parent is born cancelled") {
  auto parent = CancelToken::create();
  parent->cancel(CancelReason::kDeadline);
  auto child = parent->child();
  CHECK(child->cancelled());
  CHECK(child->reason() == CancelReason::kDeadline);
}

TEST_CASE("cancel: a child keeps its parent alive") {
  std::weak_ptr<CancelToken> weak_parent;
  std::shared_ptr<CancelToken> child;
  {
    auto parent = CancelToken::create();
    weak_parent = parent;
    child = parent->child();
  }
  CHECK_FALSE(weak_parent.expired());
  child.reset();
  CHECK(weak_parent.expired());
}

TEST_CASE("cancel: unsubscribe waits for the callback running on another thread") {
  // The one real wait in this file: the callback takes ~20 ms so that an unsubscribe that
  // did not wait would return while it is still running.
  auto t = CancelToken::create();
  std::promise<void> entered;
  std::atomic<bool> finished{false};
  CancelToken::CallbackId id = t->subscribe([&] {
    entered.set_value();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    finished = true;
  });
  std::thread canceller([&] { t->cancel(CancelReason::kCallerGone); });
  entered.get_future().wait();
  t->unsubscribe(id);
  CHECK(finished.load());
  canceller.join();
}
