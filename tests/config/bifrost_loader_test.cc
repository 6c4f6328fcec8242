#include <doctest/doctest.h>

#include "lib/config/json_fields.h"
#include "lib/config/loader.h"

using namespace understudy;

namespace {

const EnvLookup kEnv = map_env({{"OPENAI_API_KEY", "sk-openai-test"},
                                {"OPENAI_API_KEY_2", "sk-openai-test-2"},
                                {"ANTHROPIC_API_KEY", "sk-ant-test"}});

LoadResult load(const std::string& text, const EnvLookup& env = kEnv) {
  return parse_bifrost_json(text, "config.json", env);
}

bool has(const std::vector<Diagnostic>& list, const std::string& text) {
  for (const Diagnostic& d : list) {
    if (d.to_string() == text) return true;
  }
  return false;
}

const char* kFull = R"({
  "client": {
    "drop_excess_requests": true,
    "max_request_body_size_mb": 10,
    "initial_pool_size": 300,
    "enable_logging": true
  },
  "providers": {
    "openai": {
      "keys": [
        {"name": "primary", "value": "env.OPENAI_API_KEY", "models": ["gpt-4o", "gpt-4o-mini"], "weight": 0.7},
        {"value": "env.OPENAI_API_KEY_2", "models": [], "weight": 0.3},
        {"name": "old", "value": "sk-disabled", "enabled": false}
      ],
      "network_config": {
        "base_url": "https://proxy.example.com",
        "extra_headers": {"OpenAI-Organization": "org-1"},
        "default_request_timeout_in_seconds": 45,
        "max_retries": 3,
        "retry_backoff_initial": "250ms",
        "retry_backoff_max": 8000,
        "stream_idle_timeout_in_seconds": 15
      }
    },
    "anthropic": {
      "keys": [{"value": "env.ANTHROPIC_API_KEY", "models": ["claude-haiku-4-5"], "weight": 1.0}]
    },
    "ollama": {
      "keys": [],
      "network_config": {"base_url": "http://gpu-box:11434"}
    }
  }
})";

}  // namespace

TEST_CASE("bifrost: providers, keys, weights, models and network_config") {
  LoadResult r = load(kFull);
  CAPTURE(format_diagnostics(r.errors));
  REQUIRE(r.ok());
  CHECK(r.warnings.empty());
  CHECK(r.config.server.drop_excess);
  CHECK(r.config.server.max_body_bytes == 10u << 20);
  const ProviderConfig& o = *r.config.provider("openai");
  CHECK(o.type == ProviderType::kOpenAI);
  REQUIRE(o.keys.size() == 2);  // the disabled key is dropped, as Bifrost does
  CHECK(o.keys[0].name == "primary");
  CHECK(o.keys[0].source == "env.OPENAI_API_KEY");
  CHECK(o.keys[0].value == "sk-openai-test");
  CHECK(o.keys[0].weight == 0.7);
  CHECK(o.keys[0].models == std::vector<std::string>{"gpt-4o", "gpt-4o-mini"});
  CHECK(o.keys[0].origin == "config.json:11");
  CHECK(o.keys[1].name == "openai-2");
  CHECK(o.keys[1].weight == 0.3);
  CHECK(o.keys[1].models.empty());
  CHECK(o.base_url == "https://proxy.example.com/v1");  // Bifrost URLs omit the version
  CHECK(header_value(o.headers, "OpenAI-Organization") == std::optional<std::string>("org-1"));
  CHECK(o.timeouts.headers == Millis(45000));
  CHECK(o.timeouts.stream_idle == Millis(15000));
  CHECK(o.retry.max_retries == 3);
  CHECK(o.retry.backoff_initial == Millis(250));
  CHECK(o.retry.backoff_max == Millis(8000));
  const ProviderConfig& a = *r.config.provider("anthropic");
  CHECK(a.type == ProviderType::kAnthropic);
  CHECK(a.base_url == "https://api.anthropic.com/v1");
  const ProviderConfig& ol = *r.config.provider("ollama");
  CHECK_FALSE(ol.needs_key);
  CHECK(ol.base_url == "http://gpu-box:11434/v1");
}

TEST_CASE("bifrost: Bifrost's defaults apply to what the file leaves out") {
  LoadResult r = load(R"({"providers": {"openai": {"keys": [{"value": "env.OPENAI_API_KEY"}]}}})");
  REQUIRE(r.ok());
  const ProviderConfig& o = *r.config.provider("openai");
  CHECK(o.retry.max_retries == 0);  // Bifrost's default, not understudy's 2
  CHECK(o.timeouts.headers == Millis(30000));
  CHECK(o.retry.backoff_initial == Millis(500));
  CHECK(o.retry.backoff_max == Millis(5000));
  CHECK(o.keys[0].weight == 1.0);
  CHECK(o.base_url == "https://api.openai.com/v1");
  CHECK(r.config.server.max_body_bytes == 100u << 20);
}

TEST_CASE("bifrost: an unknown key is an error with a suggestion, path and line") {
  LoadResult r = load(R"({
  "providers": {
    "openai": {
      "keys": [{"value": "env.OPENAI_API_KEY"}],
      "network_config": {
        "retry_backoff_inital": 100
      }
    }
  }
})");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].to_string() ==
        "config config.json:6: providers.openai.network_config.retry_backoff_inital: unknown key "
        "\"retry_backoff_inital\" (did you mean \"retry_backoff_initial\"?)");
}

TEST_CASE("bifrost: a missing env var is an error at the key's line") {
  LoadResult r = load(R"({"providers": {
  "openai": {"keys": [
    {"value": "env.OPENAI_API_KEY"},
    {"value": "env.NOT_SET_ANYWHERE"}
  ]}
}})");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].to_string() ==
        "config config.json:4: providers.openai.keys[1].value: environment variable "
        "NOT_SET_ANYWHERE is not set");
}

TEST_CASE("bifrost: stores and plugins are accepted with a warning") {
  LoadResult r = load(R"({
  "config_store": {"enabled": true, "type": "sqlite", "config": {"path": "./config.db"}},
  "logs_store": {"enabled": true, "type": "sqlite", "config": {"path": "./logs.db"}},
  "providers": {"anthropic": {"keys": [{"value": "env.ANTHROPIC_API_KEY"}]}}
})");
  REQUIRE(r.ok());
  REQUIRE(r.warnings.size() == 2);
  CHECK(has(r.warnings,
            "warning: config.json:2: config_store: accepted but not used: "
            "understudy keeps no stores and runs no plugins"));
  CHECK(r.warnings[1].line == 3);
}

TEST_CASE("bifrost: unsupported and unknown providers are errors that say why") {
  LoadResult r = load(R"({"providers": {
  "vertex": {"keys": [{"value": "x"}]},
  "opnai": {"keys": [{"value": "x"}]}
}})");
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[1].to_string().find("config config.json:3: providers.opnai: unknown provider "
                                     "\"opnai\" (did you mean \"openai\"?)") == 0);
  CHECK(r.errors[0].to_string().find("config config.json:2: providers.vertex: provider "
                                     "\"vertex\" is not supported: Vertex AI") == 0);
}

TEST_CASE("bifrost: cloud key configs and inline CA PEMs are unsupported, and say so") {
  LoadResult r = load(R"({"providers": {"openai": {
  "keys": [{"value": "env.OPENAI_API_KEY", "azure_key_config": {"endpoint": "https://x"}}],
  "network_config": {"ca_cert_pem": "-----BEGIN CERTIFICATE-----"}
}}})");
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0].to_string() ==
        "config config.json:2: providers.openai.keys[0].azure_key_config: \"azure_key_config\" "
        "is not supported: understudy serves API-key providers only (no Azure, Vertex or "
        "Bedrock)");
  CHECK(r.errors[1].path == "providers.openai.network_config.ca_cert_pem");
  CHECK(r.errors[1].message.find("ca_file") != std::string::npos);
}

TEST_CASE("bifrost: a custom OpenAI-compatible provider") {
  LoadResult r = load(R"({"providers": {"vllm": {
  "keys": [],
  "custom_provider_config": {"base_provider_type": "openai", "is_key_less": true},
  "network_config": {"base_url": "http://10.0.0.5:8000"}
}}})");
  CAPTURE(format_diagnostics(r.errors));
  REQUIRE(r.ok());
  const ProviderConfig& p = *r.config.provider("vllm");
  CHECK(p.type == ProviderType::kOpenAI);
  CHECK_FALSE(p.needs_key);
  CHECK(p.base_url == "http://10.0.0.5:8000/v1");
}

TEST_CASE("bifrost: wrong types and bad durations are reported") {
  LoadResult r = load(R"({"providers": {"openai": {
  "keys": [{"value": "env.OPENAI_API_KEY", "weight": "high"}],
  "network_config": {"max_retries": -1, "retry_backoff_initial": "soon"}
}}})");
  CHECK(r.errors.size() == 3);
  CHECK(has(r.errors,
            "config config.json:2: providers.openai.keys[0].weight: expected a number, "
            "got a string"));
  CHECK(has(r.errors,
            "config config.json:3: providers.openai.network_config.max_retries: must "
            "be between 0 and 100, got -1"));
}

TEST_CASE("bifrost: a JSON syntax error reports line and column") {
  LoadResult r = load("{\n  \"providers\": {\n    \"openai\": ,\n  }\n}\n");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].line == 3);
  CHECK(r.errors[0].column == 15);
  CHECK(r.errors[0].message.find("JSON syntax error") == 0);
}

TEST_CASE("bifrost: a syntax error inside a literal key does not echo the key") {
  LoadResult r = load("{\"providers\": {\"openai\": {\"keys\": [{\"value\": \"sk-leak-me\n\"}]}}}");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].to_string().find("sk-leak") == std::string::npos);
  CHECK(r.errors[0].line == 1);
}

TEST_CASE("json line index: key paths and array elements") {
  JsonLineIndex idx =
      index_json_lines("{\n \"a\": {\n  \"b c\": [\n   1,\n   {\"d\": 2}\n  ]\n }\n}");
  CHECK(idx.at("a") == 2);
  CHECK(idx.at("a.\"b c\"") == 3);
  CHECK(idx.at("a.\"b c\"[0]") == 4);
  CHECK(idx.at("a.\"b c\"[1]") == 5);
  CHECK(idx.at("a.\"b c\"[1].d") == 5);
  CHECK(json_line(idx, "a.\"b c\"[1].missing") == 5);
}
