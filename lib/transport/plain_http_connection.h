// PlainHttpConnection: one keep-alive TCP connection to an http:// upstream, with the few
// socket operations our HTTP/1.1 client needs: connect with a timeout, write a request with
// one system call, read what has arrived, and check an idle connection before reuse.
//
// The socket is non-blocking. Every wait is a poll() bounded by the timeout the caller
// passes, and only happens when the socket has nothing to give: a read tries recv() first
// unless the caller knows the data cannot be there yet. Writes use MSG_NOSIGNAL, so a peer
// that closed the connection yields EPIPE and never a SIGPIPE. TCP_NODELAY is on.
//
// SocketInterrupter lets another thread wake whatever the connection is blocked in (for a
// CancelToken): it shuts the socket down, which ends a pending connect, poll, read or
// write at once. It only ever touches a descriptor between attach() and detach(), under its
// lock, so a descriptor is never shut down after it was closed and possibly reused.
//
// Ownership: the connection owns its descriptor and closes it in its destructor; the
// caller must detach() it from any interrupter first. A connection is used by one thread
// at a time (the IdlePool hands it to one request). SocketInterrupter is thread-safe.
//
// Errors are reported as IoResult / ConnectFailure facts (errno, timed out, closed), which
// the client turns into a TransportError; nothing here knows about HTTP.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "lib/core/clock.h"
#include "lib/transport/idle_pool.h"

namespace understudy {

class SocketInterrupter {
 public:
  // Starts watching `fd`. If interrupt() already happened, shuts it down at once.
  void attach(int fd);
  // Stops watching; once this returns, the descriptor is never touched again.
  void detach();
  // Shuts the attached socket down (and any socket attached later). Never blocks for long.
  void interrupt();
  bool interrupted() const { return interrupted_.load(std::memory_order_acquire); }
  // Runs the non-blocking connect() call under the lock unless interrupted, so an interrupt
  // cannot fall between the check and the connect (a SYN_SENT socket is woken by shutdown;
  // a socket whose connect has not started yet would not be). Returns connect()'s result,
  // or -1 with errno ECANCELED.
  int connect_unless_interrupted(int fd, const sockaddr* addr, socklen_t addr_len);

 private:
  std::mutex mu_;
  int fd_ = -1;
  std::atomic<bool> interrupted_{false};
};

struct IoResult {
  enum class Kind {
    kOk,       // bytes moved
    kClosed,   // the peer closed the connection (read returned 0)
    kTimeout,  // waited the whole timeout without progress
    kError,    // errno in sys_errno
  };
  Kind kind = Kind::kOk;
  size_t bytes = 0;
  int sys_errno = 0;
  bool ok() const { return kind == Kind::kOk; }
};

// Why open() failed.
struct ConnectFailure {
  bool resolved = false;        // the host name resolved to at least one address
  bool socket_created = false;  // a socket was created for some address
  bool timed_out = false;       // connect_timeout ran out
  int sys_errno = 0;            // of the last attempt (socket() or connect())
  std::string resolver_error;   // gai_strerror text when resolution failed
  TimePoint first_socket_at{};  // when the first socket was created
};

class PlainHttpConnection final : public PooledConnection {
 public:
  static constexpr size_t kReadBufferSize = 16 * 1024;

  // Resolves host (getaddrinfo; "[::1]" brackets allowed), then tries each address until one
  // connects, all within connect_timeout. Each socket is attached to `interrupter` while it
  // connects and left attached on success. Returns null and fills `failure` otherwise (also
  // when interrupted: the caller checks interrupter.interrupted()).
  static std::unique_ptr<PlainHttpConnection> open(const std::string& host, int port,
                                                   Millis connect_timeout,
                                                   SocketInterrupter& interrupter,
                                                   ConnectFailure& failure);

  ~PlainHttpConnection() override;
  PlainHttpConnection(const PlainHttpConnection&) = delete;
  PlainHttpConnection& operator=(const PlainHttpConnection&) = delete;

  int fd() const { return fd_; }

  // For a connection taken from the pool: true if the peer has neither closed it nor sent
  // anything unasked while it sat idle. One non-blocking recv(MSG_PEEK).
  bool usable_after_idle() const;

  // True if the peer has sent bytes that are waiting to be read. One non-blocking
  // recv(MSG_PEEK).
  bool has_pending_input() const;

  // Writes head then body completely (one sendmsg() in the common case). kTimeout if the
  // socket accepted nothing for `timeout`.
  IoResult write(std::string_view head, std::string_view body, Millis timeout);

  // Reads what is available into the connection's buffer (see data()), waiting up to
  // `timeout` for something to arrive. With `wait_first`, polls before reading: right
  // after a request was written the answer is not there yet, and a recv() that finds
  // nothing would be a wasted system call.
  IoResult read(Millis timeout, bool wait_first);
  // The bytes of the last successful read().
  std::string_view data(const IoResult& read) const {
    return std::string_view(buffer_.get(), read.bytes);
  }

 private:
  explicit PlainHttpConnection(int fd);
  // Waits for `events` on the socket: kOk when ready, kTimeout, or kError.
  IoResult wait(short events, Millis timeout) const;

  int fd_;
  std::unique_ptr<char[]> buffer_;
};

}  // namespace understudy
