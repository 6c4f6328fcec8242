// CancelToken: a one-shot, thread-safe cancellation signal with a reason.
//
// Shared by std::shared_ptr between whoever may cancel (a timer, the server noticing a
// client disconnect, a signal handler's shutdown path) and whoever must stop (the router,
// a transport blocked on a socket read, a sleeping backoff). The first cancel() wins and
// fixes the reason. Subscribers run synchronously inside cancel(), on the cancelling
// thread, so they must be quick and must not block (typically: shut a socket down, wake a
// sleeper). A child token is cancelled when its parent is, never the other way round.
//
// unsubscribe() guarantees that, once it returns, the callback is not running and will not
// run, so callbacks may refer to objects that live until unsubscribe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace understudy {

enum class CancelReason {
  kNone = 0,
  kCallerGone,         // the client disconnected or the user pressed Ctrl-C
  kShutdown,           // the process is stopping
  kDeadline,           // the whole request ran out of time
  kHeaderTimeout,      // no response headers (or, for streams, first byte) in time
  kFirstTokenTimeout,  // a stream produced no content in time
  kIdleTimeout,        // a stream went silent after content started
  kAborted,            // the consumer stopped reading (e.g. it saw an error event)
};

const char* cancel_reason_name(CancelReason r);

class CancelToken : public std::enable_shared_from_this<CancelToken> {
 public:
  using CallbackId = std::uint64_t;

  static std::shared_ptr<CancelToken> create();
  ~CancelToken();
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  // A new token that is cancelled (with the same reason) when this one is.
  std::shared_ptr<CancelToken> child();

  // Cancels with `reason` unless already cancelled. Returns true if this call cancelled it.
  bool cancel(CancelReason reason);
  bool cancelled() const { return reason_.load(std::memory_order_acquire) != CancelReason::kNone; }
  CancelReason reason() const { return reason_.load(std::memory_order_acquire); }

  // Registers fn to run on cancellation. If already cancelled, runs fn now and returns 0.
  CallbackId subscribe(std::function<void()> fn);
  // Removes a callback; waits if it is running on another thread. Id 0 is ignored.
  void unsubscribe(CallbackId id);

 private:
  CancelToken() = default;

  struct Entry {
    CallbackId id;
    std::function<void()> fn;
  };

  std::atomic<CancelReason> reason_{CancelReason::kNone};
  std::mutex mu_;
  std::condition_variable done_cv_;
  std::vector<Entry> callbacks_;
  CallbackId next_id_ = 1;
  CallbackId running_id_ = 0;
  std::thread::id running_thread_;
  // Parent link: keeps the parent alive and lets the destructor unsubscribe.
  std::shared_ptr<CancelToken> parent_;
  CallbackId parent_sub_ = 0;
};

// RAII subscription: unsubscribes when it goes out of scope.
class CancelSubscription {
 public:
  CancelSubscription() = default;
  CancelSubscription(CancelToken* token, std::function<void()> fn)
      : token_(token), id_(token ? token->subscribe(std::move(fn)) : 0) {}
  ~CancelSubscription() { reset(); }
  CancelSubscription(const CancelSubscription&) = delete;
  CancelSubscription& operator=(const CancelSubscription&) = delete;
  void reset() {
    if (token_ && id_) token_->unsubscribe(id_);
    token_ = nullptr;
    id_ = 0;
  }

 private:
  CancelToken* token_ = nullptr;
  CancelToken::CallbackId id_ = 0;
};

}  // namespace understudy
