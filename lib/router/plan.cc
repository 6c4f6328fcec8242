#include "lib/router/plan.h"

#include <algorithm>

namespace understudy {

std::string known_providers(const Config& config) {
  if (config.providers.empty()) return "(none configured)";
  std::string out;
  for (const auto& [name, p] : config.providers) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

namespace {

std::string known_routes(const Config& config) {
  std::string out;
  for (const auto& [name, r] : config.routes) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

// A bare model name served by exactly one provider's `models` list.
const ProviderConfig* unique_owner(const Config& config, const std::string& model) {
  const ProviderConfig* owner = nullptr;
  for (const auto& [name, p] : config.providers) {
    if (std::find(p.models.begin(), p.models.end(), model) != p.models.end()) {
      if (owner) return nullptr;
      owner = &p;
    }
  }
  return owner;
}

// Expands one entry into refs: a provider/model, or a route alias.
Status expand_entry(const Config& config, const std::string& entry, const std::string& field,
                    std::vector<ModelRef>& out, std::string* route_used, int depth = 0) {
  if (!looks_like_model_ref(entry)) {
    auto r = config.routes.find(entry);
    if (r != config.routes.end()) {
      // The config loader rejects cycles; this guard keeps a hand-built Config safe too.
      if (depth > 8)
        return invalid_argument(field + ": route \"" + entry + "\" nests too deeply (a cycle?)",
                                field);
      if (route_used) *route_used = entry;
      for (const std::string& e : r->second.chain) {
        Status s = expand_entry(config, e, field, out, nullptr, depth + 1);
        if (!s.ok()) return s;
      }
      return Status::Ok();
    }
    if (const ProviderConfig* owner = unique_owner(config, entry)) {
      out.push_back(ModelRef{owner->name, entry});
      return Status::Ok();
    }
    std::string routes = known_routes(config);
    return invalid_argument(field + " \"" + entry +
                                "\" has no provider and is not a route: use provider/model "
                                "(known providers: " +
                                known_providers(config) + ")" +
                                (routes.empty() ? "" : " or a route (" + routes + ")"),
                            field);
  }
  auto ref = parse_model_ref(entry);
  if (!ref.ok()) return invalid_argument(field + ": " + ref.status().message(), field);
  if (!config.provider(ref->provider)) {
    return invalid_argument(field + " \"" + entry + "\" names unknown provider \"" + ref->provider +
                                "\" (known providers: " + known_providers(config) + ")",
                            field);
  }
  out.push_back(*ref);
  return Status::Ok();
}

}  // namespace

Result<FallbackPlan> make_plan(const Config& config, const std::string& model,
                               const std::vector<std::string>* request_fallbacks) {
  FallbackPlan plan;
  plan.requested = model;
  std::vector<ModelRef> refs;
  Status s = expand_entry(config, model, "model", refs, &plan.route);
  if (!s.ok()) return s;
  if (request_fallbacks) {
    refs.resize(1);  // the request's own fallbacks replace the route's
    for (size_t i = 0; i < request_fallbacks->size(); ++i) {
      s = expand_entry(config, (*request_fallbacks)[i], "fallbacks[" + std::to_string(i) + "]",
                       refs, nullptr);
      if (!s.ok()) return s;
    }
  } else if (plan.route.empty()) {
    auto it = config.fallback.chains.find(refs[0].str());
    const std::vector<std::string>& chain =
        it != config.fallback.chains.end() ? it->second : config.fallback.default_chain;
    for (size_t i = 0; i < chain.size(); ++i) {
      s = expand_entry(config, chain[i], "fallback chain entry \"" + chain[i] + "\"", refs,
                       nullptr);
      if (!s.ok()) return s;
    }
  }
  for (const ModelRef& r : refs) {
    if (std::find(plan.targets.begin(), plan.targets.end(), r) != plan.targets.end()) {
      ++plan.duplicates_dropped;
      continue;
    }
    plan.targets.push_back(r);
  }
  return plan;
}

}  // namespace understudy
