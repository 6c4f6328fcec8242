// Config: the gateway configuration as plain structs (design §8).
//
// Produced by the loaders in this folder (understudy.toml via toml++, a Bifrost-style
// config.json via nlohmann/json, or zero-config presets from the environment) and then
// read-only: the router, server and CLI hold a `const Config&` for their whole life, so it
// is safe to share between threads. Key VALUES are held only in KeyConfig::value and must
// never be printed, logged or copied into errors; use KeyConfig::source for display.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/config/fault_rule.h"
#include "lib/core/clock.h"
#include "lib/transport/http.h"

namespace understudy {

enum class ProviderType { kOpenAI, kAnthropic, kGemini, kMock };
const char* provider_type_name(ProviderType t);

struct KeyConfig {
  std::string name;     // "openai-1"; shown in trails and check output
  std::string source;   // "env.OPENAI_API_KEY" or "literal" or "client" (direct key)
  std::string value;    // the secret; empty when missing
  bool present = false; // value resolved (env var set, or literal non-empty)
  double weight = 1.0;  // relative; all zero means uniform
  std::vector<std::string> models;  // empty = every model
  std::string origin;   // "understudy.toml:14"
};

// Capability overrides; unset fields fall back to the adapter's defaults for the model.
struct Capabilities {
  std::optional<bool> streaming;
  std::optional<bool> tools;
  std::optional<bool> vision;
  std::optional<bool> json_mode;
  std::optional<bool> prefill;  // can continue an assistant prefix (design §7)
  std::optional<std::int64_t> context_window;
};

struct RetryPolicy {
  int max_retries = 2;                   // retries of the same target, after the first try
  Millis backoff_initial{500};
  Millis backoff_max{5000};
  double jitter = 0.2;                   // +-20%
  Millis rate_limit_cooldown{5000};      // cooldown after a 429 with no usable hint
};

struct TimeoutPolicy {
  Millis connect{10000};
  Millis headers{30000};        // timeout_ms: response headers, or for streams the first byte
  Millis first_token{10000};    // streams: first content, only while a later target exists
  Millis stream_idle{20000};    // streams: silence after content started
};

struct ProviderConfig {
  std::string name;  // the key in [providers.NAME]
  ProviderType type = ProviderType::kOpenAI;
  std::string preset;    // zero-config preset it came from, or ""
  std::string base_url;  // e.g. "https://api.openai.com/v1"
  std::vector<KeyConfig> keys;
  TimeoutPolicy timeouts;
  RetryPolicy retry;
  Headers headers;        // extra headers sent upstream
  Capabilities capabilities;
  // Per-model capability overrides, by model glob ("claude-3-*"); applied over `capabilities`.
  std::vector<std::pair<std::string, Capabilities>> model_capabilities;
  // Per-model parameter policy overrides: model glob -> request params that model rejects.
  // They are dropped (and reported in extra_fields.dropped_params), never sent upstream.
  // Added to the built-in table of lib/providers/param_policy.h.
  std::vector<std::pair<std::string, std::vector<std::string>>> drop_params;
  // Anthropic: max_tokens to send when the caller gave none; 0 = the adapter's per-model default.
  std::int64_t default_max_tokens = 0;
  std::vector<std::string> models;  // advertised in /v1/models; empty = not listed
  std::string ca_file;    // extra CA bundle for this provider's TLS
  bool tls_verify = true;
  bool allow_direct_keys = false;  // the client's bearer token may be used as the key
  bool needs_key = true;  // false for local servers (ollama) and mock providers
  std::string origin;     // "understudy.toml:10"
};

struct RouteConfig {
  std::string name;                // the alias, e.g. "smart"
  std::vector<std::string> chain;  // provider/model entries
  std::string origin;
};

struct FallbackConfig {
  // Default chain per primary model: "openai/gpt-4o-mini" -> ["anthropic/...", ...].
  std::map<std::string, std::vector<std::string>> chains;
  // Fallbacks for any model without its own chain; may be empty.
  std::vector<std::string> default_chain;
  bool on_content_policy = false;  // fall back after a content-policy refusal
  Millis deadline{120000};         // whole-request deadline shared by the chain
};

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::vector<std::string> auth_tokens;  // bearer tokens accepted; empty = no auth
  std::size_t max_body_bytes = 8u << 20;
  int max_concurrent = 64;     // requests routed at once
  int max_queue = 256;         // waiting beyond max_concurrent; then 429/503
  bool drop_excess = false;    // true: answer 429 at once instead of queueing
  Millis queue_timeout{10000};
  Millis read_timeout{10000};  // client headers/body (slowloris)
  Millis shutdown_grace{10000};
  bool allow_direct_keys = false;
};

struct AskConfig {
  std::string model;                   // default model for `ask`
  std::vector<std::string> fallbacks;  // default fallbacks for `ask`
};

struct Config {
  std::string source;  // file path, "<presets>" for zero-config, "<demo>" for the demo
  ServerConfig server;
  std::map<std::string, ProviderConfig> providers;  // by name
  std::map<std::string, RouteConfig> routes;        // by alias
  FallbackConfig fallback;
  AskConfig ask;
  std::vector<FaultRule> faults;

  const ProviderConfig* provider(const std::string& name) const {
    auto it = providers.find(name);
    return it == providers.end() ? nullptr : &it->second;
  }
};

}  // namespace understudy
