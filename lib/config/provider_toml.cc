#include "lib/config/provider_toml.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>

#include "lib/config/key_fields.h"
#include "lib/config/presets.h"
#include "lib/config/secret.h"
#include "lib/config/suggest.h"
#include "lib/config/toml_fields.h"

namespace understudy {

namespace {

const std::vector<std::string> kProviderKeys = {"type",
                                                "preset",
                                                "base_url",
                                                "keys",
                                                "timeout_ms",
                                                "connect_timeout_ms",
                                                "first_token_timeout_ms",
                                                "stream_idle_timeout_ms",
                                                "max_retries",
                                                "backoff_initial_ms",
                                                "backoff_max_ms",
                                                "jitter",
                                                "rate_limit_cooldown_ms",
                                                "headers",
                                                "models",
                                                "ca_file",
                                                "tls_verify",
                                                "allow_direct_keys",
                                                "default_max_tokens",
                                                "capabilities",
                                                "model_capabilities",
                                                "drop_params"};
const std::vector<std::string> kKeyKeys = {"name", "value", "weight", "models"};
const std::vector<std::string> kCapabilityKeys = {"streaming", "tools",   "vision",
                                                  "json_mode", "prefill", "context_window"};
const std::vector<std::string> kTypeNames = {"openai", "anthropic", "gemini", "mock"};

// The preset this table builds on: `preset = "x"`, else its own name, else none.
const ProviderPreset* choose_preset(TomlFields& f, const std::string& name) {
  std::string preset_name;
  if (!f.read_string("preset", preset_name)) return find_preset(name);
  const ProviderPreset* preset = find_preset(preset_name);
  if (!preset) {
    f.error("preset", "unknown preset \"" + preset_name + "\"" +
                          suggestion_suffix(preset_name, preset_names()));
  }
  return preset;
}

void read_type(TomlFields& f, const ProviderPreset* preset, ProviderConfig& p) {
  std::string type;
  if (!f.read_string("type", type)) {
    if (!preset && !f.has("type") && !f.has("preset")) {
      f.error_here(
          "missing type: set type = \"openai\", \"anthropic\", \"gemini\" or \"mock\", "
          "or preset = \"<name>\" (" +
          join_names(preset_names()) + ")");
    }
    return;
  }
  if (!provider_type_from_name(type, p.type)) {
    f.error("type", "unknown provider type \"" + type + "\"" + suggestion_suffix(type, kTypeNames));
    return;
  }
  if (p.type == ProviderType::kMock) p.needs_key = false;
}

// A provider that needs a key must have one, unless callers may bring their own.
void check_has_keys(TomlFields& f, const ProviderParseContext& ctx, const ProviderConfig& p) {
  if (!p.needs_key || !p.keys.empty()) return;
  if (p.allow_direct_keys || ctx.server_allows_direct_keys) return;
  f.errors().push_back(make_error(
      f.file(), f.line_of_key("keys"), f.path_of("keys"),
      "no keys: add keys = [{ value = \"env.VAR\" }], or set allow_direct_keys = true to use "
      "the caller's bearer token"));
}

void read_base_url(TomlFields& f, ProviderConfig& p) {
  if (f.read_string("base_url", p.base_url)) {
    std::string problem = base_url_problem(p.base_url);
    if (!problem.empty()) f.error("base_url", problem);
    while (p.base_url.size() > 1 && p.base_url.back() == '/') p.base_url.pop_back();
    return;
  }
  if (p.base_url.empty() && p.type != ProviderType::kMock && !f.has("base_url")) {
    f.error_here(std::string("missing base_url (required for type \"") +
                 provider_type_name(p.type) + "\" without a preset)");
  }
}

void read_keys(TomlFields& f, const EnvLookup& env, ProviderConfig& p) {
  const toml::array* keys = f.read_array("keys");
  if (!keys) return;
  p.keys.clear();
  std::vector<int> lines;
  for (std::size_t i = 0; i < keys->size(); ++i) {
    const toml::node& node = *keys->get(i);
    std::string path = index_path(f.path_of("keys"), i);
    if (!node.is_table()) {
      f.type_error(node, path, "a table {name, value, weight, models}");
      continue;
    }
    TomlFields k(*node.as_table(), path, f.file(), f.errors());
    KeyConfig key;
    key.name = p.name + "-" + std::to_string(i + 1);
    k.reject_unknown(kKeyKeys);
    read_key_fields(k, k.file(), env, key);
    for (std::size_t j = 0; j < p.keys.size(); ++j) {
      if (p.keys[j].name == key.name) {
        k.error("name", "duplicate key name \"" + key.name + "\" (also used at line " +
                            std::to_string(lines[j]) + ")");
      }
    }
    lines.push_back(k.line());
    p.keys.push_back(std::move(key));
  }
}

// The preset's default key could not be resolved: say which variable and what to do.
void check_default_key(TomlFields& f, const ProviderConfig& p) {
  if (f.has("keys") || !p.needs_key) return;
  for (std::size_t i = 0; i < p.keys.size(); ++i) {
    if (p.keys[i].present) continue;
    std::string var = p.keys[i].source.substr(4);
    f.errors().push_back(
        make_error(f.file(), f.line(), index_path(f.path_of("keys"), i) + ".value",
                   "environment variable " + var + " is not set (default key of preset \"" +
                       p.preset + "\": export it, or give keys = [{ value = \"env.VAR\" }])"));
  }
}

void read_timeouts_and_retries(TomlFields& f, ProviderConfig& p) {
  f.read_millis("timeout_ms", p.timeouts.headers, 1);
  f.read_millis("connect_timeout_ms", p.timeouts.connect, 1);
  f.read_millis("first_token_timeout_ms", p.timeouts.first_token, 1);
  f.read_millis("stream_idle_timeout_ms", p.timeouts.stream_idle, 1);
  f.read_int("max_retries", p.retry.max_retries, 0, 100);
  f.read_millis("backoff_initial_ms", p.retry.backoff_initial, 1);
  f.read_millis("backoff_max_ms", p.retry.backoff_max, 1);
  if (p.retry.backoff_max < p.retry.backoff_initial) {
    f.error(f.has("backoff_max_ms") ? "backoff_max_ms" : "backoff_initial_ms",
            "backoff_max_ms (" + std::to_string(p.retry.backoff_max.count()) +
                ") must be >= backoff_initial_ms (" +
                std::to_string(p.retry.backoff_initial.count()) + ")");
  }
  f.read_number("jitter", p.retry.jitter, 0, 1);
  f.read_millis("rate_limit_cooldown_ms", p.retry.rate_limit_cooldown, 1);
}

bool is_header_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string("!#$%&'*+-.^_`|~").find(c) == std::string::npos) {
      return false;
    }
  }
  return true;
}

void read_headers(TomlFields& f, const EnvLookup& env, ProviderConfig& p) {
  const toml::table* headers = f.read_table("headers");
  if (!headers) return;
  for (auto&& [key, node] : *headers) {
    std::string name(key.str());
    std::string path = join_key(f.path_of("headers"), name);
    std::string text;
    if (!is_header_name(name)) {
      f.error_at(node, path, "\"" + name + "\" is not a valid HTTP header name");
    } else if (f.node_string(node, path, text)) {
      ResolvedSecret secret = resolve_secret(text, env);
      if (!secret.present) {
        f.error_at(node, path, secret.problem);
      } else {
        set_header(p.headers, name, secret.value);
      }
    }
  }
}

void read_ca_file(TomlFields& f, const std::string& base_dir, ProviderConfig& p) {
  std::string path;
  if (!f.read_string("ca_file", path)) return;
  if (path.empty()) {
    f.error("ca_file", "empty path");
    return;
  }
  if (path[0] != '/' && !base_dir.empty()) path = base_dir + "/" + path;
  if (!file_is_readable(path)) {
    f.error("ca_file", "cannot read CA file \"" + path +
                           "\" (relative paths are resolved "
                           "against the config file's directory)");
    return;
  }
  p.ca_file = path;
}

void read_capability_table(TomlFields& c, Capabilities& out) {
  c.reject_unknown(kCapabilityKeys);
  bool b = false;
  if (c.read_bool("streaming", b)) out.streaming = b;
  if (c.read_bool("tools", b)) out.tools = b;
  if (c.read_bool("vision", b)) out.vision = b;
  if (c.read_bool("json_mode", b)) out.json_mode = b;
  if (c.read_bool("prefill", b)) out.prefill = b;
  std::int64_t n = 0;
  if (c.read_int("context_window", n, 1)) out.context_window = n;
}

// Entries of a table of per-glob settings, in file order (toml++ iterates sorted by key,
// but later globs override earlier ones, so the written order matters).
std::vector<std::pair<std::string, const toml::node*>> in_file_order(const toml::table& t) {
  std::vector<std::pair<std::string, const toml::node*>> out;
  for (auto&& [key, node] : t) out.emplace_back(std::string(key.str()), &node);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return line_of(*a.second) < line_of(*b.second);
  });
  return out;
}

void read_capabilities(TomlFields& f, ProviderConfig& p) {
  if (const toml::table* caps = f.read_table("capabilities")) {
    TomlFields c(*caps, f.path_of("capabilities"), f.file(), f.errors());
    read_capability_table(c, p.capabilities);
  }
  if (const toml::table* per_model = f.read_table("model_capabilities")) {
    for (const auto& [glob, node] : in_file_order(*per_model)) {
      std::string path = join_key(f.path_of("model_capabilities"), glob);
      if (!node->is_table()) {
        f.type_error(*node, path, "a table of capabilities");
        continue;
      }
      TomlFields c(*node->as_table(), path, f.file(), f.errors());
      Capabilities caps;
      read_capability_table(c, caps);
      p.model_capabilities.emplace_back(glob, caps);
    }
  }
  if (const toml::table* drops = f.read_table("drop_params")) {
    for (const auto& [glob, node] : in_file_order(*drops)) {
      std::vector<std::string> params;
      if (f.node_strings(*node, join_key(f.path_of("drop_params"), glob), params)) {
        p.drop_params.emplace_back(glob, params);
      }
    }
  }
}

}  // namespace

bool provider_type_from_name(const std::string& name, ProviderType& out) {
  static const std::pair<const char*, ProviderType> kTypes[] = {
      {"openai", ProviderType::kOpenAI},
      {"anthropic", ProviderType::kAnthropic},
      {"gemini", ProviderType::kGemini},
      {"mock", ProviderType::kMock}};
  for (const auto& [n, t] : kTypes) {
    if (name == n) {
      out = t;
      return true;
    }
  }
  return false;
}

std::string base_url_problem(const std::string& url) {
  if (url.substr(0, url.find('/', url.find("://") + 3)).find('@') != std::string::npos) {
    return "credentials in base_url are not supported (send them with headers)";
  }
  if (split_url(url)) return "";
  return "invalid URL \"" + url + "\": expected http://host[:port][/path] or https://...";
}

bool file_is_readable(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  std::ifstream in(path);
  return in.good();
}

void parse_provider(const toml::table& table, const ProviderParseContext& ctx, ProviderConfig& out,
                    std::vector<Diagnostic>& errors) {
  TomlFields f(table, "providers." + out.name, ctx.file, errors);
  f.reject_unknown(kProviderKeys);
  out.origin = origin_string(ctx.file, f.line());
  const ProviderPreset* preset = choose_preset(f, out.name);
  if (preset) apply_preset(*preset, ctx.env, out);
  // With an unknown preset, "missing base_url" and "no keys" would only repeat that error.
  const bool preset_broken = !preset && f.has("preset");
  read_type(f, preset, out);
  if (!out.needs_key) out.keys.clear();
  if (!preset_broken || f.has("base_url")) read_base_url(f, out);
  read_keys(f, ctx.env, out);
  check_default_key(f, out);
  read_timeouts_and_retries(f, out);
  read_headers(f, ctx.env, out);
  f.read_strings("models", out.models);
  read_ca_file(f, ctx.base_dir, out);
  f.read_bool("tls_verify", out.tls_verify);
  f.read_bool("allow_direct_keys", out.allow_direct_keys);
  f.read_int("default_max_tokens", out.default_max_tokens, 1);
  read_capabilities(f, out);
  if (!preset_broken) check_has_keys(f, ctx, out);
}

}  // namespace understudy
