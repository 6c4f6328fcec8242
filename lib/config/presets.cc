#include "lib/config/presets.h"

#include "lib/config/secret.h"

namespace understudy {

const std::vector<ProviderPreset>& provider_presets() {
  static const std::vector<ProviderPreset> presets = {
      {"openai",
       ProviderType::kOpenAI,
       "https://api.openai.com/v1",
       "OPENAI_API_KEY",
       "",
       true,
       {"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o3-mini"}},
      {"anthropic",
       ProviderType::kAnthropic,
       "https://api.anthropic.com/v1",
       "ANTHROPIC_API_KEY",
       "",
       true,
       {"claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1", "claude-3-5-haiku-latest"}},
      {"gemini",
       ProviderType::kGemini,
       "https://generativelanguage.googleapis.com/v1beta",
       "GEMINI_API_KEY",
       "GOOGLE_API_KEY",
       true,
       {"gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite", "gemini-2.0-flash"}},
      {"openrouter",
       ProviderType::kOpenAI,
       "https://openrouter.ai/api/v1",
       "OPENROUTER_API_KEY",
       "",
       true,
       {"openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5", "google/gemini-2.5-flash",
        "meta-llama/llama-3.3-70b-instruct"}},
      {"groq",
       ProviderType::kOpenAI,
       "https://api.groq.com/openai/v1",
       "GROQ_API_KEY",
       "",
       true,
       {"llama-3.3-70b-versatile", "llama-3.1-8b-instant"}},
      {"mistral",
       ProviderType::kOpenAI,
       "https://api.mistral.ai/v1",
       "MISTRAL_API_KEY",
       "",
       true,
       {"mistral-large-latest", "mistral-small-latest", "codestral-latest"}},
      {"together",
       ProviderType::kOpenAI,
       "https://api.together.xyz/v1",
       "TOGETHER_API_KEY",
       "",
       true,
       {"meta-llama/Llama-3.3-70B-Instruct-Turbo", "Qwen/Qwen2.5-72B-Instruct-Turbo"}},
      {"deepseek",
       ProviderType::kOpenAI,
       "https://api.deepseek.com",
       "DEEPSEEK_API_KEY",
       "",
       true,
       {"deepseek-chat", "deepseek-reasoner"}},
      {"xai",
       ProviderType::kOpenAI,
       "https://api.x.ai/v1",
       "XAI_API_KEY",
       "",
       true,
       {"grok-4", "grok-3", "grok-3-mini"}},
      {"fireworks",
       ProviderType::kOpenAI,
       "https://api.fireworks.ai/inference/v1",
       "FIREWORKS_API_KEY",
       "",
       true,
       {"accounts/fireworks/models/llama-v3p3-70b-instruct",
        "accounts/fireworks/models/qwen2p5-72b-instruct"}},
      {"ollama",
       ProviderType::kOpenAI,
       "http://localhost:11434/v1",
       "",
       "",
       false,
       {"llama3.2", "qwen2.5"}},
  };
  return presets;
}

const ProviderPreset* find_preset(const std::string& name) {
  for (const ProviderPreset& p : provider_presets()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const ProviderPreset& p : provider_presets()) names.push_back(p.name);
  return names;
}

std::string preset_key_var(const ProviderPreset& preset, const EnvLookup& env) {
  if (preset.env_var.empty()) return "";
  auto set = [&](const std::string& var) {
    auto v = env(var);
    return v && !v->empty();
  };
  if (!set(preset.env_var) && !preset.alt_env_var.empty() && set(preset.alt_env_var)) {
    return preset.alt_env_var;
  }
  return preset.env_var;
}

std::string preset_base_url(const ProviderPreset& preset, const EnvLookup& env) {
  if (preset.name != "ollama") return preset.base_url;
  auto host = env("OLLAMA_HOST");
  if (!host || host->empty()) return preset.base_url;
  std::string url = *host;
  if (url.find("://") == std::string::npos) url = "http://" + url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url + "/v1";
}

void apply_preset(const ProviderPreset& preset, const EnvLookup& env, ProviderConfig& provider) {
  provider.type = preset.type;
  provider.preset = preset.name;
  provider.base_url = preset_base_url(preset, env);
  provider.needs_key = preset.needs_key;
  provider.models = preset.models;
  provider.keys.clear();
  if (!preset.needs_key) return;
  ResolvedSecret secret = resolve_secret("env." + preset_key_var(preset, env), env);
  KeyConfig key;
  key.name = provider.name + "-1";
  key.source = secret.source;
  key.value = secret.value;
  key.present = secret.present;
  key.origin = provider.origin;
  provider.keys.push_back(std::move(key));
}

}  // namespace understudy
