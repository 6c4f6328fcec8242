// ConnectionStream: the buffered socket I/O of one client connection, for HttpListener
// (http_listener.h), which parses requests from buffered() with Http1RequestParser and writes
// responses into out().
//
// Reads: receive() flushes any collected output first (so an interim `100 Continue` is never
// held back while the listener waits for the body), then waits for bytes until a deadline the
// caller passes (the listener's whole-request read_timeout). Writes are collected in out() and
// leave with flush(), or with flush_with(tail), which sends the collected head and a large
// body together in one sendmsg without copying the body. A send that cannot progress waits
// at most `write_timeout` for a client that stopped reading. Failures are sticky (broken()),
// so the connection loop knows the connection cannot be reused. SIGPIPE is never raised
// (MSG_NOSIGNAL). Used by one connection thread at a time; not thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "lib/core/clock.h"

namespace understudy {

class ConnectionStream {
 public:
  using SteadyClock = std::chrono::steady_clock;
  enum class ReadResult { kData, kClosed, kTimeout, kBroken };

  ConnectionStream(int fd, Millis write_timeout) : fd_(fd), write_timeout_(write_timeout) {}
  ConnectionStream(const ConnectionStream&) = delete;
  ConnectionStream& operator=(const ConnectionStream&) = delete;

  // Bytes received and not consumed yet.
  std::string_view buffered() const { return std::string_view(buf_ + off_, len_ - off_); }
  bool has_buffered() const { return off_ < len_; }
  void consume(std::size_t n) { off_ += n; }

  // Flushes out(), then appends newly received bytes to buffered(), waiting until `deadline`
  // at most. kClosed: the peer closed its side; kTimeout: the deadline passed.
  ReadResult receive(SteadyClock::time_point deadline);

  // Output collected for the next flush.
  std::string& out() { return out_; }
  // Sends out(); false when the connection broke (then broken() is true).
  bool flush() { return flush_with({}); }
  // Sends out() and then `tail` in as few system calls as the socket allows.
  bool flush_with(std::string_view tail);
  bool broken() const { return broken_; }

 private:
  bool wait_writable();

  const int fd_;
  const Millis write_timeout_;
  char buf_[16384];
  std::size_t off_ = 0;
  std::size_t len_ = 0;
  std::string out_;
  bool broken_ = false;
};

}  // namespace understudy
