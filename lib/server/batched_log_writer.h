// BatchedLogWriter: collects log lines in memory and writes them out in batches, so a busy
// server pays for one write system call per batch instead of one per line (the access log,
// access_log.h, in `serve`).
//
// A line reaches the sink at most `interval` (100 ms) after write(), at once when the pending
// bytes exceed `max_pending` (then the writing thread flushes itself, which also bounds memory
// when the sink is slow), and on flush() and in the destructor, so no line is lost on a clean
// stop. Lines keep their order and are never split. A background thread does the timed
// flushes; it sleeps while nothing is pending (an idle server causes no wake-ups).
//
// Thread-safe. The sink is called by one thread at a time and must not call back into the
// writer. Errors from the sink are the sink's business (fd_sink drops what it cannot write).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "lib/core/clock.h"

namespace understudy {

class BatchedLogWriter {
 public:
  using Sink = std::function<void(std::string_view bytes)>;

  explicit BatchedLogWriter(Sink sink, Millis interval = Millis(100),
                            std::size_t max_pending = 64 * 1024);
  ~BatchedLogWriter();
  BatchedLogWriter(const BatchedLogWriter&) = delete;
  BatchedLogWriter& operator=(const BatchedLogWriter&) = delete;

  // Queues `line` (which should end in "\n").
  void write(std::string_view line);
  // Returns once everything written before the call has reached the sink.
  void flush();

 private:
  void loop();

  const Sink sink_;
  const Millis interval_;
  const std::size_t max_pending_;
  std::mutex sink_mu_;  // held while the sink writes: keeps batches in order
  std::mutex mu_;       // guards pending_ and stop_
  std::condition_variable cv_;
  std::string pending_;
  bool stop_ = false;
  std::thread thread_;
};

// A sink that writes every byte to `fd` (retrying short writes and EINTR; what the descriptor
// refuses is dropped).
BatchedLogWriter::Sink fd_sink(int fd);

}  // namespace understudy
