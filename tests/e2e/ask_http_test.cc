// `understudy ask` over real HTTP: the providers are an `understudy mock` server on loopback
// speaking the OpenAI and Anthropic wire formats, so the request goes through HttpTransport,
// the Anthropic translation and a real socket that Ctrl-C must shut down.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "tests/support/subprocess.h"
#include "tests/support/text.h"

using namespace understudy::testing;
using namespace std::chrono_literals;

namespace {

const char* kFaults = R"(
[[faults]]
name = "openai rate limited"
providers = ["openai"]
message_regex = "rate limit"
status = 429

[[faults]]
name = "openai hangs"
providers = ["openai"]
message_regex = "hang"
action = "hang"
)";

struct MockUpstream {
  int port = free_port();
  std::string dir = temp_dir();
  Background server;
  std::string config;

  MockUpstream() {
    std::string faults = write_file(dir, "faults.toml", kFaults);
    server = Background({understudy_binary(), "mock", "--listen",
                         "127.0.0.1:" + std::to_string(port), "--faults", faults});
    REQUIRE(wait_for_port(port, 5000ms));
    std::string base = "http://127.0.0.1:" + std::to_string(port) + "/v1";
    config = write_file(dir, "understudy.toml",
                        "[providers.openai]\nbase_url = \"" + base +
                            "\"\nkeys = [{ value = \"sk-test-openai-secret\" }]\nmax_retries = 0\n"
                            "[providers.anthropic]\nbase_url = \"" +
                            base + "\"\nkeys = [{ value = \"sk-ant-test-secret\" }]\n");
  }
  ~MockUpstream() {
    server.signal(SIGTERM);
    server.wait(5000ms);
  }
};

}  // namespace

TEST_CASE("e2e ask over HTTP: falls back from OpenAI to Anthropic on a 429") {
  MockUpstream mock;
  RunResult r = run_understudy({"ask", "--config", mock.config, "-v", "-m", "openai/gpt-4o-mini",
                                "-f", "anthropic/claude-haiku-4-5", "please", "rate limit"});
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "You said: please rate limit\n");
  CHECK(contains(r.err, "[1] openai/gpt-4o-mini key openai-1: 429 rate_limit"));
  CHECK(contains(r.err, "[2] anthropic/claude-haiku-4-5 key anthropic-1: 200 ok"));
  CHECK(contains(r.err, "anthropic/claude-haiku-4-5 · fallback 1 (openai: 429 rate_limit)"));
  CHECK_FALSE(contains(r.out + r.err, "sk-test-openai-secret"));
  CHECK_FALSE(contains(r.out + r.err, "sk-ant-test-secret"));
  RunResult plain = run_understudy(
      {"ask", "--config", mock.config, "--no-stream", "-m", "anthropic/claude-haiku-4-5", "hi"});
  CHECK(plain.exit_code == 0);
  CHECK(plain.out == "You said: hi\n");
}

TEST_CASE("e2e ask over HTTP: Ctrl-C shuts a hung upstream connection and exits 130 at once") {
  MockUpstream mock;
  Background bg({understudy_binary(), "ask", "--config", mock.config, "-v", "-m",
                 "openai/gpt-4o-mini", "please hang"});
  REQUIRE(bg.wait_for_output("asking openai/gpt-4o-mini", 5000ms));
  std::this_thread::sleep_for(150ms);  // connected, request sent, waiting for headers
  REQUIRE(bg.running());
  auto start = std::chrono::steady_clock::now();
  bg.signal(SIGINT);
  int code = bg.wait(2000ms);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
  CAPTURE(took);
  CAPTURE(bg.err());
  CHECK(code == 130);
  CHECK(took < 1000);
  CHECK(contains(bg.err(), "[1] openai/gpt-4o-mini key openai-1: cancelled"));
}
