#include "lib/router/key_choice.h"

#include <vector>

#include "lib/core/glob.h"

namespace understudy {

bool key_allows_model(const KeyConfig& key, const std::string& model) {
  if (key.models.empty()) return true;
  for (const std::string& pattern : key.models) {
    if (glob_match(pattern, model)) return true;
  }
  return false;
}

namespace {

struct Candidates {
  std::vector<const KeyConfig*> keys;
  int absent = 0, filtered = 0, failed = 0, cooling = 0;
};

// `allow_cooling` lets cooling keys in (only asked for when no other key is left).
Candidates collect(const KeyQuery& q, const HealthState& health, const std::string& except,
                   bool allow_cooling) {
  Candidates c;
  for (const KeyConfig& k : q.provider->keys) {
    if (k.name == except) continue;
    if (!k.present) {
      ++c.absent;
    } else if (!key_allows_model(k, q.model)) {
      ++c.filtered;
    } else if (q.failed && q.failed->count(k.name)) {
      ++c.failed;
    } else if (!allow_cooling && health.cooling_until(q.provider->name, k.name, q.now)) {
      ++c.cooling;
    } else {
      c.keys.push_back(&k);
    }
  }
  return c;
}

std::string explain(const KeyQuery& q, const Candidates& c) {
  if (q.provider->keys.empty()) return "no key configured";
  if (c.cooling > 0) return "every usable key is cooling down";
  if (c.failed > 0) return "every usable key already failed in this request";
  if (c.filtered > 0 && c.absent == 0) return "no key is allowed to use model " + q.model;
  return "no key is set (missing environment variable)";
}

}  // namespace

KeyChoiceResult choose_key(const KeyQuery& q, const HealthState& health, Random& random) {
  KeyChoiceResult r;
  const ProviderConfig& p = *q.provider;
  if (p.allow_direct_keys && !q.direct_key.empty()) {
    if (q.failed && q.failed->count("client")) {
      r.why = "the client's key already failed in this request";
      return r;
    }
    r.choice = KeyChoice{nullptr, q.direct_key, "client"};
    return r;
  }
  if (!p.needs_key && p.keys.empty()) {
    if (!q.allow_cooling && health.cooling_until(p.name, "", q.now)) {
      r.why = "provider is cooling down";
      return r;
    }
    r.choice = KeyChoice{};
    return r;
  }
  // A cooling key is used only when no other is left: on the last target a dead key must
  // not keep costing every other request an attempt.
  Candidates c = collect(q, health, "", false);
  if (c.keys.empty() && q.allow_cooling) c = collect(q, health, "", true);
  if (c.keys.empty()) {
    r.why = explain(q, c);
    return r;
  }
  std::size_t pick = 0;
  if (c.keys.size() > 1) {
    std::vector<double> w;
    for (const KeyConfig* k : c.keys) w.push_back(k->weight);
    pick = random.weighted_index(w);
  }
  const KeyConfig* k = c.keys[pick];
  r.choice = KeyChoice{k, k->value, k->name};
  return r;
}

bool has_other_key(const KeyQuery& q, const HealthState& health, const std::string& except) {
  if (!q.provider->needs_key && q.provider->keys.empty()) return false;
  if (q.provider->allow_direct_keys && !q.direct_key.empty()) return false;
  return !collect(q, health, except, q.allow_cooling).keys.empty();
}

}  // namespace understudy
