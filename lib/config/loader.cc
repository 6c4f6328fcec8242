// File loading, zero-config and the config search order (declared in loader.h).
#include "lib/config/loader.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "lib/config/presets.h"

namespace understudy {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool path_exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

}  // namespace

LoadResult load_config_file(const std::string& path, const EnvLookup& env) {
  struct stat st;
  std::ifstream in(path, std::ios::binary);
  if (stat(path.c_str(), &st) != 0 || !in) {
    LoadResult result;
    result.config.source = path;
    result.errors.push_back(make_error(path, 0, "", "cannot read the file (does it exist?)"));
    return result;
  }
  if (S_ISDIR(st.st_mode)) {
    LoadResult result;
    result.config.source = path;
    result.errors.push_back(make_error(path, 0, "", "is a directory, not a config file"));
    return result;
  }
  std::stringstream text;
  text << in.rdbuf();
  if (ends_with(path, ".json")) return parse_bifrost_json(text.str(), path, env);
  return parse_toml_config(text.str(), path, env);
}

LoadResult zero_config(const EnvLookup& env) {
  LoadResult result;
  result.config.source = "<presets>";
  for (const ProviderPreset& preset : provider_presets()) {
    ProviderConfig provider;
    provider.name = preset.name;
    provider.origin = "<presets>";
    apply_preset(preset, env, provider);
    bool usable = !preset.needs_key || (!provider.keys.empty() && provider.keys[0].present);
    if (usable) result.config.providers[preset.name] = std::move(provider);
  }
  return result;
}

ConfigLocation locate_config(const std::optional<std::string>& flag_path, const EnvLookup& env) {
  if (flag_path) return ConfigLocation{*flag_path, "--config", true};
  if (auto from_env = env("UNDERSTUDY_CONFIG"); from_env && !from_env->empty()) {
    return ConfigLocation{*from_env, "$UNDERSTUDY_CONFIG", true};
  }
  if (path_exists("understudy.toml")) return ConfigLocation{"understudy.toml", "./understudy.toml"};
  return ConfigLocation{"", "zero-config"};
}

LoadResult load_default_config(const std::optional<std::string>& flag_path, const EnvLookup& env) {
  ConfigLocation where = locate_config(flag_path, env);
  if (where.path.empty()) return zero_config(env);
  return load_config_file(where.path, env);
}

}  // namespace understudy
