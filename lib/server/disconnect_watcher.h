// DisconnectWatcher: notices clients that hang up while their request is being served, and
// cancels the request's CancelToken with kCallerGone, so the router abandons the upstream
// attempt at once (no orphaned upstream streams) — also while it is blocked waiting for the
// upstream and nothing is being written to the client.
//
// One thread waits in epoll for EPOLLRDHUP / EPOLLHUP / EPOLLERR on the client sockets: a peer
// that closes or resets its connection wakes it immediately, and a connection that is merely
// quiet costs nothing. Only hang-ups are watched, not readable data, so a pipelined next
// request does not count as a disconnect; a client that half-closes its sending side after
// the request (shutdown(SHUT_WR)) does count, as it does for most proxies.
//
// A connection's socket is registered once, for its whole life (add / remove: one epoll_ctl
// each), and each request only arms and disarms a token under a mutex: no system call per
// request. Registrations are edge-triggered; a hang-up is remembered, so a request armed
// after its client already hung up is cancelled at once. Events carry a registration id
// rather than the descriptor, so an event for a closed connection can never reach a later
// connection that reuses its descriptor number.
//
// Connection threads call add/arm/disarm/remove; remove() must come before the socket is
// closed. Thread-safe. The destructor stops the thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "lib/core/cancel.h"

namespace understudy {

class DisconnectWatcher {
 public:
  using Id = std::uint64_t;  // 0: not registered

  DisconnectWatcher();
  ~DisconnectWatcher();
  DisconnectWatcher(const DisconnectWatcher&) = delete;
  DisconnectWatcher& operator=(const DisconnectWatcher&) = delete;

  // False when epoll is unavailable; then add() returns 0, arm() is a no-op and only failed
  // writes detect a departed client.
  bool ok() const { return epoll_fd_ >= 0; }

  // Starts watching a connection's socket; returns its id (0 if it cannot be watched).
  Id add(int fd);
  // Stops watching; call before closing `fd`.
  void remove(Id id, int fd);
  // A request is in progress on the connection: a hang-up cancels `token` (at once if the
  // client has hung up already).
  void arm(Id id, std::shared_ptr<CancelToken> token);
  // The request is over: a hang-up no longer cancels it.
  void disarm(Id id);

 private:
  struct Entry {
    std::shared_ptr<CancelToken> token;  // of the request in progress, if any
    bool hung_up = false;
  };

  void loop();

  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd that ends loop()
  std::mutex mu_;
  Id next_id_ = 1;
  std::unordered_map<Id, Entry> entries_;
  std::thread thread_;
};

}  // namespace understudy
