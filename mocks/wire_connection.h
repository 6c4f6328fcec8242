// WireConnection: one accepted TCP connection of a fake provider server (mocks/fake_server.h),
// plus the listening socket it came from.
//
// Every blocking step (waiting for a request, sleeping inside a response, hanging, waiting
// for the client to read) polls two descriptors: the connection and the server's stop
// descriptor. So a server stop interrupts any connection at once, and a client that goes
// away during a sleep or a hang is noticed at once. Writes never raise SIGPIPE
// (MSG_NOSIGNAL). reset() closes with SO_LINGER 0, so the peer gets a TCP RST, the way a
// crashing upstream or a load balancer dropping a connection looks to a client.
//
// Owns its socket (closed by the destructor unless reset() closed it). Used by one thread.
// Errors are reported as enum results, never thrown.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lib/core/clock.h"
#include "lib/core/status.h"
#include "mocks/http_head.h"

namespace understudy {

class WireConnection {
 public:
  WireConnection(int fd, int stop_fd, HeadLimits limits = {});
  ~WireConnection();
  WireConnection(const WireConnection&) = delete;
  WireConnection& operator=(const WireConnection&) = delete;

  struct ReadOutcome {
    enum class Kind { kRequest, kClosed, kStopped, kTimeout, kBad };
    Kind kind = Kind::kClosed;
    RequestHead head;   // kRequest
    std::string body;   // kRequest
    int status = 400;   // kBad: the status to answer with
    std::string error;  // kBad: why
  };
  // Reads the next request. Waits up to `idle` for its first byte (keep-alive idle time),
  // then up to `read` for the rest of it. Bytes a client sent early stay buffered.
  ReadOutcome read_request(Millis idle, Millis read);

  enum class Wait { kElapsed, kClientClosed, kStopped };
  // Sleeps for `duration` (nullopt: until the client closes or the server stops), returning
  // early when either happens.
  Wait wait(std::optional<Millis> duration);

  // Sends every byte, waiting for the client to read when its window is full. False when
  // the client is gone, the server is stopping, or the client read nothing for a minute.
  bool send_all(std::string_view data);

  // Closes with a TCP reset. Later sends fail.
  void reset();

  // Ends a connection whose request was not read in full (an error reply was sent early):
  // half-closes, then discards what the client still sends for up to half a second, so
  // the reply reaches it instead of being lost to the reset a close with unread data causes.
  void drain_and_close();

  std::int64_t bytes_sent() const { return bytes_sent_; }
  bool stopped() const { return stopped_; }

 private:
  enum class Ready { kReadable, kTimeout, kStopped };
  Ready poll_readable(int timeout_ms);
  // Reads what is available into buffer_; false when the client closed or failed.
  bool read_some();

  int fd_;
  int stop_fd_;
  HeadLimits limits_;
  std::string buffer_;
  std::int64_t bytes_sent_ = 0;
  bool stopped_ = false;
};

struct Listener {
  int fd = -1;
  int port = 0;
};

// Binds and listens on host:port (port 0 = ephemeral) with a backlog of SOMAXCONN, so a
// burst of hundreds of connects does not wait on the kernel's accept queue. `host` is an
// IPv4 address or "localhost". io_error names the address and the OS reason.
Result<Listener> open_listener(const std::string& host, int port);

}  // namespace understudy
