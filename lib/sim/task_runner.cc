#include "lib/sim/task_runner.h"

#include <thread>

namespace understudy {

ThreadTaskRunner::~ThreadTaskRunner() {
  // Tasks touch the runner until their last notify: never leave while one is alive.
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return live_ == 0; });
}

void ThreadTaskRunner::spawn(std::function<void()> fn) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return live_ < max_threads_; });
    ++live_;
  }
  std::thread([this, fn = std::move(fn)]() mutable {
    fn();
    fn = nullptr;  // release what the task captured before the runner may go away
    finished();
  }).detach();
}

void ThreadTaskRunner::finished() {
  std::lock_guard<std::mutex> lock(mu_);
  --live_;
  cv_.notify_all();
}

void ThreadTaskRunner::run(std::function<void()> main) {
  spawn(std::move(main));
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return live_ == 0; });
}

}  // namespace understudy
