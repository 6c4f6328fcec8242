// parse_toml_config: understudy.toml -> Config (declared in loader.h).
#include <algorithm>
#include <filesystem>

#include "lib/config/chain_check.h"
#include "lib/config/config_table.h"
#include "lib/config/fault_rule_toml.h"
#include "lib/config/loader.h"
#include "lib/config/provider_toml.h"
#include "lib/config/sections_toml.h"
#include "lib/config/suggest.h"
#include "lib/config/toml_fields.h"

namespace understudy {

namespace {

const std::vector<std::string> kTopLevelKeys = {"server",   "routes", "providers",
                                                "fallback", "ask",    "faults"};

bool valid_provider_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c == '/' || std::isspace(static_cast<unsigned char>(c)) ||
        std::iscntrl(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

void parse_providers(TomlFields& f, const ProviderParseContext& ctx, Config& config) {
  for (auto&& [key, node] : f.table()) {
    std::string name(key.str());
    std::string path = f.path_of(name);
    if (!valid_provider_name(name)) {
      f.error_at(node, path,
                 "invalid provider name \"" + name +
                     "\": it must be non-empty without \"/\" or spaces, since "
                     "models are written provider/model");
      continue;
    }
    if (!node.is_table()) {
      f.type_error(node, path, "a table");
      continue;
    }
    ProviderConfig provider;
    provider.name = name;
    parse_provider(*node.as_table(), ctx, provider, f.errors());
    config.providers[name] = std::move(provider);
  }
  if (config.providers.empty()) {
    f.error_here("no providers: add at least one [providers.NAME] table");
  }
}

void check_fault_providers(const Config& config, std::vector<Diagnostic>& errors) {
  std::vector<std::string> names;
  for (const auto& [name, p] : config.providers) names.push_back(name);
  for (std::size_t i = 0; i < config.faults.size(); ++i) {
    const FaultRule& rule = config.faults[i];
    for (const std::string& provider : rule.providers) {
      if (config.provider(provider)) continue;
      errors.push_back(diagnostic_at_origin(
          false, rule.origin, "faults[" + std::to_string(i) + "].providers",
          "unknown provider \"" + provider + "\"" + suggestion_suffix(provider, names)));
    }
  }
}

bool listed(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The sections, in an order where every reference can be checked at the end. Sections
// named in `foreign` belong to an embedding document and are skipped.
void parse_sections(TomlFields& root, const ProviderParseContext& ctx,
                    const std::vector<std::string>& foreign, LoadResult& result) {
  Config& config = result.config;
  std::vector<ChainSite> sites;
  auto section = [&](const char* key) -> const toml::table* {
    return listed(foreign, key) ? nullptr : root.read_table(key);
  };
  auto fields = [&](const char* key, const toml::table& t) {
    return TomlFields(t, key, ctx.file, result.errors);
  };
  if (const toml::table* t = section("server")) {
    TomlFields f = fields("server", *t);
    parse_server(f, ctx.env, config.server);
  }
  if (const toml::table* t = section("providers")) {
    TomlFields f = fields("providers", *t);
    ProviderParseContext provider_ctx = ctx;
    provider_ctx.server_allows_direct_keys = config.server.allow_direct_keys;
    parse_providers(f, provider_ctx, config);
  } else if (!root.has("providers")) {
    root.error_here("no providers: add at least one [providers.NAME] table");
  }
  if (const toml::table* t = section("routes")) {
    TomlFields f = fields("routes", *t);
    parse_routes(f, config, sites);
  }
  if (const toml::table* t = section("fallback")) {
    TomlFields f = fields("fallback", *t);
    parse_fallback(f, config.fallback, sites);
  }
  if (const toml::table* t = section("ask")) {
    TomlFields f = fields("ask", *t);
    parse_ask(f, config.ask, sites);
  }
  const toml::node* faults = listed(foreign, "faults") ? nullptr : root.find("faults");
  if (faults) {
    parse_fault_rules(*faults, ctx.file, "faults", config.faults, result.errors);
  }
  check_chain_sites(config, sites, ctx.file, result.errors);
  check_route_cycles(config, result.errors);
  check_fault_providers(config, result.errors);
}

}  // namespace

LoadResult parse_toml_config(const std::string& text, const std::string& source_name,
                             const EnvLookup& env) {
  LoadResult result;
  result.config.source = source_name;
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    result.errors.push_back(toml_syntax_error(e, source_name));
    return result;
  }
  return parse_config_table(root, source_name, env);
}

LoadResult parse_config_table(const toml::table& root, const std::string& source_name,
                              const EnvLookup& env, const std::vector<std::string>& foreign_keys) {
  LoadResult result;
  result.config.source = source_name;
  TomlFields fields(root, "", source_name, result.errors);
  std::vector<std::string> allowed = kTopLevelKeys;
  for (const std::string& k : foreign_keys) {
    if (!listed(allowed, k)) allowed.push_back(k);
  }
  fields.reject_unknown(allowed);
  ProviderParseContext ctx{source_name, std::filesystem::path(source_name).parent_path().string(),
                           env};
  parse_sections(fields, ctx, foreign_keys, result);
  sort_by_line(result.errors);
  return result;
}

}  // namespace understudy
