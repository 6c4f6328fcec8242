// DisconnectWatcher: notices clients that hang up while their request is being served, and
// cancels the request's CancelToken with kCallerGone, so the router abandons the upstream
// attempt at once (no orphaned upstream streams) — also while it is blocked waiting for the
// upstream and nothing is being written to the client.
//
// One thread waits in epoll for EPOLLRDHUP / EPOLLHUP / EPOLLERR on the sockets of requests
// in progress: a peer that closes or resets its connection wakes it immediately, and a
// connection that is merely quiet costs nothing. Only hang-ups are watched, not readable
// data, so a pipelined next request does not count as a disconnect; a client that
// half-closes its sending side after the request (shutdown(SHUT_WR)) does count, as it does
// for most proxies. Registrations are one-shot.
//
// watch() and unwatch() are called by connection threads; unwatch() must come before the
// socket is closed (so a reused descriptor can never be mistaken for the old connection).
// Thread-safe. The destructor stops the thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "lib/core/cancel.h"
#include "lib/core/status.h"

namespace understudy {

class DisconnectWatcher {
 public:
  DisconnectWatcher();
  ~DisconnectWatcher();
  DisconnectWatcher(const DisconnectWatcher&) = delete;
  DisconnectWatcher& operator=(const DisconnectWatcher&) = delete;

  // False when epoll is unavailable; then watch() is a no-op and only failed writes detect
  // a departed client.
  bool ok() const { return epoll_fd_ >= 0; }

  void watch(int fd, std::shared_ptr<CancelToken> token);
  void unwatch(int fd);

 private:
  void loop();

  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd that ends loop()
  std::mutex mu_;
  std::map<int, std::shared_ptr<CancelToken>> tokens_;
  std::thread thread_;
};

}  // namespace understudy
