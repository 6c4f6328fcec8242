// parse_bifrost_json: a Bifrost-style config.json -> Config (declared in loader.h).
//
// Mapping (docs/config.md "Bifrost config.json"): providers map onto understudy presets;
// keys keep their names, env.VAR values, weights and model filters; network_config maps to
// base_url, headers, timeouts and retries with BIFROST's defaults (max_retries 0, request
// timeout 30 s); client maps to [server]. Stores and plugins are accepted with a warning.
#include <regex>

#include "lib/config/json_fields.h"
#include "lib/config/key_fields.h"
#include "lib/config/key_path.h"
#include "lib/config/loader.h"
#include "lib/config/presets.h"
#include "lib/config/provider_toml.h"
#include "lib/config/secret.h"
#include "lib/config/suggest.h"

namespace understudy {

namespace {

const std::vector<std::string> kTopKeys = {"$schema", "client", "providers"};
const std::vector<std::string> kTopIgnored = {"config_store", "logs_store", "mcp",
                                              "plugins",      "governance", "vector_store",
                                              "framework",    "auth_config"};
const std::vector<std::string> kClientKeys = {"drop_excess_requests", "max_request_body_size_mb",
                                              "allow_direct_keys",    "initial_pool_size",
                                              "enable_logging",       "disable_content_logging"};
const std::vector<std::string> kClientIgnored = {"prometheus_labels",
                                                 "allowed_origins",
                                                 "allowed_headers",
                                                 "enable_governance",
                                                 "enforce_governance_header",
                                                 "enforce_auth_on_inference",
                                                 "disable_db_pings_in_health",
                                                 "log_retention_days",
                                                 "enable_litellm_fallbacks",
                                                 "mcp_agent_depth"};
const std::vector<std::string> kProviderKeys = {
    "keys", "network_config", "concurrency_and_buffer_size", "custom_provider_config"};
const std::vector<std::string> kProviderIgnored = {"proxy_config", "send_back_raw_response"};
const std::vector<std::string> kKeyKeys = {"name", "value",       "models", "weight",
                                           "id",   "description", "enabled"};
// Cloud-specific key settings of providers understudy does not serve.
const std::vector<std::string> kUnsupportedKeyKeys = {"azure_key_config", "vertex_key_config",
                                                      "bedrock_key_config"};
const std::vector<std::string> kNetworkKeys = {"base_url",
                                               "extra_headers",
                                               "default_request_timeout_in_seconds",
                                               "max_retries",
                                               "retry_backoff_initial",
                                               "retry_backoff_max",
                                               "stream_idle_timeout_in_seconds",
                                               "insecure_skip_verify",
                                               "ca_cert_pem"};
// Bifrost providers with no honest mapping onto a wire format understudy speaks.
const std::vector<std::pair<std::string, std::string>> kUnsupported = {
    {"vertex",
     "Vertex AI authenticates with Google Cloud service-account credentials, not an "
     "API key; use the \"gemini\" provider with GEMINI_API_KEY instead"},
    {"bedrock", "AWS Bedrock needs SigV4-signed requests"},
    {"azure", "Azure OpenAI uses deployment URLs and api-version parameters"},
    {"cohere", "Cohere's native API is not an OpenAI-compatible wire format"},
};

constexpr std::int64_t kBifrostMaxRetries = 0;       // Bifrost's DefaultMaxRetries
constexpr std::int64_t kBifrostTimeoutSeconds = 30;  // DefaultRequestTimeoutInSeconds
constexpr std::int64_t kBifrostMaxBodyMb = 100;      // max_request_body_size_mb default

// Keys Bifrost knows but understudy cannot honour: an error that says why, not "unknown".
void reject_unsupported(JsonFields& f, const std::vector<std::string>& keys,
                        const std::string& why) {
  for (const std::string& key : keys) {
    if (f.has(key)) f.error(key, "\"" + key + "\" is not supported: " + why);
  }
}

void parse_client(JsonFields& f, ServerConfig& server) {
  f.reject_unknown(kClientKeys, kClientIgnored, "understudy has no equivalent setting");
  f.read_bool("drop_excess_requests", server.drop_excess);
  f.read_bool("allow_direct_keys", server.allow_direct_keys);
  std::int64_t mb = kBifrostMaxBodyMb;
  f.read_int("max_request_body_size_mb", mb, 1, 1 << 20);
  server.max_body_bytes = static_cast<std::size_t>(mb) << 20;
  std::int64_t pool = 0;
  f.read_int("initial_pool_size", pool, 0, kNoMax);  // Bifrost's object pool: nothing to size
  bool flag = false;
  f.read_bool("enable_logging", flag);
  f.read_bool("disable_content_logging", flag);  // understudy never logs message content
}

// Bifrost base URLs stop before the version ("https://api.openai.com"); understudy's
// include it. Append the preset's version segment when the URL has none.
std::string with_version_segment(const std::string& url, const std::string& preset_url) {
  static const std::regex kVersion(".*/v[0-9]+[a-z0-9]*$");
  if (std::regex_match(url, kVersion)) return url;
  std::string version = "/v1";
  std::smatch m;
  static const std::regex kTail(".*(/v[0-9]+[a-z0-9]*)$");
  if (!preset_url.empty()) {
    if (!std::regex_match(preset_url, m, kTail)) return url;  // preset has no version segment
    version = m[1];
  }
  return url + version;
}

void parse_network(JsonFields& n, const std::string& preset_url, const EnvLookup& env,
                   ProviderConfig& p) {
  n.reject_unknown(kNetworkKeys);
  reject_unsupported(n, {"ca_cert_pem"},
                     "save the PEM to a file and set ca_file in an understudy.toml");
  std::string url;
  if (n.read_string("base_url", url)) {
    while (url.size() > 1 && url.back() == '/') url.pop_back();
    if (std::string problem = base_url_problem(url); !problem.empty()) {
      n.error("base_url", problem);
    } else {
      p.base_url = with_version_segment(url, preset_url);
    }
  }
  if (const Json* headers = n.read_object("extra_headers")) {
    for (auto it = headers->begin(); it != headers->end(); ++it) {
      std::string path = join_key(n.path_of("extra_headers"), it.key());
      if (!it->is_string()) {
        n.error_at_path(path, "expected a string, got " + json_type_phrase(*it));
        continue;
      }
      ResolvedSecret value = resolve_secret(it->get<std::string>(), env);
      if (!value.present) n.error_at_path(path, value.problem);
      if (value.present) set_header(p.headers, it.key(), value.value);
    }
  }
  std::int64_t seconds = kBifrostTimeoutSeconds;
  n.read_int("default_request_timeout_in_seconds", seconds, 1, 86400);
  p.timeouts.headers = Millis(seconds * 1000);
  if (n.read_int("stream_idle_timeout_in_seconds", seconds, 1, 86400)) {
    p.timeouts.stream_idle = Millis(seconds * 1000);
  }
  std::int64_t retries = kBifrostMaxRetries;
  n.read_int("max_retries", retries, 0, 100);
  p.retry.max_retries = static_cast<int>(retries);
  n.read_duration("retry_backoff_initial", p.retry.backoff_initial);
  n.read_duration("retry_backoff_max", p.retry.backoff_max);
  if (p.retry.backoff_max < p.retry.backoff_initial) {
    n.error("retry_backoff_max", "retry_backoff_max must be >= retry_backoff_initial");
  }
  bool insecure = false;
  if (n.read_bool("insecure_skip_verify", insecure)) p.tls_verify = !insecure;
}

void parse_key(JsonFields& k, const EnvLookup& env, KeyConfig& key, bool& enabled) {
  std::vector<std::string> allowed = kKeyKeys;
  allowed.insert(allowed.end(), kUnsupportedKeyKeys.begin(), kUnsupportedKeyKeys.end());
  k.reject_unknown(allowed);
  reject_unsupported(k, kUnsupportedKeyKeys,
                     "understudy serves API-key providers only (no Azure, Vertex or Bedrock)");
  read_key_fields(k, k.context().file, env, key);
  std::string ignored;
  k.read_string("id", ignored);
  k.read_string("description", ignored);
  k.read_bool("enabled", enabled);
}

void parse_keys(JsonFields& f, const EnvLookup& env, ProviderConfig& p) {
  const Json* keys = f.read_array("keys");
  if (!keys) return;
  p.keys.clear();
  for (std::size_t i = 0; i < keys->size(); ++i) {
    std::string path = index_path(f.path_of("keys"), i);
    if (!(*keys)[i].is_object()) {
      f.error_at_path(path, "expected an object {name, value, models, weight}, got " +
                                json_type_phrase((*keys)[i]));
      continue;
    }
    JsonFields k((*keys)[i], path, f.context());
    KeyConfig key;
    key.name = p.name + "-" + std::to_string(i + 1);
    bool enabled = true;
    parse_key(k, env, key, enabled);
    for (const KeyConfig& other : p.keys) {
      if (other.name == key.name) k.error("name", "duplicate key name \"" + key.name + "\"");
    }
    if (enabled) p.keys.push_back(std::move(key));  // Bifrost skips disabled keys too
  }
}

// A custom provider: {base_provider_type, is_key_less}. Returns false after an error.
bool parse_custom(JsonFields& f, ProviderConfig& p) {
  const Json* custom = f.read_object("custom_provider_config");
  if (!custom) return false;
  JsonFields c(*custom, f.path_of("custom_provider_config"), f.context());
  c.reject_unknown({"base_provider_type", "is_key_less"}, {"allowed_requests"},
                   "understudy serves chat completions only");
  std::string base;
  if (!c.read_string("base_provider_type", base)) {
    if (!c.has("base_provider_type")) c.error_here("missing base_provider_type");
    return false;
  }
  if (!provider_type_from_name(base, p.type) || p.type == ProviderType::kMock) {
    c.error("base_provider_type", "unsupported base_provider_type \"" + base +
                                      "\" (supported: openai, anthropic, gemini)");
    return false;
  }
  bool key_less = false;
  c.read_bool("is_key_less", key_less);
  p.needs_key = !key_less;
  return true;
}

// Preset or custom provider; false (with an error) when the name cannot be mapped.
bool map_provider(JsonFields& f, const EnvLookup& env, ProviderConfig& p) {
  if (f.has("custom_provider_config")) return parse_custom(f, p);
  if (const ProviderPreset* preset = find_preset(p.name)) {
    apply_preset(*preset, env, p);
    return true;
  }
  for (const auto& [name, why] : kUnsupported) {
    if (p.name == name) {
      f.error_here("provider \"" + name + "\" is not supported: " + why);
      return false;
    }
  }
  f.error_here("unknown provider \"" + p.name + "\"" + suggestion_suffix(p.name, preset_names()) +
               "; for another OpenAI-compatible server add custom_provider_config = "
               "{\"base_provider_type\": \"openai\"} and network_config.base_url");
  return false;
}

void check_provider(JsonFields& f, const ProviderConfig& p, bool direct_keys) {
  if (p.base_url.empty()) f.error_here("missing network_config.base_url");
  if (p.needs_key && p.keys.empty() && !direct_keys) {
    f.error_here(
        "no usable keys: add \"keys\": [{\"value\": \"env.VAR\"}], or set "
        "client.allow_direct_keys");
  }
}

void parse_provider_entry(JsonFields& f, const EnvLookup& env, bool direct_keys,
                          ProviderConfig& p) {
  f.reject_unknown(kProviderKeys, kProviderIgnored, "understudy has no equivalent setting");
  p.origin = origin_string(f.context().file, f.line());
  p.retry.max_retries = static_cast<int>(kBifrostMaxRetries);
  p.timeouts.headers = Millis(kBifrostTimeoutSeconds * 1000);
  if (!map_provider(f, env, p)) return;
  std::string preset_url = p.preset.empty() ? "" : p.base_url;
  parse_keys(f, env, p);
  if (!f.has("keys") && p.needs_key && !p.keys.empty() && !p.keys[0].present) {
    f.error_at_path(f.path_of("keys"), "no keys, and the default environment variable " +
                                           p.keys[0].source.substr(4) + " is not set");
  }
  if (const Json* network = f.read_object("network_config")) {
    JsonFields n(*network, f.path_of("network_config"), f.context());
    parse_network(n, preset_url, env, p);
  }
  if (f.has("concurrency_and_buffer_size")) {
    f.warn("concurrency_and_buffer_size",
           "accepted but not used: understudy limits concurrency for the whole gateway "
           "([server] max_concurrent)");
  }
  check_provider(f, p, direct_keys);
}

void parse_providers(JsonFields& f, const EnvLookup& env, Config& config) {
  for (auto it = f.object().begin(); it != f.object().end(); ++it) {
    std::string path = f.path_of(it.key());
    if (!it->is_object()) {
      f.error_at_path(path, "expected an object, got " + json_type_phrase(*it));
      continue;
    }
    JsonFields p(*it, path, f.context());
    ProviderConfig provider;
    provider.name = it.key();
    parse_provider_entry(p, env, config.server.allow_direct_keys, provider);
    config.providers[provider.name] = std::move(provider);
  }
}

Diagnostic json_syntax_error(const std::string& text, const std::string& file,
                             const nlohmann::json::parse_error& e) {
  std::size_t end = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
  int line = 1, column = 1;
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  std::string what = e.what();
  std::size_t cut = what.find("syntax error");
  // nlohmann quotes the text it last read, which may be part of a literal key: drop it.
  std::size_t quote = what.find("; last read");
  if (quote != std::string::npos) what.resize(quote);
  Diagnostic d =
      make_error(file, line, "", "JSON " + (cut == std::string::npos ? what : what.substr(cut)));
  d.column = column;
  return d;
}

}  // namespace

LoadResult parse_bifrost_json(const std::string& text, const std::string& source_name,
                              const EnvLookup& env) {
  LoadResult result;
  result.config.source = source_name;
  Json root;
  try {
    root = Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    result.errors.push_back(json_syntax_error(text, source_name, e));
    return result;
  }
  JsonContext ctx{source_name, index_json_lines(text), &result.errors, &result.warnings};
  if (!root.is_object()) {
    result.errors.push_back(make_error(source_name, 1, "", "expected a JSON object at the top"));
    return result;
  }
  JsonFields top(root, "", ctx);
  top.reject_unknown(kTopKeys, kTopIgnored, "understudy keeps no stores and runs no plugins");
  result.config.server.max_body_bytes = static_cast<std::size_t>(kBifrostMaxBodyMb) << 20;
  if (const Json* client = top.read_object("client")) {
    JsonFields c(*client, "client", ctx);
    parse_client(c, result.config.server);
  }
  if (const Json* providers = top.read_object("providers")) {
    JsonFields p(*providers, "providers", ctx);
    parse_providers(p, env, result.config);
  }
  if (result.config.providers.empty()) {
    result.errors.push_back(make_error(source_name, json_line(ctx.lines, "providers"), "providers",
                                       "no providers configured"));
  }
  sort_by_line(result.errors);
  sort_by_line(result.warnings);
  return result;
}

}  // namespace understudy
