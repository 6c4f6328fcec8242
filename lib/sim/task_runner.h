// TaskRunner: where the simulated callers of a scenario run.
//
// The engine starts one task per request (open loop) or per caller (closed loop), plus one
// driver task per traffic group that sleeps on the Clock until each arrival. Which threads
// run them is the runner's business:
//  * VirtualTaskRunner: participants of a VirtualClock in cooperative mode. Exactly one runs
//    at a time, always the earliest by virtual time, so a seed fixes the whole run.
//  * ThreadTaskRunner: real threads on the real clock (`simulate --real-time`), at most
//    `max_threads` at once; spawn() waits for a free slot beyond that.
// spawn() may be called from run()'s main task and from any task it started. run() is not
// reentrant. Thread-safe under those rules.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>

#include "lib/core/virtual_clock.h"

namespace understudy {

class TaskRunner {
 public:
  virtual ~TaskRunner() = default;
  // Starts `fn` as a new task (for a VirtualClock: runnable at the current virtual time).
  virtual void spawn(std::function<void()> fn) = 0;
  // Runs `main` as the first task; returns when every task has finished.
  virtual void run(std::function<void()> main) = 0;
};

class VirtualTaskRunner final : public TaskRunner {
 public:
  explicit VirtualTaskRunner(VirtualClock& clock) : clock_(clock) {}
  void spawn(std::function<void()> fn) override { clock_.spawn(std::move(fn)); }
  void run(std::function<void()> main) override {
    clock_.spawn(std::move(main));
    clock_.run();
  }

 private:
  VirtualClock& clock_;
};

class ThreadTaskRunner final : public TaskRunner {
 public:
  explicit ThreadTaskRunner(int max_threads = 256) : max_threads_(max_threads) {}
  ~ThreadTaskRunner() override;
  void spawn(std::function<void()> fn) override;
  void run(std::function<void()> main) override;

 private:
  void finished();

  const int max_threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  int live_ = 0;
};

}  // namespace understudy
