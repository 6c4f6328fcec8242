// HealthState: cooldowns shared by every request of one gateway process (design §5,
// "Shared state").
//
// A cooldown says "do not send to this key (or this whole provider) before time T". It is
// set when a provider asks us to back off (Retry-After on a 429 or 503) or a key fails
// authentication, and read by key choice for every later request; the router still uses a
// cooling target when it is the only target left. Time comes from the Clock the router
// uses, so cooldowns work in virtual time too. Thread-safe (one mutex). Future
// health-aware routing (circuit breakers, error rates) belongs here.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lib/core/clock.h"

namespace understudy {

struct CooldownEntry {
  std::string provider;
  std::string key;  // "" = the whole provider
  TimePoint until;
  std::string reason;  // e.g. "rate_limit (retry-after 30000 ms)"
};

class HealthState {
 public:
  // Extends (never shortens) the cooldown of (provider, key); key "" = whole provider.
  void cool_down(const std::string& provider, const std::string& key, TimePoint until,
                 std::string reason);
  // When (provider, key) becomes usable again, if it is cooling at `now` (the later of
  // the key's and the provider's cooldown); nullopt when usable now.
  std::optional<TimePoint> cooling_until(const std::string& provider, const std::string& key,
                                         TimePoint now) const;
  // Active cooldowns at `now`, for /health and `check`-style reports.
  std::vector<CooldownEntry> active(TimePoint now) const;
  void clear();

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, CooldownEntry> entries_;
};

}  // namespace understudy
