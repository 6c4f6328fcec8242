#include "lib/core/random.h"

#include <cmath>
#include <random>

namespace understudy {

double Random::uniform01() {
  // 53 random bits -> [0, 1).
  return static_cast<double>(next_u64() >> 11) * (1.0 / 9007199254740992.0);
}

bool Random::chance(double p) {
  if (p >= 1.0) return true;
  if (p <= 0.0) return false;
  return uniform01() < p;
}

std::size_t Random::weighted_index(const std::vector<double>& weights) {
  double total = 0;
  for (double w : weights) total += w > 0 ? w : 0;
  if (total <= 0) return static_cast<std::size_t>(next_u64() % weights.size());
  double x = uniform01() * total;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    double w = weights[i] > 0 ? weights[i] : 0;
    if (x < w) return i;
    x -= w;
  }
  // Rounding: return the last positive weight.
  for (std::size_t i = weights.size(); i-- > 0;) {
    if (weights[i] > 0) return i;
  }
  return 0;
}

double Random::normal(double mean, double stddev) {
  double u1 = uniform01();
  double u2 = uniform01();
  if (u1 < 1e-300) u1 = 1e-300;
  double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  return mean + stddev * z;
}

std::uint64_t SeededRandom::entropy_seed() {
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

std::uint64_t SeededRandom::next_u64() {
  std::lock_guard<std::mutex> lock(mu_);
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace understudy
