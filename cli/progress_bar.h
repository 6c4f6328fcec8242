// ProgressBar: one self-rewriting line on stderr for long `simulate` runs.
//
// Draws only when stderr is a terminal (CI logs and pipes get nothing), at most every
// 100 ms of wall time, and erases itself when done, so reports on stdout are never mixed
// with it. update() is thread-safe (simulated callers report from their own threads).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace understudy::cli {

class ProgressBar {
 public:
  // Draws nothing unless stderr is a terminal and `enabled`.
  ProgressBar(std::string label, std::int64_t total, bool enabled);
  ~ProgressBar();

  void update(std::int64_t done);
  bool active() const { return active_; }

 private:
  void draw(std::int64_t done);
  void clear();

  std::string label_;
  std::int64_t total_;
  bool active_;
  bool drawn_ = false;
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace understudy::cli
