// End-to-end tests of `understudy ask`: the built binary, with in-process mock providers and
// [[faults]] chosen by the prompt's text, so no server and no network are involved.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "lib/model/json.h"
#include "tests/support/subprocess.h"
#include "tests/support/text.h"

using namespace understudy::testing;
using understudy::Json;
using namespace std::chrono_literals;

namespace {

// openai fails as the prompt asks ("rate limit", "outage", "hang"), anthropic backs it up.
const char* kConfig = R"(
[providers.openai]
type = "mock"
max_retries = 0

[providers.anthropic]
type = "mock"
max_retries = 0

[ask]
model = "openai/gpt-4o-mini"
fallbacks = ["anthropic/claude-haiku-4-5"]

[[faults]]
name = "openai rate limited"
providers = ["openai"]
message_regex = "rate limit"
status = 429

[[faults]]
name = "outage"
message_regex = "outage"
status = 503
message = "The server is temporarily overloaded"

[[faults]]
name = "openai hangs"
providers = ["openai"]
message_regex = "hang"
action = "hang"

[[faults]]
name = "slow tokens"
message_regex = "slowly"
action = "ok"
token_interval_ms = 150
)";

std::string config_path() {
  static const std::string path = write_file(temp_dir(), "understudy.toml", kConfig);
  return path;
}

RunResult ask(std::vector<std::string> args, RunOptions opts = {}) {
  args.insert(args.begin(), {"ask", "--config", config_path()});
  return run_understudy(args, opts);
}

std::int64_t elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

}  // namespace

TEST_CASE("e2e ask: the prompt from the arguments, the answer alone on stdout") {
  RunResult r = ask({"hello", "there"});
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "You said: hello there\n");
  CHECK(r.err.empty());  // stderr is not a terminal and there is no -v: no summary
}

TEST_CASE("e2e ask: the prompt from a pipe, and - inside the words") {
  RunOptions piped;
  piped.stdin_data = "what is in the pipe\n";
  RunResult whole = ask({}, piped);
  CHECK(whole.exit_code == 0);
  CHECK(whole.out == "You said: what is in the pipe\n");
  RunResult dash = ask({"explain", "-", "briefly"}, piped);
  CHECK(dash.exit_code == 0);
  CHECK(dash.out == "You said: explain what is in the pipe briefly\n");
  RunOptions ignored;
  ignored.stdin_data = "not this";
  CHECK(ask({"the", "words"}, ignored).out == "You said: the words\n");
}

TEST_CASE("e2e ask: -v shows the fallback as it happens, then the summary") {
  RunResult r = ask({"-v", "please rate limit me"});
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "You said: please rate limit me\n");
  CHECK(contains(r.err, "asking openai/gpt-4o-mini, then anthropic/claude-haiku-4-5\n"));
  CHECK(contains(r.err, "[1] openai/gpt-4o-mini: 429 rate_limit · "));
  CHECK(contains(r.err, " · fall back · fault:openai rate limited · Rate limit reached"));
  CHECK(contains(r.err, "[2] anthropic/claude-haiku-4-5: 200 ok · "));
  CHECK(contains(r.err, "anthropic/claude-haiku-4-5 · fallback 1 (openai: 429 rate_limit) · "));
  CHECK(contains(r.err, " tokens\n"));
  // The trail comes in order, the summary last.
  CHECK(r.err.find("[1] ") < r.err.find("[2] "));
  CHECK(r.err.find("[2] ") < r.err.find("fallback 1 ("));
}

TEST_CASE("e2e ask: with 2>&1 the trail never shares a line with the answer") {
  RunResult r = run({"/bin/sh", "-c", "exec \"$0\" ask --config \"$1\" -v rate limit 2>&1",
                     understudy_binary(), config_path()});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "\nYou said: rate limit\n[2] anthropic/claude-haiku-4-5: 200 ok"));
}

TEST_CASE("e2e ask: --json prints the whole response with the fallback in extra_fields") {
  RunResult r = ask({"--json", "please rate limit me"});
  CHECK(r.exit_code == 0);
  Json body = Json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(body.is_discarded());
  CHECK(body["object"] == "chat.completion");
  CHECK(body["choices"][0]["message"]["content"] == "You said: please rate limit me");
  const Json& extra = body["extra_fields"];
  CHECK(extra["provider"] == "anthropic");
  CHECK(extra["model"] == "claude-haiku-4-5");
  CHECK(extra["requested"] == "openai/gpt-4o-mini");
  CHECK(extra["fallback_index"] == 1);
  REQUIRE(extra["attempts"].size() == 2);
  CHECK(extra["attempts"][0]["status"] == 429);
  CHECK(extra["attempts"][0]["class"] == "rate_limit");
  CHECK(extra["attempts"][1]["status"] == 200);
}

TEST_CASE("e2e ask: --no-stream and the flags that shape the request") {
  RunResult r = ask({"--no-stream", "-s", "be brief", "--temperature", "0.3", "--max-tokens", "50",
                     "-m", "anthropic/claude-sonnet-4-5", "short", "answer"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "You said: short answer\n");
  RunResult fb = ask({"-v", "-m", "openai/gpt-4o", "-f", "anthropic/claude-haiku-4-5", "-f",
                      "anthropic/claude-sonnet-4-5", "rate limit"});
  CHECK(fb.exit_code == 0);
  CHECK(contains(
      fb.err,
      "asking openai/gpt-4o, then anthropic/claude-haiku-4-5, anthropic/claude-sonnet-4-5"));
}

TEST_CASE("e2e ask: the answer streams out as it arrives") {
  Background bg({understudy_binary(), "ask", "--config", config_path(), "please answer slowly"});
  // "You said: please answer slowly" is 5 tokens 150 ms apart: the first words must show up
  // while the rest is still on its way.
  REQUIRE(bg.wait_for_output("You said:", 5000ms));
  bool partial = bg.running() && !contains(bg.out(), "slowly");
  CHECK(partial);
  CHECK(bg.wait(5000ms) == 0);
  CHECK(bg.out() == "You said: please answer slowly\n");
}

TEST_CASE("e2e ask: exit 1 when every target fails, with the primary's error") {
  RunResult r = ask({"total outage"});
  CAPTURE(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(contains(r.err, "understudy ask: every target failed\n"));
  CHECK(contains(r.err,
                 "  primary  openai/gpt-4o-mini: 503 overloaded: The server is "
                 "temporarily overloaded\n"));
  CHECK(contains(r.err, "  fallback anthropic/claude-haiku-4-5: 503 overloaded"));
  RunResult json = ask({"--json", "total outage"});
  CHECK(json.exit_code == 1);
  Json body = Json::parse(json.out, nullptr, false);
  REQUIRE_FALSE(body.is_discarded());
  CHECK(body["error"]["message"] == "The server is temporarily overloaded");
  CHECK(body["extra_fields"]["attempts"].size() == 2);
}

TEST_CASE("e2e ask: --timeout bounds the whole request") {
  auto start = std::chrono::steady_clock::now();
  RunResult r = ask({"--timeout", "300ms", "hang on"});
  CHECK(elapsed_ms(start) < 3000);
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "request deadline exceeded"));
  CHECK(contains(r.err, "fallback anthropic/claude-haiku-4-5: not tried"));
}

TEST_CASE("e2e ask: exit 2 for usage and config errors") {
  CHECK(ask({"--no-such-flag", "hi"}).exit_code == 2);
  CHECK(ask({"--temperature", "9", "hi"}).exit_code == 2);
  RunResult timeout = ask({"--timeout", "soon", "hi"});
  CHECK(timeout.exit_code == 2);
  CHECK(contains(timeout.err, "--timeout \"soon\" is not a duration"));
  RunResult empty = ask({});
  CHECK(empty.exit_code == 2);
  CHECK(contains(empty.err, "no prompt"));
  RunResult unknown = ask({"-m", "nope/model", "hi"});
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "unknown provider \"nope\""));
  RunResult missing = run_understudy({"ask", "--config", "/nonexistent/understudy.toml", "hi"});
  CHECK(missing.exit_code == 2);
  CHECK(contains(missing.err, "/nonexistent/understudy.toml"));
  std::string broken = write_file(temp_dir(), "broken.toml", "[providers.x]\ntype = \"mok\"\n");
  RunResult invalid = run_understudy({"ask", "--config", broken, "hi"});
  CHECK(invalid.exit_code == 2);
  CHECK(contains(invalid.err, "has errors"));
}

TEST_CASE("e2e ask: with no config and no key set, the variables to set are listed (exit 2)") {
  RunOptions opts;
  opts.cwd = temp_dir();
  RunResult r = run_understudy({"ask", "hi"}, opts);
  CHECK(r.exit_code == 2);
  for (const char* var : {"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY"}) {
    CAPTURE(var);
    CHECK(contains(r.err, var));
  }
  CHECK(r.out.empty());
}

TEST_CASE("e2e ask: zero-config reaches a local model that needs no key") {
  RunOptions opts;
  opts.cwd = temp_dir();
  // Nothing listens on this port: the attempt fails fast, which shows where it went.
  opts.env = {{"OLLAMA_HOST", "127.0.0.1:" + std::to_string(free_port())}};
  RunResult r =
      run_understudy({"ask", "-v", "--timeout", "1", "-m", "ollama/llama3.2", "hi"}, opts);
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "[1] ollama/llama3.2: network"));
  CHECK(contains(r.err, "  primary  ollama/llama3.2: network"));
}

TEST_CASE("e2e ask: no ANSI codes when the streams are not terminals") {
  RunOptions opts;
  opts.env = {{"TERM", "xterm-256color"}};
  RunResult ok = ask({"-v", "rate limit"}, opts);
  CHECK(ok.exit_code == 0);
  RunResult failed = ask({"-v", "outage"}, opts);
  CHECK(failed.exit_code == 1);
  for (const std::string& s : {ok.out, ok.err, failed.out, failed.err}) {
    CHECK_FALSE(contains(s, "\x1b["));
  }
  CHECK_FALSE(ok.err.empty());
}

TEST_CASE("e2e ask: Ctrl-C during a hanging upstream exits 130 within a second") {
  Background bg({understudy_binary(), "ask", "--config", config_path(), "-v", "please hang"});
  REQUIRE(bg.wait_for_output("asking openai/gpt-4o-mini", 5000ms));
  std::this_thread::sleep_for(100ms);  // the attempt is now waiting on the hung mock
  REQUIRE(bg.running());
  auto start = std::chrono::steady_clock::now();
  bg.signal(SIGINT);
  int code = bg.wait(2000ms);
  std::int64_t took = elapsed_ms(start);
  CAPTURE(took);
  CAPTURE(bg.err());
  CHECK(code == 130);
  CHECK(took < 1000);
  CHECK(bg.out().empty());
  CHECK(contains(bg.err(), "[1] openai/gpt-4o-mini: cancelled"));
  CHECK(contains(bg.err(), "interrupted"));
}

TEST_CASE("e2e ask: Ctrl-C while the prompt is still being piped in exits 130 at once") {
  // stdin is a FIFO this test holds open, so ask keeps waiting for the rest of the prompt.
  std::string fifo = temp_dir() + "/prompt";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  int writer = open(fifo.c_str(), O_RDWR);
  REQUIRE(writer >= 0);
  Background bg({"/bin/sh", "-c", "exec \"$0\" ask --config \"$1\" < \"$2\"", understudy_binary(),
                 config_path(), fifo});
  REQUIRE(write(writer, "half a prompt", 13) == 13);
  std::this_thread::sleep_for(200ms);
  REQUIRE(bg.running());
  auto start = std::chrono::steady_clock::now();
  bg.signal(SIGINT);
  CHECK(bg.wait(2000ms) == 130);
  CHECK(elapsed_ms(start) < 1000);
  CHECK(bg.out().empty());
  close(writer);
}
