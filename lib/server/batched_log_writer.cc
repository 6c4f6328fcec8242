#include "lib/server/batched_log_writer.h"

#include <unistd.h>

#include <cerrno>

namespace understudy {

BatchedLogWriter::BatchedLogWriter(Sink sink, Millis interval, std::size_t max_pending)
    : sink_(std::move(sink)), interval_(interval), max_pending_(max_pending) {
  thread_ = std::thread([this] { loop(); });
}

BatchedLogWriter::~BatchedLogWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  flush();
}

void BatchedLogWriter::write(std::string_view line) {
  bool was_empty = false;
  bool full = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    was_empty = pending_.empty();
    pending_.append(line);
    full = pending_.size() > max_pending_;
  }
  if (full) {
    flush();
  } else if (was_empty) {
    cv_.notify_one();  // starts the interval; later lines join the same batch
  }
}

void BatchedLogWriter::flush() {
  std::lock_guard<std::mutex> sink_lock(sink_mu_);
  std::string batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(pending_);
  }
  if (!batch.empty()) sink_(batch);
}

void BatchedLogWriter::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || !pending_.empty(); });
    if (stop_) return;  // the destructor flushes the rest
    cv_.wait_for(lock, interval_, [this] { return stop_; });
    if (stop_) return;
    lock.unlock();
    flush();
    lock.lock();
  }
}

BatchedLogWriter::Sink fd_sink(int fd) {
  return [fd](std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  };
}

}  // namespace understudy
