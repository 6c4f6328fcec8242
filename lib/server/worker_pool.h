// WorkerPool: threads that run submitted tasks, started on demand up to a cap and then
// reused. The gateway uses one for client connections (a connection keeps its thread while
// it is open, as cpp-httplib's own pool would) and one for the router runs of streaming
// requests (see chat_endpoint.h).
//
// A task submitted while every thread is busy starts a new thread if the cap allows, else
// waits in a FIFO queue for the next free thread. Threads are never shrunk: the peak is
// bounded by the cap, and an idle thread costs only its stack. stop() refuses new tasks,
// lets queued and running ones finish, and joins every thread; the destructor calls it.
// Thread-safe. Tasks must not throw.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace understudy {

class WorkerPool {
 public:
  explicit WorkerPool(std::size_t max_threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `task` on a pool thread. False (and the task is dropped) after stop().
  bool submit(std::function<void()> task);
  // Refuses new tasks, waits for queued and running ones, joins the threads. Idempotent.
  void stop();

  std::size_t threads() const;
  std::size_t busy() const;

 private:
  void worker_loop();

  const std::size_t max_threads_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  std::size_t busy_ = 0;
  bool stopping_ = false;
};

}  // namespace understudy
