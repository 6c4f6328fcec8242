#include "lib/server/worker_pool.h"

#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

using namespace understudy;

TEST_CASE("worker pool: threads grow on demand up to the cap, then tasks queue") {
  WorkerPool pool(2);
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> done{0};
  auto blocker = [&] {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });
    ++done;
  };
  REQUIRE(pool.submit(blocker));
  REQUIRE(pool.submit(blocker));
  REQUIRE(pool.submit(blocker));  // queued: both threads are busy
  CHECK(pool.threads() == 2);
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  pool.stop();
  CHECK(done == 3);
  CHECK_FALSE(pool.submit([] {}));
}
