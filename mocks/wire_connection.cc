#include "mocks/wire_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace understudy {

namespace {

constexpr std::size_t kMaxEarlyBytes = 1u << 20;  // bytes buffered while we are not reading
constexpr int kWriteStallMs = 60000;              // a client that reads nothing for this long

using SteadyClock = std::chrono::steady_clock;

int millis_left(SteadyClock::time_point end) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - SteadyClock::now());
  return left.count() < 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 1 << 30));
}

}  // namespace

WireConnection::WireConnection(int fd, int stop_fd, HeadLimits limits)
    : fd_(fd), stop_fd_(stop_fd), limits_(limits) {
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

WireConnection::~WireConnection() {
  if (fd_ >= 0) close(fd_);
}

WireConnection::Ready WireConnection::poll_readable(int timeout_ms) {
  pollfd fds[2] = {{fd_, POLLIN | POLLRDHUP, 0}, {stop_fd_, POLLIN, 0}};
  int n = poll(fds, 2, timeout_ms);
  if (n < 0 && errno == EINTR) return Ready::kTimeout;  // the caller re-checks its deadline
  if (fds[1].revents & POLLIN) {
    stopped_ = true;
    return Ready::kStopped;
  }
  if (n > 0 && fds[0].revents) return Ready::kReadable;
  return Ready::kTimeout;
}

bool WireConnection::read_some() {
  char buf[16384];
  ssize_t n = recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
  if (n > 0) {
    if (buffer_.size() < kMaxEarlyBytes + limits_.max_head_bytes + limits_.max_body_bytes) {
      buffer_.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return true;
  return false;  // orderly close (0) or an error such as ECONNRESET
}

WireConnection::ReadOutcome WireConnection::read_request(Millis idle, Millis read) {
  using Kind = ReadOutcome::Kind;
  ReadOutcome out;
  auto end = SteadyClock::now() + (buffer_.empty() ? idle : read);
  bool started = !buffer_.empty();
  bool continued = false;
  while (true) {
    if (fd_ < 0) return out;
    HeadParse p = parse_request_head(buffer_, limits_);
    if (p.kind == HeadParse::Kind::kBad) {
      out.kind = Kind::kBad;
      out.status = p.status;
      out.error = p.error;
      return out;
    }
    if (p.kind == HeadParse::Kind::kOk) {
      std::size_t total = p.head.head_size + p.head.content_length;
      if (buffer_.size() >= total) {
        out.kind = Kind::kRequest;
        out.body = buffer_.substr(p.head.head_size, p.head.content_length);
        out.head = std::move(p.head);
        buffer_.erase(0, total);
        return out;
      }
      if (p.head.expect_continue && !continued) {
        continued = true;
        if (!send_all("HTTP/1.1 100 Continue\r\n\r\n")) return out;
      }
    }
    int timeout = millis_left(end);
    if (timeout == 0) {
      out.kind = Kind::kTimeout;
      return out;
    }
    Ready r = poll_readable(timeout);
    if (r == Ready::kStopped) {
      out.kind = Kind::kStopped;
      return out;
    }
    if (r == Ready::kTimeout) continue;
    if (!read_some()) return out;  // kClosed
    if (!started && !buffer_.empty()) {
      started = true;
      end = SteadyClock::now() + read;
    }
  }
}

WireConnection::Wait WireConnection::wait(std::optional<Millis> duration) {
  auto end = duration ? SteadyClock::now() + *duration : SteadyClock::time_point::max();
  while (true) {
    int timeout = duration ? millis_left(end) : -1;
    if (duration && timeout == 0) return Wait::kElapsed;
    if (fd_ < 0) return Wait::kClientClosed;
    Ready r = poll_readable(timeout);
    if (r == Ready::kStopped) return Wait::kStopped;
    // Early bytes are kept; an orderly close (recv 0) or an error means the client left.
    if (r == Ready::kReadable && !read_some()) return Wait::kClientClosed;
  }
}

bool WireConnection::send_all(std::string_view data) {
  while (!data.empty()) {
    if (fd_ < 0) return false;
    ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      bytes_sent_ += n;
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return false;
    pollfd fds[2] = {{fd_, POLLOUT, 0}, {stop_fd_, POLLIN, 0}};
    int ready = poll(fds, 2, kWriteStallMs);
    if (ready == 0) return false;
    if (fds[1].revents & POLLIN) {
      stopped_ = true;
      return false;
    }
    if (fds[0].revents & (POLLERR | POLLHUP)) return false;
  }
  return true;
}

void WireConnection::reset() {
  if (fd_ < 0) return;
  linger lg{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(fd_);
  fd_ = -1;
}

void WireConnection::drain_and_close() {
  if (fd_ < 0) return;
  shutdown(fd_, SHUT_WR);
  auto end = SteadyClock::now() + std::chrono::milliseconds(500);
  std::size_t discarded = 0;
  while (discarded < (1u << 20)) {
    int timeout = millis_left(end);
    if (timeout == 0 || poll_readable(timeout) != Ready::kReadable) break;
    char buf[16384];
    ssize_t n = recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) break;
    if (n > 0) discarded += static_cast<std::size_t>(n);
  }
  close(fd_);
  fd_ = -1;
}

Result<Listener> open_listener(const std::string& host, int port) {
  std::string where = host + ":" + std::to_string(port);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  std::string ip = host == "localhost" ? "127.0.0.1" : host;
  if (port < 0 || port > 65535 || inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1) {
    return invalid_argument("cannot listen on \"" + where +
                            "\": expected an IPv4 address (or localhost) and a port 0..65535");
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return io_error("cannot listen on " + where + ": " + std::strerror(errno));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(fd, SOMAXCONN) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int err = errno;
    close(fd);
    return io_error("cannot listen on " + where + ": " + std::strerror(err));
  }
  return Listener{fd, ntohs(addr.sin_port)};
}

}  // namespace understudy
