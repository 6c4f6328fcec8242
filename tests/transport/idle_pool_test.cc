#include "lib/transport/idle_pool.h"

#include <doctest/doctest.h>

#include <memory>

using namespace understudy;
using namespace std::chrono_literals;

namespace {

// Counts live instances and remembers which one it is.
struct FakeConnection final : PooledConnection {
  FakeConnection(int id, int* live) : id(id), live(live) { ++*live; }
  ~FakeConnection() override { --*live; }
  int id;
  int* live;
};

std::unique_ptr<PooledConnection> conn(int id, int* live) {
  return std::make_unique<FakeConnection>(id, live);
}

int id_of(const std::unique_ptr<PooledConnection>& c) {
  return c ? static_cast<FakeConnection*>(c.get())->id : -1;
}

const TimePoint t0{};

}  // namespace

TEST_CASE("idle pool: an empty key yields nothing") {
  IdlePool pool;
  CHECK(pool.take("http://a:80", t0) == nullptr);
  CHECK(pool.idle_count() == 0);
}

TEST_CASE("idle pool: hands out the most recently returned connection of the same key") {
  int live = 0;
  IdlePool pool;
  CHECK(pool.put("k", conn(1, &live), t0));
  CHECK(pool.put("k", conn(2, &live), t0 + 1ms));
  CHECK(pool.put("other", conn(3, &live), t0));
  CHECK(pool.idle_count("k") == 2);
  CHECK(id_of(pool.take("k", t0 + 2ms)) == 2);
  CHECK(id_of(pool.take("k", t0 + 2ms)) == 1);
  CHECK(pool.take("k", t0 + 2ms) == nullptr);
  CHECK(pool.idle_count() == 1);
  CHECK(live == 1);  // taken connections were destroyed by the caller
}

TEST_CASE("idle pool: keeps at most max_idle_per_key and destroys the extra ones") {
  int live = 0;
  IdlePool pool(IdlePoolLimits{2, 30000ms});
  CHECK(pool.put("k", conn(1, &live), t0));
  CHECK(pool.put("k", conn(2, &live), t0));
  CHECK_FALSE(pool.put("k", conn(3, &live), t0));
  CHECK(live == 2);
  CHECK(pool.idle_count("k") == 2);
  CHECK(pool.put("j", conn(4, &live), t0));  // the limit is per key
  CHECK(pool.idle_count() == 3);
}

TEST_CASE("idle pool: connections idle for max_idle_age are closed, not reused") {
  int live = 0;
  IdlePool pool(IdlePoolLimits{8, 1000ms});
  CHECK(pool.put("k", conn(1, &live), t0));
  CHECK(pool.put("k", conn(2, &live), t0 + 500ms));
  CHECK(pool.put("k", conn(3, &live), t0 + 900ms));
  // At t0+1200: 3 (idle 300 ms) is fresh; after it, 2 (700 ms) is still fresh.
  CHECK(id_of(pool.take("k", t0 + 1200ms)) == 3);
  // At t0+1600: 2 has been idle 1100 ms; it and the older 1 are dropped.
  CHECK(pool.take("k", t0 + 1600ms) == nullptr);
  CHECK(live == 0);
  CHECK(pool.idle_count() == 0);
}

TEST_CASE("idle pool: clear closes every idle connection") {
  int live = 0;
  IdlePool pool;
  CHECK(pool.put("a", conn(1, &live), t0));
  CHECK(pool.put("b", conn(2, &live), t0));
  pool.clear();
  CHECK(live == 0);
  CHECK(pool.idle_count() == 0);
}
