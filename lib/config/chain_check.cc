#include "lib/config/chain_check.h"

#include <algorithm>

#include "lib/config/key_path.h"
#include "lib/config/suggest.h"
#include "lib/model/model_ref.h"
#include "lib/router/plan.h"

namespace understudy {

namespace {

std::vector<std::string> provider_names(const Config& config) {
  std::vector<std::string> names;
  for (const auto& [name, p] : config.providers) names.push_back(name);
  return names;
}

std::string route_list(const Config& config) {
  std::vector<std::string> names;
  for (const auto& [name, r] : config.routes) names.push_back(name);
  return names.empty() ? "(none)" : join_names(names);
}

// "openai/gpt-4o" when exactly one provider lists `model`.
std::string unique_owner_ref(const Config& config, const std::string& model) {
  std::string found;
  for (const auto& [name, p] : config.providers) {
    if (std::find(p.models.begin(), p.models.end(), model) == p.models.end()) continue;
    if (!found.empty()) return "";
    found = name + "/" + model;
  }
  return found;
}

}  // namespace

std::string chain_entry_problem(const Config& config, const std::string& entry, bool allow_routes) {
  if (looks_like_model_ref(entry)) {
    auto ref = parse_model_ref(entry);
    if (!ref.ok()) return ref.status().message();
    if (config.provider(ref->provider)) return "";
    std::vector<std::string> names = provider_names(config);
    std::string hint;
    if (auto near = nearest_name(ref->provider, names)) hint = "did you mean \"" + *near + "\"? ";
    return "\"" + entry + "\" names unknown provider \"" + ref->provider + "\" (" + hint +
           "known providers: " + known_providers(config) + ")";
  }
  if (allow_routes && config.routes.count(entry)) return "";
  std::string owner = unique_owner_ref(config, entry);
  std::string out = "\"" + entry + "\" is not provider/model" +
                    std::string(allow_routes ? " nor a route" : "") + " (";
  if (!owner.empty()) out += "did you mean \"" + owner + "\"? ";
  out += "known providers: " + known_providers(config);
  if (allow_routes) out += "; routes: " + route_list(config);
  return out + ")";
}

void check_chain_sites(const Config& config, const std::vector<ChainSite>& sites,
                       const std::string& file, std::vector<Diagnostic>& errors) {
  for (const ChainSite& site : sites) {
    for (std::size_t i = 0; i < site.entries.size(); ++i) {
      std::string problem = chain_entry_problem(config, site.entries[i], site.allow_routes);
      if (problem.empty()) continue;
      std::string path = site.single ? site.path : site.path + "[" + std::to_string(i) + "]";
      errors.push_back(make_error(file, site.lines[i], path, problem));
    }
  }
}

namespace {

enum class Mark { kNew, kOnStack, kDone };

void visit_route(const Config& config, const std::string& name, std::map<std::string, Mark>& marks,
                 std::vector<std::string>& stack, std::vector<Diagnostic>& errors) {
  marks[name] = Mark::kOnStack;
  stack.push_back(name);
  const RouteConfig& route = config.routes.at(name);
  for (const std::string& entry : route.chain) {
    if (looks_like_model_ref(entry) || !config.routes.count(entry)) continue;
    Mark mark = marks[entry];
    if (mark == Mark::kOnStack) {
      auto start = std::find(stack.begin(), stack.end(), entry);
      std::string cycle;
      for (auto it = start; it != stack.end(); ++it) cycle += *it + " -> ";
      errors.push_back(diagnostic_at_origin(false, route.origin,
                                            join_key("routes", name) + ".chain",
                                            "route cycle: " + cycle + entry));
    } else if (mark == Mark::kNew) {
      visit_route(config, entry, marks, stack, errors);
    }
  }
  stack.pop_back();
  marks[name] = Mark::kDone;
}

}  // namespace

void check_route_cycles(const Config& config, std::vector<Diagnostic>& errors) {
  std::map<std::string, Mark> marks;
  std::vector<std::string> stack;
  for (const auto& [name, route] : config.routes) {
    if (marks[name] == Mark::kNew) visit_route(config, name, marks, stack, errors);
  }
}

}  // namespace understudy
