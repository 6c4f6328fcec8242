// ConnectionStream: the httplib::Stream that HttpListener (http_listener.h) runs cpp-httplib's
// request parser and response writer over, one per client connection.
//
// Reads are buffered (httplib reads the request line and headers a byte at a time) and
// bounded twice: each wait for bytes by `read_timeout`, and the whole request head and body
// by a deadline the listener arms when a request starts and clears once the body is in, so
// a client that trickles bytes cannot hold a thread. Writes wait at most `write_timeout` for
// a client that stopped reading. Writes are collected and leave with flush(): the listener
// flushes once a response is complete (so its head and body go out in one send, one packet,
// one wake-up of the client instead of two) and after each batch of a streamed body;
// waiting for input flushes first, so a 100 Continue is never held back. Failures are sticky
// (broken(), timed_out()) so the connection loop knows the connection cannot be reused. SIGPIPE is
// never raised (MSG_NOSIGNAL). Used by one connection thread at a time; not thread-safe. Only
// lib/server includes this header (it pulls in httplib.h).
#pragma once

#include <httplib.h>

#include <chrono>
#include <string>

#include "lib/core/clock.h"
#include "lib/server/socket_util.h"

namespace understudy {

class ConnectionStream final : public httplib::Stream {
 public:
  using SteadyClock = std::chrono::steady_clock;

  ConnectionStream(int fd, Millis read_timeout, Millis write_timeout)
      : fd_(fd), read_timeout_(read_timeout), write_timeout_(write_timeout) {}

  bool is_readable() const override {
    if (off_ < len_) return true;
    return flush() && wait_readable(fd_, -1, read_wait()) == WaitResult::kReady;
  }
  bool is_writable() const override { return !broken_; }
  // Sends every collected byte; false when the connection broke (then broken() is true).
  // const because httplib's is_readable() is, and must flush before it waits.
  bool flush() const;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  // httplib asks for both addresses on every request; they do not change on a connection,
  // so each is looked up once (two system calls saved per request).
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    if (remote_port_ < 0) peer_address(fd_, remote_ip_, remote_port_);
    ip = remote_ip_;
    port = remote_port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    if (local_port_ < 0) local_address(fd_, local_ip_, local_port_);
    ip = local_ip_;
    port = local_port_;
  }
  int socket() const override { return fd_; }

  void arm_deadline(SteadyClock::time_point d) { deadline_ = d; }
  void clear_deadline() { deadline_ = SteadyClock::time_point::max(); }
  bool has_buffered() const { return off_ < len_; }
  bool timed_out() const { return timed_out_; }
  bool broken() const { return broken_; }

 private:
  Millis read_wait() const {
    if (deadline_ == SteadyClock::time_point::max()) return read_timeout_;
    auto left = std::chrono::duration_cast<Millis>(deadline_ - SteadyClock::now());
    if (left < Millis(0)) left = Millis(0);
    return std::min(left, read_timeout_);
  }
  ssize_t fill();
  ssize_t send_some(const char* ptr, size_t size) const;

  const int fd_;
  const Millis read_timeout_;
  const Millis write_timeout_;
  SteadyClock::time_point deadline_ = SteadyClock::time_point::max();
  char buf_[16384];
  size_t off_ = 0;
  size_t len_ = 0;
  bool timed_out_ = false;
  mutable std::string remote_ip_, local_ip_;
  mutable int remote_port_ = -1, local_port_ = -1;
  // Output state is mutable: flush() runs from the const is_readable() (see above).
  mutable std::string out_;
  mutable bool broken_ = false;
};

}  // namespace understudy
