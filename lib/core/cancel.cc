#include "lib/core/cancel.h"

namespace understudy {

const char* cancel_reason_name(CancelReason r) {
  switch (r) {
    case CancelReason::kNone:
      return "none";
    case CancelReason::kCallerGone:
      return "caller_gone";
    case CancelReason::kShutdown:
      return "shutdown";
    case CancelReason::kDeadline:
      return "deadline";
    case CancelReason::kHeaderTimeout:
      return "header_timeout";
    case CancelReason::kFirstTokenTimeout:
      return "first_token_timeout";
    case CancelReason::kIdleTimeout:
      return "idle_timeout";
    case CancelReason::kAborted:
      return "aborted";
  }
  return "none";
}

std::shared_ptr<CancelToken> CancelToken::create() {
  return std::shared_ptr<CancelToken>(new CancelToken());
}

CancelToken::~CancelToken() {
  if (parent_) parent_->unsubscribe(parent_sub_);
}

std::shared_ptr<CancelToken> CancelToken::child() {
  std::shared_ptr<CancelToken> kid = create();
  std::weak_ptr<CancelToken> weak = kid;
  CancelToken* self = this;
  kid->parent_sub_ = subscribe([weak, self] {
    if (auto k = weak.lock()) k->cancel(self->reason());
  });
  kid->parent_ = shared_from_this();
  return kid;
}

bool CancelToken::cancel(CancelReason reason) {
  if (reason == CancelReason::kNone) reason = CancelReason::kAborted;
  CancelReason expected = CancelReason::kNone;
  if (!reason_.compare_exchange_strong(expected, reason, std::memory_order_acq_rel)) {
    return false;
  }
  std::unique_lock<std::mutex> lock(mu_);
  while (!callbacks_.empty()) {
    Entry e = std::move(callbacks_.front());
    callbacks_.erase(callbacks_.begin());
    running_id_ = e.id;
    running_thread_ = std::this_thread::get_id();
    lock.unlock();
    e.fn();
    lock.lock();
    running_id_ = 0;
    done_cv_.notify_all();
  }
  return true;
}

CancelToken::CallbackId CancelToken::subscribe(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!cancelled()) {
      CallbackId id = next_id_++;
      callbacks_.push_back(Entry{id, std::move(fn)});
      return id;
    }
  }
  fn();
  return 0;
}

void CancelToken::unsubscribe(CallbackId id) {
  if (id == 0) return;
  std::unique_lock<std::mutex> lock(mu_);
  for (auto it = callbacks_.begin(); it != callbacks_.end(); ++it) {
    if (it->id == id) {
      callbacks_.erase(it);
      return;
    }
  }
  // Not pending: it ran, or is running now. Wait unless we are that callback's own thread.
  if (running_thread_ == std::this_thread::get_id()) return;
  done_cv_.wait(lock, [&] { return running_id_ != id; });
}

}  // namespace understudy
