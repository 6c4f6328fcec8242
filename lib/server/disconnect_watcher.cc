#include "lib/server/disconnect_watcher.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>

namespace understudy {

DisconnectWatcher::DisconnectWatcher() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_fd_ < 0 || wake_fd_ < 0) {
    if (epoll_fd_ >= 0) close(epoll_fd_);
    if (wake_fd_ >= 0) close(wake_fd_);
    epoll_fd_ = wake_fd_ = -1;
    return;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  thread_ = std::thread([this] { loop(); });
}

DisconnectWatcher::~DisconnectWatcher() {
  if (epoll_fd_ < 0) return;
  std::uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  close(epoll_fd_);
  close(wake_fd_);
}

void DisconnectWatcher::watch(int fd, std::shared_ptr<CancelToken> token) {
  if (epoll_fd_ < 0 || fd < 0 || !token) return;
  std::lock_guard<std::mutex> lock(mu_);
  epoll_event ev{};
  ev.events = EPOLLRDHUP | EPOLLONESHOT;  // EPOLLHUP and EPOLLERR are always reported
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0 && errno == EEXIST) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
  }
  tokens_[fd] = std::move(token);
}

void DisconnectWatcher::unwatch(int fd) {
  if (epoll_fd_ < 0 || fd < 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (tokens_.erase(fd) == 0) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

void DisconnectWatcher::loop() {
  epoll_event events[64];
  while (true) {
    int n = epoll_wait(epoll_fd_, events, 64, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == wake_fd_) return;
      std::shared_ptr<CancelToken> token;
      {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = tokens_.find(fd);
        if (it != tokens_.end()) token = it->second;
      }
      // Outside the lock: cancel callbacks (socket shutdowns) must not delay watch/unwatch.
      if (token) token->cancel(CancelReason::kCallerGone);
    }
  }
}

}  // namespace understudy
