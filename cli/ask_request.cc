#include "cli/ask_request.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "lib/config/presets.h"
#include "lib/core/duration.h"

namespace understudy::cli {

namespace {

std::string trim_right(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

bool only_space(const std::string& s) {
  for (char c : s) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// A bare number of seconds: digits with at most one decimal point.
std::optional<Millis> bare_seconds(std::string_view text) {
  std::string s(text);
  if (s.empty() || s.find_first_not_of("0123456789.") != std::string::npos) return std::nullopt;
  char* end = nullptr;
  double seconds = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return Millis(static_cast<std::int64_t>(seconds * 1000.0 + 0.5));
}

bool has_present_key(const ProviderConfig& p) {
  for (const KeyConfig& k : p.keys) {
    if (k.present) return true;
  }
  return false;
}

// Providers that come from a preset and have a key, in preset-table order.
std::vector<const ProviderConfig*> keyed_preset_providers(const Config& config) {
  std::vector<const ProviderConfig*> out;
  for (const ProviderPreset& preset : provider_presets()) {
    for (const auto& [name, provider] : config.providers) {
      std::string preset_name = provider.preset.empty() ? name : provider.preset;
      if (preset_name == preset.name && provider.needs_key && has_present_key(provider)) {
        out.push_back(&provider);
      }
    }
  }
  return out;
}

std::string model_for(const ProviderConfig& p) {
  return p.name + "/" + preset_default_model(p.preset.empty() ? p.name : p.preset);
}

bool config_has_chain_for(const Config& config, const std::string& model) {
  return config.fallback.chains.count(model) > 0 || !config.fallback.default_chain.empty();
}

// A hint naming a model the config does offer, for the "no default model" message.
std::string example_model(const Config& config) {
  for (const auto& [name, route] : config.routes) return name;
  for (const auto& [name, provider] : config.providers) {
    if (!provider.models.empty()) return name + "/" + provider.models.front();
  }
  return "provider/model";
}

}  // namespace

Result<Millis> parse_timeout(std::string_view text) {
  std::optional<Millis> ms = bare_seconds(text);
  if (!ms) {
    auto parsed = parse_duration(text);
    if (!parsed.ok()) {
      return invalid_argument("--timeout \"" + std::string(text) +
                                  "\" is not a duration: give seconds (30) or a duration such "
                                  "as 30s, 1m30s, 500ms",
                              "--timeout");
    }
    ms = *parsed;
  }
  if (ms->count() <= 0) {
    return invalid_argument("--timeout must be above zero", "--timeout");
  }
  return *ms;
}

bool prompt_needs_stdin(const std::vector<std::string>& words, bool stdin_is_terminal) {
  if (words.empty()) return !stdin_is_terminal;
  for (const std::string& w : words) {
    if (w == "-") return true;
  }
  return false;
}

Result<std::string> assemble_prompt(const std::vector<std::string>& words,
                                    const std::optional<std::string>& stdin_text) {
  std::string piped = stdin_text ? trim_right(*stdin_text) : "";
  std::string prompt;
  if (words.empty()) {
    prompt = piped;
  } else {
    for (const std::string& w : words) {
      if (!prompt.empty()) prompt += ' ';
      prompt += w == "-" ? piped : w;
    }
  }
  if (only_space(prompt)) {
    return invalid_argument(
        "no prompt: give it as arguments (understudy ask \"why is the sky blue?\"), pipe it on "
        "stdin, or pass - to read stdin",
        "prompt");
  }
  return prompt;
}

std::string preset_default_model(const std::string& preset_name) {
  if (preset_name == "openai") return "gpt-4o-mini";
  if (preset_name == "anthropic") return "claude-haiku-4-5";
  if (preset_name == "gemini") return "gemini-2.5-flash";
  const ProviderPreset* preset = find_preset(preset_name);
  if (preset && !preset->models.empty()) return preset->models.front();
  return "default";
}

std::string no_provider_message() {
  std::vector<std::pair<std::string, std::string>> rows;  // variable(s), provider
  size_t width = 0;
  for (const ProviderPreset& p : provider_presets()) {
    if (p.env_var.empty()) continue;
    std::string var = p.env_var;
    if (!p.alt_env_var.empty()) var += " or " + p.alt_env_var;
    width = std::max(width, var.size());
    rows.emplace_back(var, p.name);
  }
  std::string vars;
  for (const auto& [var, name] : rows) {
    vars += "  " + var + std::string(width - var.size() + 2, ' ') + name + "\n";
  }
  return "no provider is configured: set one of these environment variables\n" + vars +
         "or write a config file (understudy.toml here, $UNDERSTUDY_CONFIG, or --config FILE; "
         "see docs/config.md),\nor name a local model that needs no key: -m ollama/llama3.2";
}

Result<ModelChoice> choose_model(const AskOptions& options, const Config& config) {
  ModelChoice choice;
  bool own_fallbacks = !options.fallbacks.empty();
  if (own_fallbacks) {
    choice.fallbacks = options.fallbacks;
    choice.send_fallbacks = true;
  }
  if (options.model) {
    choice.model = *options.model;
    choice.why = "-m";
    return choice;
  }
  if (!config.ask.model.empty()) {
    choice.model = config.ask.model;
    choice.why = "[ask] model";
    if (!own_fallbacks && !config.ask.fallbacks.empty()) {
      choice.fallbacks = config.ask.fallbacks;
      choice.send_fallbacks = true;
    }
    return choice;
  }
  std::vector<const ProviderConfig*> keyed = keyed_preset_providers(config);
  if (keyed.empty()) {
    if (config.providers.empty() || config.source == "<presets>") {
      return invalid_argument(no_provider_message());
    }
    return invalid_argument("no model to ask: pass -m (e.g. -m " + example_model(config) +
                            ") or set [ask] model in " + config.source);
  }
  choice.model = model_for(*keyed.front());
  choice.why = "preset " + keyed.front()->name;
  if (!own_fallbacks && !config_has_chain_for(config, choice.model)) {
    for (size_t i = 1; i < keyed.size(); ++i) choice.fallbacks.push_back(model_for(*keyed[i]));
    choice.send_fallbacks = !choice.fallbacks.empty();
  }
  return choice;
}

Json build_request_body(const AskRequestSpec& spec) {
  Json body = Json::object();
  body["model"] = spec.choice.model;
  Json messages = Json::array();
  if (spec.system) messages.push_back(Json{{"role", "system"}, {"content", *spec.system}});
  messages.push_back(Json{{"role", "user"}, {"content", spec.prompt}});
  body["messages"] = std::move(messages);
  if (spec.temperature) body["temperature"] = *spec.temperature;
  if (spec.max_tokens) body["max_tokens"] = *spec.max_tokens;
  body["stream"] = spec.stream;
  if (spec.stream) body["stream_options"] = Json{{"include_usage", true}};
  if (spec.choice.send_fallbacks) body["fallbacks"] = spec.choice.fallbacks;
  return body;
}

}  // namespace understudy::cli
