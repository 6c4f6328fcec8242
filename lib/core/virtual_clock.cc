#include "lib/core/virtual_clock.h"

#include <sys/mman.h>
#include <ucontext.h>

#include "lib/core/cancel.h"

namespace understudy {

struct VirtualClock::SleepState {
  bool cancelled = false;
  bool has_event = false;  // a wake event for this sleep is queued
  bool woken = false;      // run() has switched back into the participant
  EventKey key;
};

struct VirtualClock::Context {
  ucontext_t uc;
};

struct VirtualClock::Participant {
  Context context;
  void* stack = nullptr;  // mmap'ed, with a guard page at the low end
  bool started = false;   // context made; the fiber is parked in fiber_loop or in a sleep
  bool finished = false;  // the work returned; run() recycles the participant
  std::function<void()> work;
  SleepState* sleep = nullptr;  // set while sleeping
};

namespace {
// The clock and participant of the fiber running on this thread (null outside fibers).
thread_local VirtualClock* tl_clock = nullptr;
thread_local void* tl_participant = nullptr;
constexpr size_t kParticipantStack = 512 * 1024;
constexpr size_t kGuardPage = 4096;

// From a participant's fiber back to run(); returns when run() resumes the fiber, which the
// thread-locals then name again.
void leave_fiber(ucontext_t& fiber, ucontext_t& controller, VirtualClock* clock,
                 void* participant) {
  tl_clock = nullptr;
  tl_participant = nullptr;
  swapcontext(&fiber, &controller);
  tl_clock = clock;
  tl_participant = participant;
}
}  // namespace

WallTime VirtualClock::default_wall_start() {
  return WallTime(std::chrono::seconds(1767225600));  // 2026-01-01T00:00:00Z
}

VirtualClock::VirtualClock(Millis start, WallTime wall_start)
    : controller_(std::make_unique<Context>()),
      now_(TimePoint{} + start),
      wall_start_(wall_start - start) {}

VirtualClock::~VirtualClock() {
  for (auto& p : participants_) {
    if (p->stack) munmap(p->stack, kParticipantStack);
  }
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
  // May run at once (token already cancelled), or later from a timer or another thread.
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
  leave_fiber(p->context.uc, controller_->uc, this, p);  // until our event comes
  {
    std::lock_guard<std::mutex> lock(mu_);
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
  p->finished = false;
  ++live_;
  Event ev;
  ev.wake = p;
  push_event_locked(now_, std::move(ev));
}

void VirtualClock::fiber_entry() {
  VirtualClock* self = tl_clock;
  self->fiber_loop(static_cast<Participant*>(tl_participant));
}

// A participant's whole life: run the work, park, and run the next work it is given. Never
// returns (a fiber that returned would end the thread).
void VirtualClock::fiber_loop(Participant* p) {
  while (true) {
    std::function<void()> work = std::move(p->work);
    p->work = nullptr;
    if (work) work();
    work = nullptr;
    p->finished = true;
    leave_fiber(p->context.uc, controller_->uc, this, p);
  }
}

void VirtualClock::resume(Participant* p) {
  if (!p->started) {
    void* stack = mmap(nullptr, kParticipantStack, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
      p->finished = true;  // without a stack it can never run: account it as finished
      p->work = nullptr;
      return;
    }
    mprotect(stack, kGuardPage, PROT_NONE);  // an overflow faults instead of corrupting
    p->stack = stack;
    getcontext(&p->context.uc);
    p->context.uc.uc_stack.ss_sp = stack;
    p->context.uc.uc_stack.ss_size = kParticipantStack;
    p->context.uc.uc_link = nullptr;
    makecontext(&p->context.uc, &VirtualClock::fiber_entry, 0);
    p->started = true;
  }
  tl_clock = this;
  tl_participant = p;
  swapcontext(&controller_->uc, &p->context.uc);
  tl_clock = nullptr;
  tl_participant = nullptr;
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
    lock.unlock();
    resume(p);
    lock.lock();
    if (p->finished) {
      p->finished = false;
      --live_;
      idle_.push_back(p);
    }
  }
}

}  // namespace understudy
