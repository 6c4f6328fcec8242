#include <doctest/doctest.h>

#include "lib/config/loader.h"
#include "lib/config/presets.h"

using namespace understudy;

TEST_CASE("zero-config: presets whose variable is set, plus ollama") {
  LoadResult r = zero_config(
      map_env({{"OPENAI_API_KEY", "sk-a"}, {"GROQ_API_KEY", "gsk-b"}, {"MISTRAL_API_KEY", ""}}));
  REQUIRE(r.ok());
  CHECK(r.config.source == "<presets>");
  std::vector<std::string> names;
  for (const auto& [name, p] : r.config.providers) names.push_back(name);
  CHECK(names == std::vector<std::string>{"groq", "ollama", "openai"});
  const ProviderConfig& groq = *r.config.provider("groq");
  CHECK(groq.base_url == "https://api.groq.com/openai/v1");
  REQUIRE(groq.keys.size() == 1);
  CHECK(groq.keys[0].name == "groq-1");
  CHECK(groq.keys[0].source == "env.GROQ_API_KEY");
  CHECK(groq.keys[0].value == "gsk-b");
  const ProviderConfig& ollama = *r.config.provider("ollama");
  CHECK(ollama.base_url == "http://localhost:11434/v1");
  CHECK(ollama.keys.empty());
  CHECK_FALSE(ollama.needs_key);
}

TEST_CASE("zero-config: gemini through GOOGLE_API_KEY, ollama through OLLAMA_HOST") {
  LoadResult r =
      zero_config(map_env({{"GOOGLE_API_KEY", "g"}, {"OLLAMA_HOST", "192.168.1.9:11434"}}));
  REQUIRE(r.config.provider("gemini"));
  CHECK(r.config.provider("gemini")->keys[0].source == "env.GOOGLE_API_KEY");
  CHECK(r.config.provider("ollama")->base_url == "http://192.168.1.9:11434/v1");
}

TEST_CASE("presets: every preset has a valid versioned base URL and models") {
  for (const ProviderPreset& p : provider_presets()) {
    CAPTURE(p.name);
    CHECK(split_url(p.base_url).has_value());
    CHECK_FALSE(p.models.empty());
    CHECK(p.needs_key == !p.env_var.empty());
  }
  CHECK(provider_presets().size() == 11);
  CHECK(find_preset("deepseek")->base_url == "https://api.deepseek.com");
}

TEST_CASE("config location: flag, then $UNDERSTUDY_CONFIG, then zero-config") {
  ConfigLocation flag = locate_config(std::string("x.toml"), map_env({{"UNDERSTUDY_CONFIG", "y"}}));
  CHECK(flag.path == "x.toml");
  CHECK(flag.how == "--config");
  CHECK(flag.explicit_path);
  ConfigLocation env = locate_config(std::nullopt, map_env({{"UNDERSTUDY_CONFIG", "y.toml"}}));
  CHECK(env.path == "y.toml");
  CHECK(env.how == "$UNDERSTUDY_CONFIG");
}

TEST_CASE("config files: an unreadable file is an error; extension picks the format") {
  LoadResult missing = load_config_file("/nonexistent/understudy.toml", map_env({}));
  REQUIRE(missing.errors.size() == 1);
  CHECK(missing.errors[0].to_string() ==
        "config /nonexistent/understudy.toml: cannot read the file (does it exist?)");
  LoadResult explicit_missing =
      load_default_config(std::string("/nonexistent/c.json"), map_env({}));
  CHECK_FALSE(explicit_missing.ok());
}
