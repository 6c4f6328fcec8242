#include "lib/router/backoff.h"

#include <doctest/doctest.h>

using namespace understudy;

TEST_CASE("backoff: doubles from backoff_initial and caps at backoff_max") {
  RetryPolicy p;  // 500 ms .. 5 s
  CHECK(backoff_base(p, 1) == Millis(500));
  CHECK(backoff_base(p, 2) == Millis(1000));
  CHECK(backoff_base(p, 3) == Millis(2000));
  CHECK(backoff_base(p, 4) == Millis(4000));
  CHECK(backoff_base(p, 5) == Millis(5000));
  CHECK(backoff_base(p, 1000) == Millis(5000));
  CHECK(backoff_base(p, 0) == Millis(500));
}

TEST_CASE("backoff: jitter stays within +-20% of the base") {
  RetryPolicy p;
  SeededRandom rng(1);
  for (int retry = 1; retry <= 6; ++retry) {
    std::int64_t base = backoff_base(p, retry).count();
    for (int i = 0; i < 2000; ++i) {
      std::int64_t d = backoff_delay(p, retry, rng).count();
      CHECK(d >= base * 8 / 10);
      CHECK(d <= base * 12 / 10);
    }
  }
}

TEST_CASE("backoff: jitter is deterministic under a seed and varies across seeds") {
  RetryPolicy p;
  SeededRandom a(99), b(99), c(100);
  std::vector<std::int64_t> xa, xb, xc;
  for (int i = 1; i <= 20; ++i) {
    xa.push_back(backoff_delay(p, i, a).count());
    xb.push_back(backoff_delay(p, i, b).count());
    xc.push_back(backoff_delay(p, i, c).count());
  }
  CHECK(xa == xb);
  CHECK(xa != xc);
}

TEST_CASE("backoff: zero jitter gives the exact base") {
  RetryPolicy p;
  p.jitter = 0;
  SeededRandom rng(5);
  CHECK(backoff_delay(p, 3, rng) == Millis(2000));
}
