#include "lib/server/info_endpoints.h"

namespace understudy {

namespace {

Json model_entry(const std::string& id, const std::string& owner) {
  return Json{{"id", id}, {"object", "model"}, {"created", 0}, {"owned_by", owner}};
}

Json route_entry(const RouteConfig& route) {
  Json e = model_entry(route.name, "understudy");
  e["chain"] = route.chain;
  return e;
}

struct CooldownView {
  std::int64_t remaining_ms = 0;
  std::string reason;
};

std::optional<CooldownView> cooldown_of(const std::vector<CooldownEntry>& active,
                                        const std::string& provider, const std::string& key,
                                        TimePoint now) {
  for (const CooldownEntry& c : active) {
    if (c.provider == provider && c.key == key) {
      return CooldownView{millis_between(now, c.until), c.reason};
    }
  }
  return std::nullopt;
}

Json provider_health(const ProviderConfig& p, const std::vector<CooldownEntry>& active,
                     TimePoint now) {
  Json j = Json::object();
  j["type"] = provider_type_name(p.type);
  auto provider_cool = cooldown_of(active, p.name, "", now);
  int total = 0, available = 0;
  Json keys = Json::array();
  for (const KeyConfig& k : p.keys) {
    ++total;
    Json kj{{"name", k.name}};
    auto cool = cooldown_of(active, p.name, k.name, now);
    bool usable = k.present && !cool && !provider_cool;
    kj["available"] = usable;
    if (!k.present) kj["missing"] = true;
    if (cool) {
      kj["cooling_ms"] = cool->remaining_ms;
      kj["reason"] = cool->reason;
    }
    available += usable ? 1 : 0;
    keys.push_back(std::move(kj));
  }
  bool keyless = !p.needs_key && p.keys.empty();
  j["keys_total"] = total;
  j["keys_available"] = available;
  j["keys"] = std::move(keys);
  if (keyless) j["needs_key"] = false;
  if (p.allow_direct_keys) j["allow_direct_keys"] = true;
  if (provider_cool) {
    j["cooldown"] =
        Json{{"remaining_ms", provider_cool->remaining_ms}, {"reason", provider_cool->reason}};
  }
  std::string state = "ok";
  if (provider_cool) {
    state = "cooling";
  } else if (!keyless && available == 0 && !p.allow_direct_keys) {
    bool any_present = false;
    for (const KeyConfig& k : p.keys) any_present = any_present || k.present;
    state = any_present ? "cooling" : "no_keys";
  }
  j["state"] = state;
  return j;
}

}  // namespace

Json models_list(const Config& config) {
  Json data = Json::array();
  for (const auto& [name, p] : config.providers) {
    for (const std::string& m : p.models) data.push_back(model_entry(name + "/" + m, name));
  }
  for (const auto& [alias, route] : config.routes) data.push_back(route_entry(route));
  return Json{{"object", "list"}, {"data", std::move(data)}};
}

Json find_model(const Config& config, const std::string& id) {
  auto route = config.routes.find(id);
  if (route != config.routes.end()) return route_entry(route->second);
  std::size_t slash = id.find('/');
  if (slash == std::string::npos) return Json(nullptr);
  const ProviderConfig* p = config.provider(id.substr(0, slash));
  if (!p) return Json(nullptr);
  std::string model = id.substr(slash + 1);
  for (const std::string& m : p->models) {
    if (m == model) return model_entry(id, p->name);
  }
  return Json(nullptr);
}

Json health_report(const Config& config, const HealthState& health, TimePoint now,
                   const HealthInputs& inputs) {
  std::vector<CooldownEntry> active = health.active(now);
  Json providers = Json::object();
  for (const auto& [name, p] : config.providers) providers[name] = provider_health(p, active, now);
  return Json{{"status", inputs.draining ? "draining" : "ok"},
              {"uptime_ms", inputs.uptime_ms},
              {"in_flight", inputs.in_flight},
              {"queued", inputs.queued},
              {"providers", std::move(providers)}};
}

}  // namespace understudy
