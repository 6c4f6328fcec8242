#include "lib/config/config_lint.h"

#include <algorithm>
#include <set>

#include "lib/config/key_path.h"
#include "lib/core/glob.h"
#include "lib/model/model_ref.h"
#include "lib/router/plan.h"

namespace understudy {

namespace {

// One chain to lint: where it was written and what requests will resolve it to.
struct LintedChain {
  std::string path;                  // "routes.smart", "fallback.chains.\"openai/gpt-4o\""
  std::string origin;                // "understudy.toml:12", or the config source when unknown
  std::vector<std::string> entries;  // as written (route aliases unexpanded)
  std::vector<ModelRef> targets;     // resolved by make_plan, duplicates dropped
};

// Entries with route aliases expanded in place, keeping duplicates (so they can be named).
void expand(const Config& config, const std::string& entry, int depth,
            std::vector<std::string>& out) {
  auto route = config.routes.find(entry);
  if (looks_like_model_ref(entry) || route == config.routes.end() || depth > 16) {
    out.push_back(entry);
    return;
  }
  for (const std::string& e : route->second.chain) expand(config, e, depth + 1, out);
}

std::vector<std::string> duplicates(const Config& config, const std::vector<std::string>& entries) {
  std::vector<std::string> flat, seen, dups;
  for (const std::string& e : entries) expand(config, e, 0, flat);
  for (const std::string& e : flat) {
    if (std::find(seen.begin(), seen.end(), e) == seen.end()) {
      seen.push_back(e);
    } else if (std::find(dups.begin(), dups.end(), e) == dups.end()) {
      dups.push_back(e);
    }
  }
  return dups;
}

void warn(std::vector<Diagnostic>& out, const LintedChain& c, std::string message) {
  out.push_back(diagnostic_at_origin(true, c.origin, c.path, std::move(message)));
}

// `whole_chain` is false for fallback.default, which lists fallbacks only (the primary is
// whatever the request names), so "all on one provider" cannot be judged there.
void lint_chain(const Config& config, const LintedChain& c, bool whole_chain,
                std::vector<Diagnostic>& out) {
  for (const std::string& d : duplicates(config, c.entries)) {
    warn(out, c, "duplicate entry \"" + d + "\": the later copy is dropped");
  }
  std::set<std::string> providers;
  for (const ModelRef& t : c.targets) providers.insert(t.provider);
  if (whole_chain && c.targets.size() > 1 && providers.size() == 1) {
    warn(out, c,
         "all " + std::to_string(c.targets.size()) + " targets are on provider \"" +
             *providers.begin() + "\": an outage there takes the whole chain down");
  }
  for (const ModelRef& t : c.targets) {
    const ProviderConfig* p = config.provider(t.provider);
    if (!p || has_usable_key(config, *p, t.model)) continue;
    warn(out, c,
         "target \"" + t.str() + "\" has no usable key: provider \"" + t.provider +
             "\" has no key present whose models filter admits \"" + t.model + "\"");
  }
}

void lint_routes(const Config& config, std::vector<Diagnostic>& out) {
  for (const auto& [name, route] : config.routes) {
    LintedChain c{join_key("routes", name), route.origin, route.chain, {}};
    if (looks_like_model_ref(name)) {
      warn(out, c,
           "unreachable route: a name containing \"/\" is read as provider/model, so "
           "no request can select it; rename it");
      continue;
    }
    auto plan = make_plan(config, name, nullptr);
    if (!plan.ok()) continue;  // already a load error
    c.targets = plan->targets;
    lint_chain(config, c, true, out);
    bool any_usable = std::any_of(c.targets.begin(), c.targets.end(), [&](const ModelRef& t) {
      const ProviderConfig* p = config.provider(t.provider);
      return p && has_usable_key(config, *p, t.model);
    });
    if (!any_usable) warn(out, c, "unreachable route: none of its targets has a usable key");
  }
}

void lint_fallbacks(const Config& config, std::vector<Diagnostic>& out) {
  for (const auto& [primary, chain] : config.fallback.chains) {
    LintedChain c{join_key("fallback.chains", primary), config.source, chain, {}};
    c.entries.insert(c.entries.begin(), primary);
    auto plan = make_plan(config, primary, nullptr);
    if (!plan.ok()) continue;
    c.targets = plan->targets;
    lint_chain(config, c, true, out);
  }
  if (!config.fallback.default_chain.empty()) {
    LintedChain c{"fallback.default", config.source, config.fallback.default_chain, {}};
    for (const std::string& e : c.entries) {
      std::vector<std::string> flat;
      expand(config, e, 0, flat);
      for (const std::string& f : flat) {
        auto ref = parse_model_ref(f);
        if (ref.ok()) c.targets.push_back(*ref);
      }
    }
    lint_chain(config, c, false, out);
  }
}

}  // namespace

bool has_usable_key(const Config& config, const ProviderConfig& provider,
                    const std::string& model) {
  if (!provider.needs_key) return true;
  if (provider.keys.empty() && (provider.allow_direct_keys || config.server.allow_direct_keys)) {
    return true;
  }
  for (const KeyConfig& key : provider.keys) {
    if (!key.present) continue;
    if (key.models.empty()) return true;
    for (const std::string& glob : key.models) {
      if (glob_match(glob, model)) return true;
    }
  }
  return false;
}

std::vector<Diagnostic> lint_config(const Config& config) {
  std::vector<Diagnostic> out;
  lint_routes(config, out);
  lint_fallbacks(config, out);
  if (!config.ask.model.empty()) {
    auto plan = make_plan(config, config.ask.model,
                          config.ask.fallbacks.empty() ? nullptr : &config.ask.fallbacks);
    if (plan.ok()) {
      LintedChain c{"ask", config.source, {config.ask.model}, plan->targets};
      c.entries.insert(c.entries.end(), config.ask.fallbacks.begin(), config.ask.fallbacks.end());
      lint_chain(config, c, true, out);
    }
  }
  return out;
}

}  // namespace understudy
