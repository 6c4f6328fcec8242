#include "lib/config/suggest.h"

#include <doctest/doctest.h>

#include "lib/config/diagnostics.h"
#include "lib/config/key_path.h"
#include "lib/config/secret.h"

using namespace understudy;

TEST_CASE("suggest: edit distance") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("timeout_sm", "timeout_ms") == 2);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("suggest: nearest name within a plausible typo distance") {
  std::vector<std::string> keys = {"timeout_ms", "max_retries", "base_url"};
  CHECK(nearest_name("timeout_sm", keys) == std::optional<std::string>("timeout_ms"));
  CHECK(nearest_name("max_retry", keys) == std::optional<std::string>("max_retries"));
  CHECK(nearest_name("completely_else", keys) == std::nullopt);
  CHECK(nearest_name("retry_backoff_initial_ms", {"retry_backoff_initial"}) ==
        std::optional<std::string>("retry_backoff_initial"));
  CHECK(suggestion_suffix("zzz", {"a", "b"}) == " (expected one of: a, b)");
}

TEST_CASE("diagnostics: rendering with and without line, column and path") {
  CHECK(make_error("understudy.toml", 12, "providers.openai.keys[0].value",
                   "environment variable OPENAI_API_KEY is not set")
            .to_string() ==
        "config understudy.toml:12: providers.openai.keys[0].value: environment variable "
        "OPENAI_API_KEY is not set");
  CHECK(make_warning("understudy.toml", 30, "routes.cheap", "x").to_string() ==
        "warning: understudy.toml:30: routes.cheap: x");
  Diagnostic d = make_error("a.toml", 3, "", "TOML syntax error: bad");
  d.column = 7;
  CHECK(d.to_string() == "config a.toml:3:7: TOML syntax error: bad");
  CHECK(make_error("<presets>", 0, "", "m").to_string() == "config <presets>: m");
  Diagnostic o = diagnostic_at_origin(true, "dir/x:y.toml:14", "p", "m");
  CHECK(o.file == "dir/x:y.toml");
  CHECK(o.line == 14);
}

TEST_CASE("key paths quote keys that are not bare") {
  CHECK(join_key("", "server") == "server");
  CHECK(join_key("providers", "openai") == "providers.openai");
  CHECK(join_key("a.model_capabilities", "gpt-4o*") == "a.model_capabilities.\"gpt-4o*\"");
  CHECK(index_path("keys", 2) == "keys[2]");
}

TEST_CASE("secrets: env references and literals") {
  EnvLookup env = map_env({{"SET", "v"}, {"EMPTY", ""}});
  ResolvedSecret set = resolve_secret("env.SET", env);
  CHECK(set.present);
  CHECK(set.value == "v");
  CHECK(set.source == "env.SET");
  CHECK(resolve_secret("env.UNSET", env).problem == "environment variable UNSET is not set");
  CHECK(resolve_secret("env.EMPTY", env).problem == "environment variable EMPTY is set but empty");
  CHECK(resolve_secret("env.", env).problem.find("not a valid environment reference") !=
        std::string::npos);
  ResolvedSecret literal = resolve_secret("sk-abc", env);
  CHECK(literal.present);
  CHECK(literal.source == "literal");
  CHECK(literal.problem.empty());
  CHECK_FALSE(resolve_secret("", env).present);
}
