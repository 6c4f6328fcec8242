#include "lib/core/virtual_clock.h"

#include <pthread.h>

#include "lib/core/cancel.h"

namespace understudy {

struct VirtualClock::SleepState {
  bool cancelled = false;
  bool has_event = false;  // a wake event for this sleep is queued
  bool woken = false;      // the controller has handed the baton back
  EventKey key;
};

struct VirtualClock::Participant {
  std::condition_variable cv;
  bool running = false;  // holds the baton
  bool quit = false;
  std::function<void()> work;
  SleepState* sleep = nullptr;  // set while sleeping
  pthread_t thread{};
  bool started = false;
};

namespace {
thread_local void* tl_clock = nullptr;
thread_local void* tl_participant = nullptr;
constexpr size_t kParticipantStack = 512 * 1024;
}  // namespace

WallTime VirtualClock::default_wall_start() {
  return WallTime(std::chrono::seconds(1767225600));  // 2026-01-01T00:00:00Z
}

VirtualClock::VirtualClock(Millis start, WallTime wall_start)
    : now_(TimePoint{} + start), wall_start_(wall_start - start) {}

VirtualClock::~VirtualClock() {
  std::vector<Participant*> to_join;
  {
    std::lock_guard<std::mutex> lock(mu_);
    quitting_ = true;
    for (auto& p : participants_) {
      p->quit = true;
      p->cv.notify_all();
      if (p->started) to_join.push_back(p.get());
    }
  }
  for (Participant* p : to_join) pthread_join(p->thread, nullptr);
}

TimePoint VirtualClock::now() {
  std::lock_guard<std::mutex> lock(mu_);
  return now_;
}

WallTime VirtualClock::wall_now() {
  std::lock_guard<std::mutex> lock(mu_);
  return wall_start_ + std::chrono::duration_cast<WallTime::duration>(now_.time_since_epoch());
}

VirtualClock::EventKey VirtualClock::push_event_locked(TimePoint when, Event ev) {
  if (when < now_) when = now_;
  EventKey key{when, next_seq_++};
  if (ev.timer) timer_keys_[ev.timer] = key;
  events_.emplace(key, std::move(ev));
  return key;
}

Clock::TimerId VirtualClock::schedule_at(TimePoint when, std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  TimerId id = next_timer_++;
  Event ev;
  ev.timer = id;
  ev.fn = std::move(fn);
  push_event_locked(when, std::move(ev));
  return id;
}

void VirtualClock::cancel_timer(TimerId id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = timer_keys_.find(id);
  if (it == timer_keys_.end()) return;
  events_.erase(it->second);
  timer_keys_.erase(it);
}

SleepResult VirtualClock::sleep_until(TimePoint deadline, CancelToken* cancel) {
  if (cancel && cancel->cancelled()) return SleepResult::kCancelled;
  if (tl_clock == this && tl_participant) {
    return participant_sleep(static_cast<Participant*>(tl_participant), deadline, cancel);
  }
  return direct_sleep(deadline, cancel);
}

SleepResult VirtualClock::direct_sleep(TimePoint deadline, CancelToken* cancel) {
  while (true) {
    std::function<void()> fn;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = events_.begin();
      // Only timers exist in direct mode; participant wakes belong to run().
      while (it != events_.end() && it->second.wake) ++it;
      if (it == events_.end() || it->first.first > deadline) {
        if (deadline == kForever) return SleepResult::kCancelled;  // would never wake
        if (deadline > now_) now_ = deadline;
        return SleepResult::kReached;
      }
      if (it->first.first > now_) now_ = it->first.first;
      fn = std::move(it->second.fn);
      timer_keys_.erase(it->second.timer);
      events_.erase(it);
    }
    fn();
    if (cancel && cancel->cancelled()) return SleepResult::kCancelled;
  }
}

SleepResult VirtualClock::participant_sleep(Participant* p, TimePoint deadline,
                                            CancelToken* cancel) {
  SleepState state;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (deadline != kForever) {
      Event ev;
      ev.wake = p;
      state.key = push_event_locked(deadline, std::move(ev));
      state.has_event = true;
    }
    p->sleep = &state;
  }
  CancelSubscription sub(cancel, [this, p, &state] {
    std::lock_guard<std::mutex> lock(mu_);
    if (state.cancelled || state.woken) return;
    state.cancelled = true;
    if (state.has_event) events_.erase(state.key);
    Event ev;
    ev.wake = p;
    state.key = push_event_locked(now_, std::move(ev));
    state.has_event = true;
  });
  {
    std::unique_lock<std::mutex> lock(mu_);
    p->running = false;
    controller_cv_.notify_all();
    p->cv.wait(lock, [p] { return p->running || p->quit; });
    p->sleep = nullptr;
  }
  sub.reset();
  return state.cancelled ? SleepResult::kCancelled : SleepResult::kReached;
}

void VirtualClock::spawn(std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  Participant* p;
  if (!idle_.empty()) {
    p = idle_.back();
    idle_.pop_back();
  } else {
    participants_.push_back(std::make_unique<Participant>());
    p = participants_.back().get();
  }
  p->work = std::move(fn);
  ++live_;
  if (!p->started) start_worker_locked(p);
  Event ev;
  ev.wake = p;
  push_event_locked(now_, std::move(ev));
}

void VirtualClock::start_worker_locked(Participant* p) {
  struct Start {
    VirtualClock* clock;
    Participant* p;
  };
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kParticipantStack);
  auto* start = new Start{this, p};
  int rc = pthread_create(
      &p->thread, &attr,
      [](void* arg) -> void* {
        auto* s = static_cast<Start*>(arg);
        s->clock->worker_loop(s->p);
        delete s;
        return nullptr;
      },
      start);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    delete start;
    // Without a thread the participant can never run: account it as finished.
    p->work = nullptr;
    --live_;
    idle_.push_back(p);
    return;
  }
  p->started = true;
}

void VirtualClock::worker_loop(Participant* p) {
  tl_clock = this;
  tl_participant = p;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    p->cv.wait(lock, [p] { return p->running || p->quit; });
    if (p->quit) return;
    std::function<void()> work = std::move(p->work);
    p->work = nullptr;
    lock.unlock();
    if (work) work();
    lock.lock();
    --live_;
    idle_.push_back(p);
    p->running = false;
    controller_cv_.notify_all();
  }
}

void VirtualClock::wake_deadlocked_locked() {
  for (auto& up : participants_) {
    Participant* p = up.get();
    if (p->sleep && !p->sleep->has_event && !p->sleep->woken) {
      p->sleep->cancelled = true;
      Event ev;
      ev.wake = p;
      p->sleep->key = push_event_locked(now_, std::move(ev));
      p->sleep->has_event = true;
    }
  }
}

void VirtualClock::run() {
  std::unique_lock<std::mutex> lock(mu_);
  running_ = true;
  while (live_ > 0) {
    if (events_.empty()) {
      // Every live participant sleeps forever: wake them as cancelled rather than hang.
      wake_deadlocked_locked();
      if (events_.empty()) break;  // nothing can ever run again
    }
    auto it = events_.begin();
    if (it->first.first > now_) now_ = it->first.first;
    Event ev = std::move(it->second);
    if (ev.timer) timer_keys_.erase(ev.timer);
    events_.erase(it);
    if (ev.timer) {
      lock.unlock();
      ev.fn();
      lock.lock();
      continue;
    }
    Participant* p = ev.wake;
    if (p->sleep) {
      p->sleep->has_event = false;
      p->sleep->woken = true;
    }
    p->running = true;
    p->cv.notify_all();
    controller_cv_.wait(lock, [p] { return !p->running; });
  }
  running_ = false;
}

}  // namespace understudy
