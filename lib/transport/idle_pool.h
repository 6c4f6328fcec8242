// IdlePool: keep-alive connections waiting for their next request, grouped by a key that
// names everything a connection is bound to (scheme, host, port, TLS settings).
//
// The pool owns only idle connections. take() hands one to a caller, who owns it for the
// whole request and either gives it back with put() after a clean, complete response or
// simply destroys it after any error or cancellation. Connections are handed out most
// recently used first, so a few warm connections serve a steady load and the rest age out.
// A connection idle for longer than max_idle_age is dropped rather than handed out (servers
// close idle keep-alive connections after a while, and a request sent on a connection the
// server is closing fails for no good reason). At most max_idle_per_key connections are kept
// per key; put() drops the extra ones.
//
// Thread-safe. Dropped connections are destroyed outside the pool's lock, because closing a
// connection may do I/O (a TLS close_notify). The pool reads no clock itself: callers pass
// `now`, which keeps it testable without sleeping. No errors.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lib/core/clock.h"

namespace understudy {

// Anything the pool can hold. The destructor closes the connection.
class PooledConnection {
 public:
  virtual ~PooledConnection() = default;
};

struct IdlePoolLimits {
  size_t max_idle_per_key = 64;
  Millis max_idle_age{30000};
};

class IdlePool {
 public:
  explicit IdlePool(IdlePoolLimits limits = {}) : limits_(limits) {}
  IdlePool(const IdlePool&) = delete;
  IdlePool& operator=(const IdlePool&) = delete;

  // The most recently returned connection for `key` that has been idle for less than
  // max_idle_age, or null. Older connections for `key` are dropped on the way.
  std::unique_ptr<PooledConnection> take(const std::string& key, TimePoint now);

  // Keeps `conn` idle under `key`. Returns false (and destroys conn) if `key` already
  // holds max_idle_per_key connections.
  bool put(const std::string& key, std::unique_ptr<PooledConnection> conn, TimePoint now);

  size_t idle_count(const std::string& key) const;
  size_t idle_count() const;

  // Drops every idle connection.
  void clear();

 private:
  struct Idle {
    std::unique_ptr<PooledConnection> conn;
    TimePoint since;
  };

  const IdlePoolLimits limits_;
  mutable std::mutex mu_;
  std::map<std::string, std::vector<Idle>> idle_;  // per key, oldest first
};

}  // namespace understudy
