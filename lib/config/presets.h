// Provider presets: well-known providers with their wire format, base URL (including the
// version segment), key environment variable and a short list of current models.
//
// Used in three ways: zero-config (a preset is available when its variable is set; ollama
// always), a [providers.NAME] table whose NAME is a preset name, and `preset = "x"` under
// any name. The table is static and immutable; everything here is thread-safe.
#pragma once

#include <string>
#include <vector>

#include "lib/config/config.h"
#include "lib/config/env.h"

namespace understudy {

struct ProviderPreset {
  std::string name;         // "groq"
  ProviderType type;        // the wire format
  std::string base_url;     // "https://api.groq.com/openai/v1"
  std::string env_var;      // "GROQ_API_KEY"; "" for presets that need no key
  std::string alt_env_var;  // read when env_var is unset ("GOOGLE_API_KEY" for gemini)
  bool needs_key = true;
  std::vector<std::string> models;  // advertised in /v1/models and for bare-model lookup
};

const std::vector<ProviderPreset>& provider_presets();
const ProviderPreset* find_preset(const std::string& name);
std::vector<std::string> preset_names();

// The variable this preset's default key reads: env_var, or alt_env_var when only that one
// is set. "" for presets without a key.
std::string preset_key_var(const ProviderPreset& preset, const EnvLookup& env);

// The preset's base URL; for ollama, $OLLAMA_HOST ("host:port" or a URL) when set.
std::string preset_base_url(const ProviderPreset& preset, const EnvLookup& env);

// Sets type, preset, base_url, needs_key and models from the preset, and when it needs a key,
// a default key {name = "<provider.name>-1", value = "env.<VAR>"} resolved through `env`.
void apply_preset(const ProviderPreset& preset, const EnvLookup& env, ProviderConfig& provider);

}  // namespace understudy
