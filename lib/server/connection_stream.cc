#include "lib/server/connection_stream.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace understudy {

namespace {
// Writes up to this size are collected; larger ones are sent as they come.
constexpr size_t kCollectLimit = 64 * 1024;
}  // namespace

ssize_t ConnectionStream::fill() {
  if (!flush()) return -1;
  while (true) {
    ssize_t n = recv(fd_, buf_, sizeof buf_, MSG_DONTWAIT);
    if (n >= 0) {
      off_ = 0;
      len_ = static_cast<size_t>(n);
      return n;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      broken_ = true;
      return -1;
    }
    Millis wait = read_wait();
    if (wait <= Millis(0) || wait_readable(fd_, -1, wait) != WaitResult::kReady) {
      timed_out_ = true;
      return -1;
    }
  }
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (off_ >= len_) {
    ssize_t n = fill();
    if (n <= 0) return n;
  }
  size_t take = std::min(size, len_ - off_);
  std::memcpy(ptr, buf_ + off_, take);
  off_ += take;
  return static_cast<ssize_t>(take);
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  if (broken_) return -1;
  if (out_.size() + size <= kCollectLimit) {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  // A large body: whatever was collected goes first, the body itself without a copy.
  if (!flush()) return -1;
  return send_some(ptr, size);
}

bool ConnectionStream::flush() const {
  size_t sent = 0;
  while (sent < out_.size() && !broken_) {
    ssize_t n = send_some(out_.data() + sent, out_.size() - sent);
    if (n < 0) break;
    sent += static_cast<size_t>(n);
  }
  out_.clear();
  if (out_.capacity() > kCollectLimit) std::string().swap(out_);
  return !broken_;
}

ssize_t ConnectionStream::send_some(const char* ptr, size_t size) const {
  if (broken_) return -1;
  while (true) {
    ssize_t n = send(fd_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) break;
    pollfd p{fd_, POLLOUT, 0};
    int rc = poll(&p, 1, static_cast<int>(write_timeout_.count()));
    if (rc <= 0 && !(rc < 0 && errno == EINTR)) break;
  }
  broken_ = true;
  return -1;
}

}  // namespace understudy
