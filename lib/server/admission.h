// Admission: the gateway's limit on chat requests routed at once (server.max_concurrent),
// with a bounded FIFO queue behind it (server.max_queue, each waiting at most
// server.queue_timeout_ms).
//
//   a slot is free                      -> admitted at once
//   all busy, drop_excess = true        -> kBusy at once (the server answers 429)
//   all busy, the queue is full         -> kQueueFull (503 with Retry-After)
//   queued, no slot within the timeout  -> kQueueTimeout (503 with Retry-After)
//   queued, the caller went away        -> kCancelled
//
// A released slot is handed straight to the oldest waiter, so the queue is fair and a burst
// cannot starve it. Waiting goes through the Clock (virtual time in tests) and is woken by a
// per-waiter CancelToken, a child of the caller's, so a client that disconnects or a server
// that shuts down stops waiting at once. Thread-safe.
#pragma once

#include <deque>
#include <memory>
#include <mutex>

#include "lib/core/cancel.h"
#include "lib/core/clock.h"

namespace understudy {

struct AdmissionLimits {
  int max_concurrent = 64;
  int max_queue = 256;
  bool drop_excess = false;
  Millis queue_timeout{10000};
};

class Admission {
 public:
  enum class Verdict { kAdmitted, kBusy, kQueueFull, kQueueTimeout, kCancelled };

  Admission(AdmissionLimits limits, Clock& clock) : limits_(limits), clock_(clock) {}

  // Blocks while queued. On kAdmitted the caller must release() exactly once.
  Verdict acquire(CancelToken* caller);
  void release();

  int active() const;  // admitted and not yet released
  int queued() const;  // waiting
  const AdmissionLimits& limits() const { return limits_; }

 private:
  struct Waiter {
    std::shared_ptr<CancelToken> wake;
    bool granted = false;
  };

  const AdmissionLimits limits_;
  Clock& clock_;
  mutable std::mutex mu_;
  int active_ = 0;
  std::deque<std::shared_ptr<Waiter>> queue_;
};

const char* admission_verdict_name(Admission::Verdict v);

// Holds one admitted slot and releases it on destruction. Movable.
class AdmissionTicket {
 public:
  AdmissionTicket() = default;
  explicit AdmissionTicket(Admission* admission) : admission_(admission) {}
  ~AdmissionTicket() { reset(); }
  AdmissionTicket(AdmissionTicket&& o) noexcept : admission_(o.admission_) {
    o.admission_ = nullptr;
  }
  AdmissionTicket& operator=(AdmissionTicket&& o) noexcept {
    if (this != &o) {
      reset();
      admission_ = o.admission_;
      o.admission_ = nullptr;
    }
    return *this;
  }
  AdmissionTicket(const AdmissionTicket&) = delete;
  AdmissionTicket& operator=(const AdmissionTicket&) = delete;
  void reset() {
    if (admission_) admission_->release();
    admission_ = nullptr;
  }

 private:
  Admission* admission_ = nullptr;
};

}  // namespace understudy
