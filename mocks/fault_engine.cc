#include "mocks/fault_engine.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "lib/core/glob.h"

namespace understudy {

namespace {
// Empty = any; entries are globs ("gpt-4o*").
bool listed(const std::vector<std::string>& list, const std::string& v) {
  if (list.empty()) return true;
  for (const std::string& pattern : list) {
    if (glob_match(pattern, v)) return true;
  }
  return false;
}
}  // namespace

FaultEngine::FaultEngine(std::vector<FaultRule> rules, Random& random) : random_(random) {
  for (FaultRule& r : rules) {
    if (r.enabled && !r.actions.empty()) rules_.push_back(std::move(r));
  }
  std::stable_sort(rules_.begin(), rules_.end(),
                   [](const FaultRule& a, const FaultRule& b) { return a.priority > b.priority; });
  for (const FaultRule& r : rules_) {
    if (r.message_regex.empty()) {
      regexes_.emplace_back();
      continue;
    }
    try {
      regexes_.emplace_back(std::regex(r.message_regex, std::regex::ECMAScript));
    } catch (const std::regex_error&) {
      // The config loader validates regexes; an invalid one here never matches.
      regexes_.emplace_back(std::regex("$^"));
    }
  }
  hits_.assign(rules_.size(), 0);
}

bool FaultEngine::matches(std::size_t i, const FaultQuery& q) const {
  const FaultRule& r = rules_[i];
  if (!listed(r.providers, q.provider) || !listed(r.models, q.model)) return false;
  if (!listed(r.keys, q.key)) return false;
  if (!r.attempts.empty() &&
      std::find(r.attempts.begin(), r.attempts.end(), q.try_number) == r.attempts.end()) {
    return false;
  }
  if (r.request_from && q.request_index < *r.request_from) return false;
  if (r.request_to && q.request_index >= *r.request_to) return false;
  if (r.after && q.since_start < *r.after) return false;
  if (r.until && q.since_start >= *r.until) return false;
  if (r.stream_only && !q.stream) return false;
  if (r.non_stream_only && q.stream) return false;
  if (r.times && hits_[i] >= *r.times) return false;
  if (regexes_[i] && !std::regex_search(q.last_user_message, *regexes_[i])) return false;
  return true;
}

std::optional<FaultDecision> FaultEngine::decide(const FaultQuery& q) {
  std::lock_guard<std::mutex> lock(mu_);
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (!matches(i, q)) continue;
    if (!random_.chance(rules_[i].probability)) continue;
    ++hits_[i];
    const FaultRule& r = rules_[i];
    std::size_t pick = 0;
    if (r.actions.size() > 1) {
      std::vector<double> w;
      for (const FaultAction& a : r.actions) w.push_back(a.weight);
      pick = random_.weighted_index(w);
    }
    return FaultDecision{&r, r.actions[pick]};
  }
  return std::nullopt;
}

std::int64_t sample_latency_ms(const LatencySpec& spec, Random& random) {
  double ms = 0;
  switch (spec.kind) {
    case LatencySpec::Kind::kNone:
      return 0;
    case LatencySpec::Kind::kFixed:
      ms = spec.a;
      break;
    case LatencySpec::Kind::kUniform:
      ms = random.uniform(spec.a, spec.b);
      break;
    case LatencySpec::Kind::kNormal:
      ms = random.normal(spec.a, spec.b);
      break;
    case LatencySpec::Kind::kLognormal:
      ms = spec.a * std::exp(random.normal(0.0, spec.b));
      break;
  }
  if (!std::isfinite(ms) || ms < 0) return 0;
  return static_cast<std::int64_t>(std::llround(ms));
}

}  // namespace understudy
