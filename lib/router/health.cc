#include "lib/router/health.h"

namespace understudy {

void HealthState::cool_down(const std::string& provider, const std::string& key, TimePoint until,
                            std::string reason) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& e = entries_[{provider, key}];
  if (e.provider.empty() || until > e.until) {
    e = CooldownEntry{provider, key, until, std::move(reason)};
  }
}

std::optional<TimePoint> HealthState::cooling_until(const std::string& provider,
                                                    const std::string& key, TimePoint now) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<TimePoint> out;
  for (const std::string& k : {key, std::string()}) {
    auto it = entries_.find({provider, k});
    if (it != entries_.end() && it->second.until > now) {
      if (!out || it->second.until > *out) out = it->second.until;
    }
    if (key.empty()) break;
  }
  return out;
}

std::vector<CooldownEntry> HealthState::active(TimePoint now) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<CooldownEntry> out;
  for (const auto& [k, e] : entries_) {
    if (e.until > now) out.push_back(e);
  }
  return out;
}

void HealthState::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
}

}  // namespace understudy
