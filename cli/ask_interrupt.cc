#include "cli/ask_interrupt.h"

#include <signal.h>
#include <unistd.h>

namespace understudy::cli {

InterruptWatcher::InterruptWatcher(std::shared_ptr<CancelToken> token, Millis grace)
    : token_(std::move(token)), grace_(grace) {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, &old_mask_);
  thread_ = std::thread([this] { watch(); });
}

InterruptWatcher::~InterruptWatcher() {
  request_finished();
  stopping_.store(true);
  // Wake the sigwait() with a signal aimed at the watcher thread only; it sees stopping_.
  pthread_kill(thread_.native_handle(), SIGTERM);
  thread_.join();
  // A signal that arrived meanwhile stays pending; unblocking would deliver it with the
  // default action. Drain it: the request is over and ask is returning its own status.
  timespec zero{0, 0};
  while (sigtimedwait(&set_, nullptr, &zero) > 0) {
  }
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

void InterruptWatcher::request_started() {
  std::lock_guard<std::mutex> lock(mu_);
  started_ = true;
}

void InterruptWatcher::request_finished() {
  std::lock_guard<std::mutex> lock(mu_);
  finished_ = true;
  cv_.notify_all();
}

void InterruptWatcher::watch() {
  while (true) {
    int sig = 0;
    if (sigwait(&set_, &sig) != 0) continue;
    if (stopping_.load()) return;
    int expected = 0;
    if (!signal_.compare_exchange_strong(expected, sig)) _exit(exit_code_for_signal(sig));
    token_->cancel(CancelReason::kCallerGone);
    std::unique_lock<std::mutex> lock(mu_);
    bool wound_down = started_ && cv_.wait_for(lock, grace_, [this] { return finished_; });
    if (!wound_down && !finished_) _exit(exit_code_for_signal(sig));
  }
}

}  // namespace understudy::cli
