#include "lib/router/watchdog.h"

#include <mutex>

namespace understudy {

struct AttemptWatchdog::State : std::enable_shared_from_this<State> {
  std::mutex mu;
  Clock* clock = nullptr;
  std::shared_ptr<CancelToken> token;
  WatchdogLimits limits;
  TimePoint start{};
  TimePoint last_activity{};
  bool head = false;
  bool content = false;
  bool done = false;
  Clock::TimerId timer = 0;
  TimePoint armed_at = kForever;

  // The earliest limit and the reason it would fire with. Caller holds mu.
  std::pair<TimePoint, CancelReason> due() const {
    std::pair<TimePoint, CancelReason> d{limits.request_deadline, CancelReason::kDeadline};
    auto consider = [&](TimePoint t, CancelReason r) {
      if (t < d.first) d = {t, r};
    };
    if (!head) consider(limits.head_deadline, CancelReason::kHeaderTimeout);
    if (!content && limits.first_token) {
      consider(add_saturating(start, *limits.first_token), CancelReason::kFirstTokenTimeout);
    }
    if (head) consider(add_saturating(last_activity, limits.idle), CancelReason::kIdleTimeout);
    return d;
  }

  void arm_locked() {
    TimePoint when = due().first;
    armed_at = when;
    if (when == kForever) return;
    std::weak_ptr<State> weak = shared_from_this();
    timer = clock->schedule_at(when, [weak] {
      if (auto s = weak.lock()) s->fire();
    });
  }

  void fire() {
    std::lock_guard<std::mutex> lock(mu);
    if (done) return;
    auto [when, reason] = due();
    if (clock->now() >= when) {
      done = true;
      token->cancel(reason);  // under mu, so the destructor cannot race past us
      return;
    }
    arm_locked();
  }
};

AttemptWatchdog::AttemptWatchdog(Clock& clock, std::shared_ptr<CancelToken> token,
                                 WatchdogLimits limits)
    : state_(std::make_shared<State>()) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->clock = &clock;
  state_->token = std::move(token);
  state_->limits = limits;
  state_->start = clock.now();
  state_->last_activity = state_->start;
  state_->arm_locked();
}

AttemptWatchdog::~AttemptWatchdog() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->done = true;
  state_->clock->cancel_timer(state_->timer);
}

void AttemptWatchdog::on_head() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->head = true;
  state_->last_activity = state_->clock->now();
  // The idle limit may fall before the header deadline the timer was armed for.
  if (!state_->done && state_->due().first < state_->armed_at) {
    state_->clock->cancel_timer(state_->timer);
    state_->arm_locked();
  }
}

void AttemptWatchdog::on_bytes() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->last_activity = state_->clock->now();
}

void AttemptWatchdog::on_content() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->content = true;
  state_->last_activity = state_->clock->now();
}

}  // namespace understudy
