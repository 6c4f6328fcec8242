#include "lib/config/check_report.h"

#include <doctest/doctest.h>

#include "lib/config/config_lint.h"

using namespace understudy;

namespace {

LoadResult load(const std::string& text) {
  return parse_toml_config(text, "understudy.toml",
                           map_env({{"OPENAI_API_KEY", "sk-secret-openai-value"},
                                    {"ANTHROPIC_API_KEY", "sk-secret-anthropic-value"}}));
}

std::vector<std::string> lint_lines(const LoadResult& r) {
  REQUIRE(r.ok());
  std::vector<std::string> out;
  for (const Diagnostic& d : lint_config(r.config)) out.push_back(d.to_string());
  return out;
}

bool contains(const std::vector<std::string>& lines, const std::string& text) {
  for (const std::string& l : lines) {
    if (l == text) return true;
  }
  return false;
}

const ConfigLocation kWhere{"understudy.toml", "--config", true};

}  // namespace

TEST_CASE("lint: a chain whose targets are all on one provider") {
  auto lines = lint_lines(
      load("[providers.openai]\n[providers.anthropic]\n"
           "[routes.same]\nchain = [\"openai/gpt-4o\", \"openai/gpt-4o-mini\"]\n"
           "[routes.mixed]\nchain = [\"openai/gpt-4o\", \"anthropic/claude-haiku-4-5\"]\n"));
  CHECK(lines == std::vector<std::string>{
                     "warning: understudy.toml:3: routes.same: all 2 targets are on provider "
                     "\"openai\": an outage there takes the whole chain down"});
}

TEST_CASE("lint: duplicate entries, also through route expansion") {
  auto lines =
      lint_lines(load("[providers.openai]\n[providers.anthropic]\n"
                      "[routes.base]\nchain = [\"openai/gpt-4o\", \"anthropic/claude-haiku-4-5\"]\n"
                      "[routes.more]\nchain = [\"base\", \"openai/gpt-4o\"]\n"));
  CHECK(contains(lines,
                 "warning: understudy.toml:5: routes.more: duplicate entry "
                 "\"openai/gpt-4o\": the later copy is dropped"));
  CHECK(lines.size() == 1);
}

TEST_CASE("lint: a fallback to a provider whose keys do not admit the model") {
  auto lines = lint_lines(
      load("[providers.openai]\n"
           "[providers.anthropic]\n"
           "keys = [{ value = \"env.ANTHROPIC_API_KEY\", models = [\"claude-opus-*\"] }]\n"
           "[fallback.chains]\n\"openai/gpt-4o\" = [\"anthropic/claude-haiku-4-5\"]\n"));
  CHECK(lines == std::vector<std::string>{
                     "warning: understudy.toml: fallback.chains.\"openai/gpt-4o\": target "
                     "\"anthropic/claude-haiku-4-5\" has no usable key: provider \"anthropic\" "
                     "has no key present whose models filter admits \"claude-haiku-4-5\""});
}

TEST_CASE("lint: unreachable routes") {
  auto lines =
      lint_lines(load("[providers.openai]\n"
                      "keys = [{ value = \"env.OPENAI_API_KEY\", models = [\"gpt-4o\"] }]\n"
                      "[routes.\"team/fast\"]\nchain = [\"openai/gpt-4o\"]\n"
                      "[routes.mini]\nchain = [\"openai/gpt-4o-mini\"]\n"));
  CHECK(contains(lines,
                 "warning: understudy.toml:3: routes.\"team/fast\": unreachable route: a "
                 "name containing \"/\" is read as provider/model, so no request can "
                 "select it; rename it"));
  CHECK(contains(lines,
                 "warning: understudy.toml:5: routes.mini: unreachable route: none of its "
                 "targets has a usable key"));
}

TEST_CASE("lint: a clean config has no warnings") {
  auto lines = lint_lines(
      load("[providers.openai]\n[providers.anthropic]\n"
           "[routes.smart]\nchain = [\"openai/gpt-4o\", \"anthropic/claude-sonnet-4-5\"]\n"
           "[fallback]\ndefault = [\"anthropic/claude-haiku-4-5\"]\n"));
  CHECK(lines.empty());
}

TEST_CASE("check report: providers, keys redacted, routes, chains, faults") {
  LoadResult r = load(
      "[providers.openai]\n"
      "keys = [{ name = \"lit\", value = \"sk-literal-do-not-print\" }, "
      "{ name = \"env\", value = \"env.OPENAI_API_KEY\", weight = 2 }]\n"
      "[providers.openai.headers]\nX-Team = \"team-secret-header\"\n"
      "[providers.anthropic]\n"
      "[routes.smart]\nchain = [\"openai/gpt-4o\", \"anthropic/claude-sonnet-4-5\"]\n"
      "[fallback.chains]\n\"openai/gpt-4o-mini\" = [\"smart\"]\n"
      "[[faults]]\nstatus = 500\n[[faults]]\nenabled = false\naction = \"hang\"\n");
  REQUIRE(r.ok());
  CheckReport report = build_check_report(r, kWhere);
  CHECK(report.valid);
  CHECK(report.errors == 0);
  const std::string& t = report.text;
  CHECK(t.find("source: understudy.toml (understudy TOML, from --config)") != std::string::npos);
  CHECK(t.find("  openai: type openai (preset openai), base_url https://api.openai.com/v1") !=
        std::string::npos);
  CHECK(t.find("      lit  literal  <set>\n") != std::string::npos);
  CHECK(t.find("      env  env.OPENAI_API_KEY  <set>  weight 2\n") != std::string::npos);
  CHECK(t.find("    headers: X-Team (values hidden)") != std::string::npos);
  CHECK(t.find("  smart -> openai/gpt-4o -> anthropic/claude-sonnet-4-5\n") != std::string::npos);
  CHECK(t.find("  openai/gpt-4o-mini -> openai/gpt-4o -> anthropic/claude-sonnet-4-5\n") !=
        std::string::npos);
  CHECK(t.find("faults: 2 rules (1 enabled)") != std::string::npos);
  CHECK(t.find("config is valid") != std::string::npos);
  for (const char* secret : {"sk-literal-do-not-print", "sk-secret-openai-value",
                             "sk-secret-anthropic-value", "team-secret-header"}) {
    CAPTURE(secret);
    CHECK(t.find(secret) == std::string::npos);
  }
}

TEST_CASE("check report: an invalid config lists its errors and shows <missing>") {
  LoadResult r = parse_toml_config("[providers.openai]\n[providers.groq]\n", "u.toml",
                                   map_env({{"OPENAI_API_KEY", "x"}}));
  CheckReport report = build_check_report(r, kWhere);
  CHECK_FALSE(report.valid);
  CHECK(report.errors == 1);
  CHECK(report.text.find("groq-1  env.GROQ_API_KEY  <missing>") != std::string::npos);
  CHECK(report.text.find("errors (1):\n  config u.toml:2: providers.groq.keys[0].value: "
                         "environment variable GROQ_API_KEY is not set") != std::string::npos);
  CHECK(report.text.find("config is INVALID: 1 error\n") != std::string::npos);
}
