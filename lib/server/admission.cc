#include "lib/server/admission.h"

#include <algorithm>

namespace understudy {

Admission::Verdict Admission::acquire(CancelToken* caller) {
  std::unique_lock<std::mutex> lock(mu_);
  if (active_ < limits_.max_concurrent) {
    ++active_;
    return Verdict::kAdmitted;
  }
  if (limits_.drop_excess) return Verdict::kBusy;
  if (static_cast<int>(queue_.size()) >= limits_.max_queue) return Verdict::kQueueFull;
  auto waiter = std::make_shared<Waiter>();
  waiter->wake = caller ? caller->child() : CancelToken::create();
  queue_.push_back(waiter);
  TimePoint deadline = add_saturating(clock_.now(), limits_.queue_timeout);
  lock.unlock();
  (void)clock_.sleep_until(deadline, waiter->wake.get());
  lock.lock();
  // A slot handed over while we were waking up still counts: it is ours to release.
  if (waiter->granted) return Verdict::kAdmitted;
  queue_.erase(std::remove(queue_.begin(), queue_.end(), waiter), queue_.end());
  return caller && caller->cancelled() ? Verdict::kCancelled : Verdict::kQueueTimeout;
}

void Admission::release() {
  std::shared_ptr<Waiter> next;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.empty()) {
      --active_;
      return;
    }
    next = queue_.front();
    queue_.pop_front();
    next->granted = true;  // the slot passes on; active_ is unchanged
  }
  next->wake->cancel(CancelReason::kAborted);
}

int Admission::active() const {
  std::lock_guard<std::mutex> lock(mu_);
  return active_;
}

int Admission::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(queue_.size());
}

const char* admission_verdict_name(Admission::Verdict v) {
  switch (v) {
    case Admission::Verdict::kAdmitted:
      return "admitted";
    case Admission::Verdict::kBusy:
      return "busy";
    case Admission::Verdict::kQueueFull:
      return "queue_full";
    case Admission::Verdict::kQueueTimeout:
      return "queue_timeout";
    case Admission::Verdict::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

}  // namespace understudy
