#include <doctest/doctest.h>

#include <string>

#include "lib/config/loader.h"

using namespace understudy;

namespace {

const EnvLookup kEnv = map_env({{"OPENAI_API_KEY", "sk-test-openai"},
                                {"ANTHROPIC_API_KEY", "sk-ant-test"},
                                {"GEMINI_API_KEY", "gm-test"}});

LoadResult load(const std::string& text, const EnvLookup& env = kEnv) {
  return parse_toml_config(text, "understudy.toml", env);
}

// The only error, as the user sees it.
std::string only_error(const LoadResult& r) {
  REQUIRE(r.errors.size() == 1);
  return r.errors[0].to_string();
}

bool has_error(const LoadResult& r, const std::string& text) {
  for (const Diagnostic& d : r.errors) {
    if (d.to_string() == text) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("config: unknown key suggests the nearest valid key, with its line") {
  LoadResult r = load(
      "[providers.openai]\n"
      "timeout_sm = 5000\n");
  CHECK(only_error(r) ==
        "config understudy.toml:2: providers.openai.timeout_sm: unknown key \"timeout_sm\" "
        "(did you mean \"timeout_ms\"?)");
}

TEST_CASE("config: unknown top-level section suggests the section name") {
  LoadResult r = load("[servr]\nport = 1\n[providers.openai]\n");
  CHECK(only_error(r) ==
        "config understudy.toml:1: servr: unknown key \"servr\" (did you mean \"server\"?)");
}

TEST_CASE("config: a key with no close match lists the valid keys") {
  LoadResult r = load("[providers.openai]\n[routes.smart]\nchain = [\"openai/gpt-4o\"]\nzzz = 1\n");
  CHECK(only_error(r) ==
        "config understudy.toml:4: routes.smart.zzz: unknown key \"zzz\" (expected one of: "
        "chain)");
}

TEST_CASE("config: a missing environment variable is an error naming it, with its line") {
  LoadResult r = load(
      "[providers.openai]\n"
      "keys = [\n"
      "  { name = \"a\", value = \"env.OPENAI_API_KEY\" },\n"
      "  { name = \"b\", value = \"env.OPENAI_KEY_2\" },\n"
      "]\n");
  CHECK(only_error(r) ==
        "config understudy.toml:4: providers.openai.keys[1].value: environment variable "
        "OPENAI_KEY_2 is not set");
  const ProviderConfig* p = r.config.provider("openai");
  REQUIRE(p);
  REQUIRE(p->keys.size() == 2);
  CHECK(p->keys[0].present);
  CHECK(p->keys[0].source == "env.OPENAI_API_KEY");
  CHECK(p->keys[0].value == "sk-test-openai");
  CHECK_FALSE(p->keys[1].present);
  CHECK(p->keys[1].value.empty());
}

TEST_CASE("config: the default key of a preset names its unset variable") {
  LoadResult r = load("[providers.groq]\n", map_env({}));
  CHECK(only_error(r) ==
        "config understudy.toml:1: providers.groq.keys[0].value: environment variable "
        "GROQ_API_KEY is not set (default key of preset \"groq\": export it, or give keys = "
        "[{ value = \"env.VAR\" }])");
}

TEST_CASE("config: a wrong type names expected and actual type, with its line") {
  LoadResult r = load(
      "[providers.openai]\n"
      "max_retries = 2\n"
      "timeout_ms = \"30s\"\n");
  CHECK(only_error(r) ==
        "config understudy.toml:3: providers.openai.timeout_ms: expected an integer, got a "
        "string");
}

TEST_CASE("config: a TOML syntax error reports toml++'s line and column") {
  LoadResult r = load("[server]\nport = 80\nhost = \"x\n");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].line == 3);
  CHECK(r.errors[0].column > 0);
  CHECK(r.errors[0].to_string().rfind("config understudy.toml:3:", 0) == 0);
  CHECK(r.errors[0].message.find("TOML syntax error") == 0);
}

TEST_CASE("config: every problem is reported, not just the first") {
  LoadResult r = load(
      "[server]\n"
      "port = 0\n"
      "[providers.openai]\n"
      "jitter = 2.0\n"
      "tls_verfy = false\n");
  CHECK(r.errors.size() == 3);
  CHECK(has_error(r, "config understudy.toml:2: server.port: must be between 1 and 65535, got 0"));
  CHECK(has_error(r,
                  "config understudy.toml:4: providers.openai.jitter: must be between 0 and 1, "
                  "got 2"));
  CHECK(has_error(r,
                  "config understudy.toml:5: providers.openai.tls_verfy: unknown key "
                  "\"tls_verfy\" (did you mean \"tls_verify\"?)"));
}

TEST_CASE("config: a duration longer than a day is refused, not left to overflow a wait") {
  LoadResult r = load(
      "[server]\n"
      "read_timeout_ms = 3000000000\n"
      "[providers.openai]\n"
      "timeout_ms = 86400001\n"
      "stream_idle_timeout_ms = 86400000\n");
  CHECK(r.errors.size() == 2);
  CHECK(has_error(r,
                  "config understudy.toml:2: server.read_timeout_ms: must be between 1 and "
                  "86400000, got 3000000000"));
  CHECK(has_error(r,
                  "config understudy.toml:4: providers.openai.timeout_ms: must be between 1 and "
                  "86400000, got 86400001"));
}

TEST_CASE("config: range checks") {
  struct Case {
    const char* toml;
    const char* error;
  };
  const Case cases[] = {
      {"[server]\nport = 70000\n", "server.port: must be between 1 and 65535, got 70000"},
      {"[server]\nmax_concurrent = 0\n",
       "server.max_concurrent: must be between 1 and 1000000, got 0"},
      {"[server]\nqueue_timeout_ms = 0\n",
       "server.queue_timeout_ms: must be between 1 and 86400000, got 0"},
      {"[server]\nlisten = \"localhost:0\"\n", "server.listen: invalid listen address"},
      {"timeout_ms = 0\n", "providers.openai.timeout_ms: must be between 1 and 86400000, got 0"},
      {"first_token_timeout_ms = -5\n",
       "providers.openai.first_token_timeout_ms: must be between 1 and 86400000, got -5"},
      {"stream_idle_timeout_ms = 0\n",
       "providers.openai.stream_idle_timeout_ms: must be between 1 and 86400000"},
      {"connect_timeout_ms = 0\n",
       "providers.openai.connect_timeout_ms: must be between 1 and 86400000"},
      {"max_retries = -1\n", "providers.openai.max_retries: must be between 0 and 100, got -1"},
      {"jitter = -0.1\n", "providers.openai.jitter: must be between 0 and 1"},
      {"backoff_initial_ms = 800\nbackoff_max_ms = 100\n",
       "providers.openai.backoff_max_ms: backoff_max_ms (100) must be >= backoff_initial_ms (800)"},
      {"keys = [{ value = \"env.OPENAI_API_KEY\", weight = -1 }]\n",
       "providers.openai.keys[0].weight: must be between 0 and 1000000000, got -1"},
      {"[fallback]\ndeadline_ms = 0\n", "fallback.deadline_ms: must be between 1 and 86400000"},
      {"[[faults]]\nstatus = 503\nprobability = 1.5\n",
       "faults[0].probability: must be between 0 and 1, got 1.5"},
      {"[[faults]]\nstatus = 600\n", "faults[0].status: must be between 100 and 599, got 600"},
      {"[[faults]]\nstatus = 99\n", "faults[0].status: must be between 100 and 599, got 99"},
      {"[providers.openai.capabilities]\ncontext_window = 0\n",
       "providers.openai.capabilities.context_window: must be > 0, got 0"},
  };
  for (const Case& c : cases) {
    std::string text = std::string("[providers.openai]\n") + c.toml;
    CAPTURE(text);
    LoadResult r = load(text);
    CAPTURE(format_diagnostics(r.errors));
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].to_string().find(c.error) != std::string::npos);
    CHECK(r.errors[0].line > 0);
  }
}

TEST_CASE("config: a provider named after a preset inherits type, base_url and key") {
  LoadResult r = load("[providers.anthropic]\n[providers.gemini]\ntimeout_ms = 9000\n");
  REQUIRE(r.ok());
  const ProviderConfig& a = *r.config.provider("anthropic");
  CHECK(a.type == ProviderType::kAnthropic);
  CHECK(a.preset == "anthropic");
  CHECK(a.base_url == "https://api.anthropic.com/v1");
  REQUIRE(a.keys.size() == 1);
  CHECK(a.keys[0].name == "anthropic-1");
  CHECK(a.keys[0].source == "env.ANTHROPIC_API_KEY");
  CHECK(a.keys[0].present);
  CHECK(a.origin == "understudy.toml:1");
  const ProviderConfig& g = *r.config.provider("gemini");
  CHECK(g.type == ProviderType::kGemini);
  CHECK(g.base_url == "https://generativelanguage.googleapis.com/v1beta");
  CHECK(g.timeouts.headers == Millis(9000));
  CHECK(g.timeouts.first_token == Millis(10000));  // untouched default
  CHECK_FALSE(g.models.empty());
}

TEST_CASE("config: preset = under another name, with overrides") {
  LoadResult r = load(
      "[providers.fast]\n"
      "preset = \"groq\"\n"
      "base_url = \"https://groq.internal:8443/openai/v1/\"\n"
      "models = [\"llama-3.3-70b-versatile\"]\n",
      map_env({{"GROQ_API_KEY", "gsk-test"}}));
  REQUIRE(r.ok());
  const ProviderConfig& p = *r.config.provider("fast");
  CHECK(p.preset == "groq");
  CHECK(p.type == ProviderType::kOpenAI);
  CHECK(p.base_url == "https://groq.internal:8443/openai/v1");
  REQUIRE(p.keys.size() == 1);
  CHECK(p.keys[0].name == "fast-1");
  CHECK(p.keys[0].source == "env.GROQ_API_KEY");
  CHECK(p.models == std::vector<std::string>{"llama-3.3-70b-versatile"});
}

TEST_CASE("config: gemini's default key falls back to GOOGLE_API_KEY") {
  LoadResult r = load("[providers.gemini]\n", map_env({{"GOOGLE_API_KEY", "g-test"}}));
  REQUIRE(r.ok());
  CHECK(r.config.provider("gemini")->keys[0].source == "env.GOOGLE_API_KEY");
}

TEST_CASE("config: unknown preset and unknown type suggest the nearest name") {
  LoadResult r = load(
      "[providers.a]\npreset = \"grok\"\n[providers.b]\ntype = \"antropic\"\n"
      "base_url = \"http://x\"\nkeys = [{ value = \"k\" }]\n");
  CAPTURE(format_diagnostics(r.errors));
  CHECK(r.errors.size() == 2);
  CHECK(has_error(r,
                  "config understudy.toml:2: providers.a.preset: unknown preset \"grok\" (did "
                  "you mean \"groq\"?)"));
  CHECK(has_error(r,
                  "config understudy.toml:4: providers.b.type: unknown provider type "
                  "\"antropic\" (did you mean \"anthropic\"?)"));
}

TEST_CASE("config: a provider that is not a preset needs a type and a base_url") {
  LoadResult r = load("[providers.corp]\nkeys = [{ value = \"literal-key\" }]\n");
  CHECK(r.errors.size() == 2);
  CHECK(r.errors[0].message.find("missing type") == 0);
  CHECK(r.errors[1].message.find("missing base_url") == 0);
}

TEST_CASE("config: mock providers need no key and no base_url") {
  LoadResult r = load("[providers.flaky]\ntype = \"mock\"\n");
  REQUIRE(r.ok());
  const ProviderConfig& p = *r.config.provider("flaky");
  CHECK(p.type == ProviderType::kMock);
  CHECK_FALSE(p.needs_key);
  CHECK(p.keys.empty());
}

TEST_CASE("config: keys with literal values, weights, models; duplicates rejected") {
  LoadResult r = load(
      "[providers.openai]\n"
      "keys = [\n"
      "  { name = \"main\", value = \"sk-literal-123\", weight = 3, models = [\"gpt-4o*\"] },\n"
      "  { name = \"main\", value = \"env.OPENAI_API_KEY\" },\n"
      "  { value = \"\" },\n"
      "]\n");
  CHECK(r.errors.size() == 2);
  CHECK(has_error(r,
                  "config understudy.toml:4: providers.openai.keys[1].name: duplicate key name "
                  "\"main\" (also used at line 3)"));
  CHECK(has_error(r,
                  "config understudy.toml:5: providers.openai.keys[2].value: empty value "
                  "(write \"env.VAR\" to read it from the environment)"));
  const ProviderConfig& p = *r.config.provider("openai");
  REQUIRE(p.keys.size() == 3);
  CHECK(p.keys[0].source == "literal");
  CHECK(p.keys[0].value == "sk-literal-123");
  CHECK(p.keys[0].weight == 3.0);
  CHECK(p.keys[0].models == std::vector<std::string>{"gpt-4o*"});
  CHECK(p.keys[2].name == "openai-3");
  for (const Diagnostic& d : r.errors)
    CHECK(d.to_string().find("sk-literal-123") == std::string::npos);
}

TEST_CASE("config: headers resolve env references; an unset one is an error") {
  LoadResult r = load(
      "[providers.openai]\n"
      "[providers.openai.headers]\n"
      "OpenAI-Organization = \"org-123\"\n"
      "X-Secret = \"env.ORG_SECRET\"\n");
  CHECK(only_error(r) ==
        "config understudy.toml:4: providers.openai.headers.X-Secret: environment variable "
        "ORG_SECRET is not set");
  const ProviderConfig& p = *r.config.provider("openai");
  CHECK(header_value(p.headers, "openai-organization") == std::optional<std::string>("org-123"));
}

TEST_CASE("config: an invalid base_url and an unreadable ca_file are errors") {
  LoadResult r = load(
      "[providers.openai]\n"
      "base_url = \"api.openai.com/v1\"\n"
      "ca_file = \"/nonexistent/ca.pem\"\n");
  CHECK(r.errors.size() == 2);
  CHECK(r.errors[0].path == "providers.openai.base_url");
  CHECK(r.errors[0].line == 2);
  CHECK(r.errors[1].path == "providers.openai.ca_file");
  CHECK(r.errors[1].message.find("/nonexistent/ca.pem") != std::string::npos);
}

TEST_CASE("config: a base_url with credentials is rejected without echoing them") {
  LoadResult r = load("[providers.openai]\nbase_url = \"https://user:hunter2@proxy.local/v1\"\n");
  CHECK(only_error(r) ==
        "config understudy.toml:2: providers.openai.base_url: credentials in "
        "base_url are not supported (send them with headers)");
}

TEST_CASE("config: capabilities, per-model capabilities in file order, drop_params") {
  LoadResult r = load(
      "[providers.anthropic]\n"
      "default_max_tokens = 2048\n"
      "[providers.anthropic.capabilities]\n"
      "prefill = true\n"
      "[providers.anthropic.model_capabilities.\"claude-3-*\"]\n"
      "vision = false\n"
      "[providers.anthropic.model_capabilities.\"claude-3-5-*\"]\n"
      "vision = true\n"
      "context_window = 200000\n"
      "[providers.anthropic.drop_params]\n"
      "\"claude-opus-*\" = [\"temperature\", \"top_p\"]\n");
  REQUIRE(r.ok());
  const ProviderConfig& p = *r.config.provider("anthropic");
  CHECK(p.default_max_tokens == 2048);
  CHECK(p.capabilities.prefill == std::optional<bool>(true));
  REQUIRE(p.model_capabilities.size() == 2);
  CHECK(p.model_capabilities[0].first == "claude-3-*");
  CHECK(p.model_capabilities[0].second.vision == std::optional<bool>(false));
  CHECK(p.model_capabilities[1].first == "claude-3-5-*");
  CHECK(p.model_capabilities[1].second.context_window == std::optional<std::int64_t>(200000));
  REQUIRE(p.drop_params.size() == 1);
  CHECK(p.drop_params[0].second == std::vector<std::string>{"temperature", "top_p"});
}

TEST_CASE("config: server section, listen address and auth tokens") {
  LoadResult r = load(
      "[server]\n"
      "listen = \"0.0.0.0:9090\"\n"
      "auth_tokens = [\"env.GW_TOKEN\", \"local-dev-token\"]\n"
      "drop_excess = true\n"
      "max_body_bytes = 1048576\n"
      "[providers.openai]\n",
      map_env({{"OPENAI_API_KEY", "k"}, {"GW_TOKEN", "tok-env"}}));
  REQUIRE(r.ok());
  CHECK(r.config.server.host == "0.0.0.0");
  CHECK(r.config.server.port == 9090);
  CHECK(r.config.server.auth_tokens == std::vector<std::string>{"tok-env", "local-dev-token"});
  CHECK(r.config.server.drop_excess);
  CHECK(r.config.server.max_body_bytes == 1048576u);
}

TEST_CASE("config: listen together with port is rejected") {
  LoadResult r = load("[server]\nport = 1\nlisten = \"a:2\"\n[providers.openai]\n");
  CHECK(only_error(r) ==
        "config understudy.toml:3: server.listen: give either listen or "
        "host/port, not both");
}

TEST_CASE("config: routes, fallback chains and ask resolve") {
  LoadResult r = load(
      "[providers.openai]\n[providers.anthropic]\n"
      "[routes.smart]\nchain = [\"openai/gpt-4o\", \"anthropic/claude-sonnet-4-5\"]\n"
      "[routes.any]\nchain = [\"smart\", \"openai/gpt-4o-mini\"]\n"
      "[fallback]\ndefault = [\"anthropic/claude-haiku-4-5\"]\non_content_policy = true\n"
      "deadline_ms = 60000\n"
      "[fallback.chains]\n\"openai/gpt-4o-mini\" = [\"anthropic/claude-haiku-4-5\"]\n"
      "[ask]\nmodel = \"smart\"\nfallbacks = [\"openai/gpt-4o-mini\"]\n");
  REQUIRE(r.ok());
  CHECK(r.config.routes.at("smart").chain.size() == 2);
  CHECK(r.config.routes.at("smart").origin == "understudy.toml:3");
  CHECK(r.config.fallback.default_chain == std::vector<std::string>{"anthropic/claude-haiku-4-5"});
  CHECK(r.config.fallback.chains.at("openai/gpt-4o-mini").size() == 1);
  CHECK(r.config.fallback.on_content_policy);
  CHECK(r.config.fallback.deadline == Millis(60000));
  CHECK(r.config.ask.model == "smart");
}

TEST_CASE("config: bad chain entries are reported at their own line") {
  LoadResult r = load(
      "[providers.openai]\n"
      "[routes.smart]\n"
      "chain = [\n"
      "  \"openai/gpt-4o\",\n"
      "  \"opnai/gpt-4o-mini\",\n"
      "  \"gpt-4o\",\n"
      "]\n"
      "[fallback.chains]\n"
      "\"smart\" = [\"openai/gpt-4o\"]\n");
  CHECK(r.errors.size() == 3);
  CHECK(has_error(r,
                  "config understudy.toml:5: routes.smart.chain[1]: \"opnai/gpt-4o-mini\" names "
                  "unknown provider \"opnai\" (did you mean \"openai\"? known providers: "
                  "openai)"));
  CHECK(has_error(r,
                  "config understudy.toml:6: routes.smart.chain[2]: \"gpt-4o\" is not "
                  "provider/model nor a route (did you mean \"openai/gpt-4o\"? known "
                  "providers: openai; routes: smart)"));
  CHECK(has_error(r,
                  "config understudy.toml:9: fallback.chains.smart: \"smart\" is not "
                  "provider/model (known providers: openai)"));
}

TEST_CASE("config: route cycles are detected") {
  LoadResult r = load(
      "[providers.openai]\n"
      "[routes.a]\nchain = [\"b\"]\n"
      "[routes.b]\nchain = [\"openai/gpt-4o\", \"a\"]\n"
      "[routes.c]\nchain = [\"c\"]\n");
  CHECK(r.errors.size() == 2);
  CHECK(has_error(r, "config understudy.toml:4: routes.b.chain: route cycle: a -> b -> a"));
  CHECK(has_error(r, "config understudy.toml:6: routes.c.chain: route cycle: c -> c"));
}

TEST_CASE("config: a file without providers is rejected") {
  LoadResult r = load("[server]\nport = 8080\n");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message.find("no providers") == 0);
}

TEST_CASE("config: a provider with no keys needs allow_direct_keys") {
  LoadResult bad = load("[providers.openai]\nkeys = []\n");
  CHECK(only_error(bad).find("providers.openai.keys: no keys") != std::string::npos);
  LoadResult good = load("[providers.openai]\nkeys = []\nallow_direct_keys = true\n");
  CHECK(good.ok());
}

TEST_CASE("config: fault rules naming unknown providers are rejected with a suggestion") {
  LoadResult r = load("[providers.openai]\n[[faults]]\nproviders = [\"opena\"]\nstatus = 429\n");
  CHECK(only_error(r) ==
        "config understudy.toml:2: faults[0].providers: unknown provider "
        "\"opena\" (did you mean \"openai\"?)");
  CHECK(r.config.faults.size() == 1);
}
