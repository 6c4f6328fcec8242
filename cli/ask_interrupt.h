// InterruptWatcher: Ctrl-C (SIGINT) and SIGTERM cancel the request of `understudy ask`.
//
// A signal handler may not take locks, and cancelling a CancelToken runs callbacks that do
// (they shut the upstream socket down, wake sleeping backoffs). So the constructor blocks
// SIGINT and SIGTERM in the calling thread - and thereby in every thread started after it,
// which is why it must be built before any other thread exists - and a watcher thread takes
// them with sigwait(). On the first signal it cancels the token with kCallerGone, and once
// request_started() has been called it gives the main thread `grace` to come back with the
// cancelled result; if it does not (a write to a stalled pipe, a DNS lookup), or before any
// request started (e.g. while reading the prompt from stdin), or on a second signal, the
// process exits at once with 128 + signal. Either way `ask` is gone well within a second.
//
// The destructor stops the thread and restores the signal mask. Thread-safe.
#pragma once

#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "lib/core/cancel.h"
#include "lib/core/clock.h"

namespace understudy::cli {

class InterruptWatcher {
 public:
  InterruptWatcher(std::shared_ptr<CancelToken> token, Millis grace);
  ~InterruptWatcher();
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;

  // The request is under way: a signal now waits `grace` for it to wind down.
  void request_started();
  // The main thread has its result; a late signal no longer forces an exit.
  void request_finished();
  // The signal that cancelled the request, 0 if none.
  int signal() const { return signal_.load(); }

 private:
  void watch();

  std::shared_ptr<CancelToken> token_;
  Millis grace_;
  sigset_t set_;
  sigset_t old_mask_;
  std::atomic<int> signal_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool started_ = false;
  bool finished_ = false;
  std::thread thread_;
};

// The conventional exit status of a process stopped by `sig`: 130 for SIGINT.
inline int exit_code_for_signal(int sig) { return 128 + sig; }

}  // namespace understudy::cli
