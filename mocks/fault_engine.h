// FaultEngine: decides which fault rule (if any) applies to one attempt, and which of the
// rule's weighted actions it takes (design §8, §9; lib/config/fault_rule.h).
//
// Rules are tried by priority (higher first), then file order. A rule matches when every
// condition it sets holds; its probability is then drawn from the seeded Random, and its
// `times` budget is consumed only when it fires. Shared by the `[[faults]]` hook of
// serve/ask, by simulate, and by `understudy mock`. Thread-safe (one mutex around the
// hit counters); draws happen in call order, so under the VirtualClock they are
// deterministic.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "lib/config/fault_rule.h"
#include "lib/core/clock.h"
#include "lib/core/random.h"

namespace understudy {

struct FaultQuery {
  std::string provider;
  std::string model;
  std::string key;     // key name, "" when none
  int try_number = 1;  // 1-based per target
  std::int64_t request_index = 0;
  Millis since_start{0};  // time since the engine's start
  std::string last_user_message;
  bool stream = false;
};

struct FaultDecision {
  const FaultRule* rule = nullptr;  // points into the engine; valid for its lifetime
  FaultAction action;
};

class FaultEngine {
 public:
  // Rules with enabled = false are dropped. Precondition: each rule has >= 1 action.
  FaultEngine(std::vector<FaultRule> rules, Random& random);

  // The action to take, or nullopt when no rule fires.
  std::optional<FaultDecision> decide(const FaultQuery& q);

  bool empty() const { return rules_.empty(); }
  const std::vector<FaultRule>& rules() const { return rules_; }

 private:
  bool matches(std::size_t i, const FaultQuery& q) const;

  std::vector<FaultRule> rules_;
  std::vector<std::optional<std::regex>> regexes_;
  std::vector<std::int64_t> hits_;
  Random& random_;
  std::mutex mu_;
};

// Samples a latency in ms (>= 0) from a spec.
std::int64_t sample_latency_ms(const LatencySpec& spec, Random& random);

}  // namespace understudy
