#include <doctest/doctest.h>

#include <filesystem>

#include "tests/support/subprocess.h"
#include "tests/support/text.h"

using namespace understudy::testing;

namespace {

RunOptions with_dummy_keys() {
  RunOptions opts;
  opts.env = {{"OPENAI_API_KEY", "sk-test-dummy-openai"},
              {"ANTHROPIC_API_KEY", "sk-test-dummy-anthropic"},
              {"GEMINI_API_KEY", "test-dummy-gemini"}};
  return opts;
}

}  // namespace

TEST_CASE("e2e: check accepts every shipped example config") {
  std::string dir = source_dir() + "/docs/examples";
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string path = entry.path().string();
    CAPTURE(path);
    RunResult r = run_understudy({"check", "--config", path}, with_dummy_keys());
    CAPTURE(r.out);
    CAPTURE(r.err);
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "config is valid"));
    CHECK(contains(r.out, "errors (0)"));
    CHECK_FALSE(contains(r.out, "sk-test-dummy"));
    ++checked;
  }
  CHECK(checked >= 4);
}

TEST_CASE("e2e: the demo config needs no API keys") {
  RunResult r = run_understudy({"check", "--config", source_dir() + "/docs/examples/demo.toml"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "demo -> flaky/mock-large -> slow/mock-medium -> healthy/mock-small"));
}

TEST_CASE("e2e: check rejects a broken config with clear messages and exit 1") {
  std::string dir = temp_dir();
  std::string path =
      write_file(dir, "understudy.toml",
                 "[providers.openai]\n"
                 "keys = [{ name = \"lit\", value = \"sk-literal-never-shown\" },\n"
                 "        { name = \"env\", value = \"env.UNDERSTUDY_TEST_UNSET\" }]\n"
                 "timeout_sm = 100\n"
                 "[routes.smart]\n"
                 "chain = [\"opnai/gpt-4o\"]\n");
  RunResult r = run_understudy({"check", "--config", path});
  CHECK(r.exit_code == 1);
  CHECK(contains(r.out, path + ":3: providers.openai.keys[1].value: environment variable "
                               "UNDERSTUDY_TEST_UNSET is not set"));
  CHECK(contains(r.out, path + ":4: providers.openai.timeout_sm: unknown key \"timeout_sm\" "
                               "(did you mean \"timeout_ms\"?)"));
  CHECK(contains(r.out, path + ":6: routes.smart.chain[0]: \"opnai/gpt-4o\" names unknown "
                               "provider \"opnai\""));
  CHECK(contains(r.out, "lit  literal  <set>"));
  CHECK(contains(r.out, "env  env.UNDERSTUDY_TEST_UNSET  <missing>"));
  CHECK(contains(r.out, "config is INVALID: 3 errors"));
  CHECK_FALSE(contains(r.out + r.err, "sk-literal-never-shown"));
}

TEST_CASE("e2e: check exits 2 for a config file that does not exist") {
  RunResult r = run_understudy({"check", "--config", "/nonexistent/understudy.toml"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "/nonexistent/understudy.toml"));
  CHECK(contains(r.err, "does not exist"));
  RunOptions opts;
  opts.env = {{"UNDERSTUDY_CONFIG", "/nonexistent/from-env.toml"}};
  RunResult from_env = run_understudy({"check"}, opts);
  CHECK(from_env.exit_code == 2);
  CHECK(contains(from_env.err, "$UNDERSTUDY_CONFIG"));
}

TEST_CASE("e2e: check exits 2 on a bad flag") {
  RunResult r = run_understudy({"check", "--no-such-flag"});
  CHECK(r.exit_code == 2);
}

TEST_CASE("e2e: check finds ./understudy.toml, else falls back to zero-config") {
  std::string dir = temp_dir();
  RunOptions opts;
  opts.cwd = dir;
  opts.env = {{"GROQ_API_KEY", "gsk-test-dummy"}};
  RunResult zero = run_understudy({"check"}, opts);
  CHECK(zero.exit_code == 0);
  CHECK(contains(zero.out, "source: zero-config"));
  CHECK(contains(zero.out, "groq-1  env.GROQ_API_KEY  <set>"));
  CHECK(contains(zero.out, "  ollama: type openai (preset ollama)"));
  CHECK_FALSE(contains(zero.out, "gsk-test-dummy"));
  write_file(dir, "understudy.toml", "[providers.local]\ntype = \"mock\"\n");
  RunResult local = run_understudy({"check"}, opts);
  CHECK(local.exit_code == 0);
  CHECK(contains(local.out, "from ./understudy.toml"));
  CHECK(contains(local.out, "  local: type mock"));
}

TEST_CASE("e2e: check --help describes the exit codes") {
  RunResult r = run_understudy({"check", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "--config"));
  CHECK(contains(r.out, "2 usage error"));
}
