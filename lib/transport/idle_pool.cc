#include "lib/transport/idle_pool.h"

#include <utility>

namespace understudy {

std::unique_ptr<PooledConnection> IdlePool::take(const std::string& key, TimePoint now) {
  std::vector<Idle> expired;  // destroyed after the lock is released
  std::unique_ptr<PooledConnection> found;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = idle_.find(key);
    if (it == idle_.end()) return nullptr;
    std::vector<Idle>& list = it->second;
    while (!list.empty() && !found) {
      Idle newest = std::move(list.back());
      list.pop_back();
      if (now - newest.since < limits_.max_idle_age) {
        found = std::move(newest.conn);
      } else {
        expired.push_back(std::move(newest));
      }
    }
    // Everything older than an expired connection has expired too.
    if (!expired.empty()) {
      for (Idle& idle : list) expired.push_back(std::move(idle));
      list.clear();
    }
    if (list.empty()) idle_.erase(it);
  }
  return found;
}

bool IdlePool::put(const std::string& key, std::unique_ptr<PooledConnection> conn, TimePoint now) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Idle>& list = idle_[key];
    if (list.size() < limits_.max_idle_per_key) {
      list.push_back(Idle{std::move(conn), now});
      return true;
    }
    if (list.empty()) idle_.erase(key);
  }
  conn.reset();  // closing may do I/O: outside the lock
  return false;
}

size_t IdlePool::idle_count(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = idle_.find(key);
  return it == idle_.end() ? 0 : it->second.size();
}

size_t IdlePool::idle_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [key, list] : idle_) n += list.size();
  return n;
}

void IdlePool::clear() {
  std::map<std::string, std::vector<Idle>> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    dropped.swap(idle_);
  }
}

}  // namespace understudy
