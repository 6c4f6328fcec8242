// Random: the randomness seam. Backoff jitter, weighted key choice and fault probabilities
// all draw from a Random handed in at construction, so a seed fixes every decision.
//
// SeededRandom is a splitmix64 generator behind a mutex: thread-safe, and the sequence of
// values is a pure function of the seed and the order of calls (which the VirtualClock
// makes deterministic in `simulate`). Real runs seed it from std::random_device.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

namespace understudy {

class Random {
 public:
  virtual ~Random() = default;
  virtual std::uint64_t next_u64() = 0;

  // Uniform in [0, 1).
  double uniform01();
  // Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
  // True with probability p (clamped to [0, 1]); p >= 1 consumes no randomness.
  bool chance(double p);
  // Index drawn in proportion to weights; all-zero or negative weights count as uniform.
  // Precondition: !weights.empty().
  std::size_t weighted_index(const std::vector<double>& weights);
  // Standard normal via Box-Muller.
  double normal(double mean, double stddev);
};

class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}
  // A seed from the OS entropy source, for real runs.
  static std::uint64_t entropy_seed();
  std::uint64_t next_u64() override;

 private:
  std::mutex mu_;
  std::uint64_t state_;
};

}  // namespace understudy
