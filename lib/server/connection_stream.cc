#include "lib/server/connection_stream.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>

#include "lib/server/socket_util.h"

namespace understudy {

namespace {
// A buffer that grew past this (a large response) is released instead of kept.
constexpr std::size_t kKeepCapacity = 64 * 1024;
}  // namespace

ConnectionStream::ReadResult ConnectionStream::receive(SteadyClock::time_point deadline) {
  if (!flush()) return ReadResult::kBroken;
  if (off_ == len_) {
    off_ = len_ = 0;
  } else if (off_ > 0) {
    std::memmove(buf_, buf_ + off_, len_ - off_);
    len_ -= off_;
    off_ = 0;
  }
  if (len_ == sizeof buf_) return ReadResult::kData;  // the caller must consume first
  while (true) {
    ssize_t n = recv(fd_, buf_ + len_, sizeof buf_ - len_, MSG_DONTWAIT);
    if (n > 0) {
      len_ += static_cast<std::size_t>(n);
      return ReadResult::kData;
    }
    if (n == 0) return ReadResult::kClosed;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      broken_ = true;
      return ReadResult::kBroken;
    }
    auto left = std::chrono::ceil<Millis>(deadline - SteadyClock::now());
    if (left <= Millis(0)) return ReadResult::kTimeout;
    WaitResult w = wait_readable(fd_, -1, left);
    if (w == WaitResult::kTimeout) return ReadResult::kTimeout;
    if (w == WaitResult::kError) {
      broken_ = true;
      return ReadResult::kBroken;
    }
  }
}

bool ConnectionStream::flush_with(std::string_view tail) {
  std::size_t head_sent = 0;
  std::size_t tail_sent = 0;
  while (!broken_ && (head_sent < out_.size() || tail_sent < tail.size())) {
    iovec iov[2];
    int count = 0;
    if (head_sent < out_.size()) {
      iov[count++] = {out_.data() + head_sent, out_.size() - head_sent};
    }
    if (tail_sent < tail.size()) {
      iov[count++] = {const_cast<char*>(tail.data()) + tail_sent, tail.size() - tail_sent};
    }
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<std::size_t>(count);
    ssize_t n = sendmsg(fd_, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if ((errno == EAGAIN || errno == EWOULDBLOCK) && wait_writable()) continue;
      broken_ = true;
      break;
    }
    std::size_t sent = static_cast<std::size_t>(n);
    std::size_t from_head = std::min(sent, out_.size() - head_sent);
    head_sent += from_head;
    tail_sent += sent - from_head;
  }
  out_.clear();
  if (out_.capacity() > kKeepCapacity) std::string().swap(out_);
  return !broken_;
}

bool ConnectionStream::wait_writable() {
  pollfd p{fd_, POLLOUT, 0};
  while (true) {
    int rc = poll(&p, 1, static_cast<int>(write_timeout_.count()));
    if (rc > 0) return true;
    if (rc < 0 && errno == EINTR) continue;
    return false;
  }
}

}  // namespace understudy
