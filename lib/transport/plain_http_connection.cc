#include "lib/transport/plain_http_connection.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>

namespace understudy {
namespace {

using SteadyClock = std::chrono::steady_clock;

// poll() on one descriptor until `deadline`, resuming after signals. >0 ready, 0 timed out,
// -1 error (errno).
int poll_until(int fd, short events, TimePoint deadline) {
  while (true) {
    auto left = std::chrono::ceil<Millis>(deadline - SteadyClock::now()).count();
    pollfd p{fd, events, 0};
    int n = poll(&p, 1, static_cast<int>(std::clamp<long long>(left, 0, INT_MAX)));
    if (n >= 0 || errno != EINTR) return n;
  }
}

int poll_for(int fd, short events, Millis timeout) {
  return poll_until(fd, events, add_saturating(SteadyClock::now(), timeout));
}

// Waits for a non-blocking connect() to finish; its errno (0 on success).
int finish_connect(int fd, TimePoint deadline, ConnectFailure& failure) {
  int n = poll_until(fd, POLLOUT, deadline);
  if (n == 0) {
    failure.timed_out = true;
    return ETIMEDOUT;
  }
  if (n < 0) return errno;
  int so_error = 0;
  socklen_t len = sizeof so_error;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) return errno;
  return so_error;
}

// One address: a connected socket (attached to `interrupter`), or -1.
int try_connect(const addrinfo& ai, TimePoint deadline, SocketInterrupter& interrupter,
                ConnectFailure& failure) {
  int fd = socket(ai.ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, ai.ai_protocol);
  if (fd < 0) {
    failure.sys_errno = errno;
    return -1;
  }
  if (!failure.socket_created) {
    failure.socket_created = true;
    failure.first_socket_at = SteadyClock::now();
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  interrupter.attach(fd);
  int err = 0;
  if (interrupter.connect_unless_interrupted(fd, ai.ai_addr, ai.ai_addrlen) != 0) {
    err = errno == EINPROGRESS ? finish_connect(fd, deadline, failure) : errno;
  }
  if (err == 0 && !interrupter.interrupted()) return fd;
  failure.sys_errno = err != 0 ? err : ECANCELED;
  interrupter.detach();
  close(fd);
  return -1;
}

}  // namespace

void SocketInterrupter::attach(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  fd_ = fd;
  if (interrupted_.load(std::memory_order_relaxed)) shutdown(fd_, SHUT_RDWR);
}

void SocketInterrupter::detach() {
  std::lock_guard<std::mutex> lock(mu_);
  fd_ = -1;
}

void SocketInterrupter::interrupt() {
  std::lock_guard<std::mutex> lock(mu_);
  interrupted_.store(true, std::memory_order_release);
  if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);
}

int SocketInterrupter::connect_unless_interrupted(int fd, const sockaddr* addr,
                                                  socklen_t addr_len) {
  std::lock_guard<std::mutex> lock(mu_);
  if (interrupted_.load(std::memory_order_relaxed)) {
    errno = ECANCELED;
    return -1;
  }
  return connect(fd, addr, addr_len);
}

std::unique_ptr<PlainHttpConnection> PlainHttpConnection::open(const std::string& host, int port,
                                                               Millis connect_timeout,
                                                               SocketInterrupter& interrupter,
                                                               ConnectFailure& failure) {
  std::string name = host;
  if (name.size() > 2 && name.front() == '[') name = name.substr(1, name.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(name.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) {
    failure.sys_errno = rc == EAI_SYSTEM ? errno : 0;
    failure.resolver_error = gai_strerror(rc);
    return nullptr;
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, freeaddrinfo);
  failure.resolved = true;
  TimePoint deadline = add_saturating(SteadyClock::now(), connect_timeout);
  for (const addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    int fd = try_connect(*ai, deadline, interrupter, failure);
    if (fd >= 0) return std::unique_ptr<PlainHttpConnection>(new PlainHttpConnection(fd));
    if (failure.timed_out || interrupter.interrupted()) break;
  }
  return nullptr;
}

PlainHttpConnection::PlainHttpConnection(int fd)
    : fd_(fd), buffer_(std::make_unique_for_overwrite<char[]>(kReadBufferSize)) {}

PlainHttpConnection::~PlainHttpConnection() { close(fd_); }

bool PlainHttpConnection::usable_after_idle() const {
  char byte;
  ssize_t n = recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

bool PlainHttpConnection::has_pending_input() const {
  char byte;
  return recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

IoResult PlainHttpConnection::wait(short events, Millis timeout) const {
  int n = poll_for(fd_, events, timeout);
  if (n > 0) return IoResult{};
  if (n == 0) return IoResult{IoResult::Kind::kTimeout};
  return IoResult{IoResult::Kind::kError, 0, errno};
}

IoResult PlainHttpConnection::write(std::string_view head, std::string_view body, Millis timeout) {
  iovec parts[2] = {{const_cast<char*>(head.data()), head.size()},
                    {const_cast<char*>(body.data()), body.size()}};
  size_t first = 0;
  const size_t count = body.empty() ? 1 : 2;
  const size_t total = head.size() + body.size();
  size_t sent = 0;
  while (sent < total) {
    msghdr msg{};
    msg.msg_iov = parts + first;
    msg.msg_iovlen = count - first;
    ssize_t n = sendmsg(fd_, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        return IoResult{IoResult::Kind::kError, sent, errno};
      IoResult ready = wait(POLLOUT, timeout);
      if (!ready.ok()) return ready;
      continue;
    }
    sent += static_cast<size_t>(n);
    // Step past what went out: whole parts, then into the part that went out in part.
    size_t left = static_cast<size_t>(n);
    while (first < count && left >= parts[first].iov_len) left -= parts[first++].iov_len;
    if (first < count) {
      parts[first].iov_base = static_cast<char*>(parts[first].iov_base) + left;
      parts[first].iov_len -= left;
    }
  }
  return IoResult{IoResult::Kind::kOk, total};
}

IoResult PlainHttpConnection::read(Millis timeout, bool wait_first) {
  if (wait_first) {
    IoResult ready = wait(POLLIN, timeout);
    if (!ready.ok()) return ready;
  }
  while (true) {
    ssize_t n = recv(fd_, buffer_.get(), kReadBufferSize, 0);
    if (n > 0) return IoResult{IoResult::Kind::kOk, static_cast<size_t>(n)};
    if (n == 0) return IoResult{IoResult::Kind::kClosed};
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return IoResult{IoResult::Kind::kError, 0, errno};
    IoResult ready = wait(POLLIN, timeout);
    if (!ready.ok()) return ready;
  }
}

}  // namespace understudy
