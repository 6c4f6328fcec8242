#include "lib/server/disconnect_watcher.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>

namespace understudy {

namespace {
constexpr std::uint64_t kWakeId = 0;  // registration ids start at 1
}  // namespace

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
  ev.data.u64 = kWakeId;
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

DisconnectWatcher::Id DisconnectWatcher::add(int fd) {
  if (epoll_fd_ < 0 || fd < 0) return 0;
  std::lock_guard<std::mutex> lock(mu_);
  Id id = next_id_++;
  epoll_event ev{};
  // Edge-triggered: a peer that stays half-closed is reported once, not on every wait.
  // EPOLLHUP and EPOLLERR are always reported.
  ev.events = EPOLLRDHUP | EPOLLET;
  ev.data.u64 = id;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return 0;
  entries_.emplace(id, Entry{});
  return id;
}

void DisconnectWatcher::remove(Id id, int fd) {
  if (id == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(id);
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

void DisconnectWatcher::arm(Id id, std::shared_ptr<CancelToken> token) {
  if (id == 0 || !token) return;
  bool hung_up = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    hung_up = it->second.hung_up;
    if (!hung_up) it->second.token = token;
  }
  if (hung_up) token->cancel(CancelReason::kCallerGone);
}

void DisconnectWatcher::disarm(Id id) {
  if (id == 0) return;
  std::shared_ptr<CancelToken> released;  // dropped outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(id);
  if (it != entries_.end()) released = std::move(it->second.token);
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
      Id id = events[i].data.u64;
      if (id == kWakeId) return;
      std::shared_ptr<CancelToken> token;
      {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = entries_.find(id);
        if (it == entries_.end()) continue;
        it->second.hung_up = true;
        token = it->second.token;
      }
      // Outside the lock: cancel callbacks (socket shutdowns) must not delay the others.
      if (token) token->cancel(CancelReason::kCallerGone);
    }
  }
}

}  // namespace understudy
