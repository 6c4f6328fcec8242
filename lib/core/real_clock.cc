#include "lib/core/real_clock.h"

#include "lib/core/cancel.h"

namespace understudy {

RealClock::~RealClock() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

RealClock& RealClock::shared() {
  // Leaked on purpose: timers may still be armed by detached work at exit.
  static RealClock* clock = new RealClock();
  return *clock;
}

SleepResult RealClock::sleep_until(TimePoint deadline, CancelToken* cancel) {
  if (deadline == kForever && cancel == nullptr) return SleepResult::kCancelled;
  std::mutex m;
  std::condition_variable cv;
  bool woken = false;
  CancelSubscription sub(cancel, [&] {
    std::lock_guard<std::mutex> lock(m);
    woken = true;
    cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(m);
  if (deadline == kForever) {
    cv.wait(lock, [&] { return woken; });
  } else {
    cv.wait_until(lock, deadline, [&] { return woken; });
  }
  return woken ? SleepResult::kCancelled : SleepResult::kReached;
}

Clock::TimerId RealClock::schedule_at(TimePoint when, std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  TimerId id = next_id_++;
  timers_.emplace(std::make_pair(when, id), std::move(fn));
  when_by_id_[id] = when;
  if (!thread_.joinable()) thread_ = std::thread([this] { timer_loop(); });
  if (when < wakes_at_) cv_.notify_all();
  return id;
}

void RealClock::cancel_timer(TimerId id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = when_by_id_.find(id);
  if (it == when_by_id_.end()) return;
  timers_.erase(std::make_pair(it->second, id));
  when_by_id_.erase(it);
}

void RealClock::timer_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (timers_.empty()) {
      wakes_at_ = TimePoint::max();
      cv_.wait(lock);
      continue;
    }
    auto first = timers_.begin();
    TimePoint when = first->first.first;
    if (std::chrono::steady_clock::now() < when) {
      wakes_at_ = when;
      cv_.wait_until(lock, when);
      continue;
    }
    wakes_at_ = TimePoint::min();
    std::function<void()> fn = std::move(first->second);
    when_by_id_.erase(first->first.second);
    timers_.erase(first);
    lock.unlock();
    fn();
    lock.lock();
  }
}

}  // namespace understudy
