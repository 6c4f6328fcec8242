// `understudy ask --via URL` against a loopback stand-in for `understudy serve` that answers
// the way the gateway does (design §6, §7): OpenAI chunks with extra_fields on the last one,
// a chat.completion with extra_fields, or an error object with the attempt trail.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <mutex>

#include "lib/model/json.h"
#include "tests/support/subprocess.h"
#include "tests/support/text.h"
#include "tests/transport/test_http_server.h"

using namespace understudy::testing;
using understudy::Json;
using namespace std::chrono_literals;

namespace {

const char* kTrail = R"({
  "provider": "anthropic", "model": "claude-haiku-4-5", "requested": "openai/gpt-4o-mini",
  "fallback_index": 1, "latency_ms": 812,
  "attempts": [
    {"provider": "openai", "model": "gpt-4o-mini", "key": "openai-1", "status": 429,
     "class": "rate_limit", "message": "Rate limit reached", "decision": "next_target",
     "latency_ms": 103},
    {"provider": "anthropic", "model": "claude-haiku-4-5", "key": "anthropic-1",
     "status": 200, "latency_ms": 709}]})";

std::string sse(const Json& j) { return "data: " + j.dump() + "\n\n"; }

Json chunk(const Json& delta, const Json& finish = nullptr) {
  return Json{
      {"id", "chatcmpl-1"},
      {"object", "chat.completion.chunk"},
      {"model", "claude-haiku-4-5"},
      {"choices", Json::array({Json{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}})}};
}

// The gateway stand-in. What it does depends on the prompt.
struct FakeGateway {
  TestHttpServer http;
  std::mutex mu;
  Json last_body;
  std::string last_auth;
  std::string last_path;

  FakeGateway() {
    http.server().Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      Json body = Json::parse(req.body, nullptr, false);
      {
        std::lock_guard<std::mutex> lock(mu);
        last_body = body;
        last_auth = req.get_header_value("Authorization");
        last_path = req.path;
      }
      std::string prompt = body["messages"].back()["content"];
      if (prompt == "outage") return fail(res, 503, Json::parse(kTrail));
      if (prompt == "bad model") return fail(res, 400, Json{{"attempts", Json::array()}});
      if (body["stream"] == true) return stream(res, prompt);
      Json done = {
          {"id", "chatcmpl-1"},
          {"object", "chat.completion"},
          {"model", "claude-haiku-4-5"},
          {"choices",
           Json::array({Json{{"index", 0},
                             {"message", {{"role", "assistant"}, {"content", "Plain: " + prompt}}},
                             {"finish_reason", "stop"}}})},
          {"usage", {{"prompt_tokens", 5}, {"completion_tokens", 3}, {"total_tokens", 8}}},
          {"extra_fields", Json::parse(kTrail)}};
      res.set_content(done.dump(), "application/json");
    });
    REQUIRE(http.start());
  }

  void stream(httplib::Response& res, const std::string& prompt) {
    std::string events = sse(chunk({{"role", "assistant"}, {"content", ""}})) +
                         sse(chunk({{"content", "Streamed:"}})) +
                         sse(chunk({{"content", " " + prompt}}));
    Json last = chunk(Json::object(), "stop");
    last["extra_fields"] = Json::parse(kTrail);
    events += sse(last);
    Json usage = chunk(Json::object());
    usage["choices"] = Json::array();
    usage["usage"] = {{"prompt_tokens", 40}, {"completion_tokens", 17}, {"total_tokens", 57}};
    events += sse(usage) + "data: [DONE]\n\n";
    res.set_content(events, "text/event-stream");
  }

  static void fail(httplib::Response& res, int status, const Json& extra) {
    Json error = {{"error",
                   {{"message", status == 400 ? "model \"nope\" names unknown provider \"nope\""
                                              : "Rate limit reached"},
                    {"type", status == 400 ? "invalid_request_error" : "requests"},
                    {"param", nullptr},
                    {"code", nullptr}}},
                  {"extra_fields", extra}};
    res.status = status;
    res.set_content(error.dump(), "application/json");
  }
};

RunResult ask_via(FakeGateway& gw, std::vector<std::string> args, RunOptions opts = {}) {
  args.insert(args.begin(), {"ask", "--via", gw.http.base_url(), "-m", "openai/gpt-4o-mini"});
  opts.cwd = temp_dir();  // no understudy.toml: --via with -m needs no local config
  return run_understudy(args, opts);
}

}  // namespace

TEST_CASE("e2e ask --via: streams the gateway's answer and prints its trail under -v") {
  FakeGateway gw;
  RunOptions opts;
  opts.env = {{"UNDERSTUDY_API_KEY", "gw-token-never-printed"}};
  RunResult r = ask_via(gw, {"-v", "-f", "anthropic/claude-haiku-4-5", "hello", "gateway"}, opts);
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "Streamed: hello gateway\n");
  CHECK(contains(r.err,
                 "[1] openai/gpt-4o-mini key openai-1: 429 rate_limit · 103 ms · fall "
                 "back · Rate limit reached\n"));
  CHECK(contains(r.err, "[2] anthropic/claude-haiku-4-5 key anthropic-1: 200 ok · 709 ms\n"));
  CHECK(contains(r.err,
                 "anthropic/claude-haiku-4-5 · fallback 1 (openai: 429 rate_limit) · "
                 "812 ms · 57 tokens\n"));
  CHECK_FALSE(contains(r.out + r.err, "gw-token-never-printed"));
  std::lock_guard<std::mutex> lock(gw.mu);
  CHECK(gw.last_path == "/v1/chat/completions");
  CHECK(gw.last_auth == "Bearer gw-token-never-printed");
  CHECK(gw.last_body["model"] == "openai/gpt-4o-mini");
  CHECK(gw.last_body["fallbacks"] == Json::array({"anthropic/claude-haiku-4-5"}));
  CHECK(gw.last_body["stream"] == true);
  CHECK(gw.last_body["messages"] ==
        Json::array({Json{{"role", "user"}, {"content", "hello gateway"}}}));
}

TEST_CASE("e2e ask --via: --json and --no-stream take the gateway's completion") {
  FakeGateway gw;
  RunResult json = ask_via(gw, {"--json", "hi"});
  CHECK(json.exit_code == 0);
  Json body = Json::parse(json.out, nullptr, false);
  REQUIRE_FALSE(body.is_discarded());
  CHECK(body["extra_fields"]["provider"] == "anthropic");
  CHECK(body["extra_fields"]["attempts"][0]["status"] == 429);
  RunResult plain = ask_via(gw, {"--no-stream", "hi"});
  CHECK(plain.exit_code == 0);
  CHECK(plain.out == "Plain: hi\n");
  std::lock_guard<std::mutex> lock(gw.mu);
  CHECK(gw.last_body["stream"] == false);
  CHECK_FALSE(gw.last_body.contains("fallbacks"));
}

TEST_CASE("e2e ask --via: the gateway's errors map to exit 1 and 2") {
  FakeGateway gw;
  RunResult down = ask_via(gw, {"outage"});
  CHECK(down.exit_code == 1);
  CHECK(down.out.empty());
  CHECK(contains(down.err, "  primary  openai/gpt-4o-mini: 429 rate_limit: Rate limit reached\n"));
  RunResult bad = ask_via(gw, {"bad model"});
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.err, "names unknown provider \"nope\""));
}

TEST_CASE("e2e ask --via: a gateway that is not there is exit 1, a bad URL exit 2") {
  std::string url = "http://127.0.0.1:" + std::to_string(free_port());
  RunResult r = run_understudy({"ask", "--via", url, "-m", "a/b", "hi"});
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "cannot reach understudy serve at " + url));
  RunResult bad = run_understudy({"ask", "--via", "localhost:8080", "-m", "a/b", "hi"});
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.err, "is not an http:// or https:// URL"));
}

TEST_CASE("e2e ask --via: through a running understudy serve") {
  if (!contains(run_understudy({"--help"}).out, "\n  serve ")) {
    // serve is built on its own branch; this test runs once both are merged.
    MESSAGE("understudy serve is not part of this build: --via is tested against a stand-in only");
    return;
  }
  std::string config = write_file(temp_dir(), "understudy.toml", R"(
[providers.openai]
type = "mock"
max_retries = 0

[providers.anthropic]
type = "mock"

[[faults]]
name = "openai rate limited"
providers = ["openai"]
status = 429
)");
  int port = free_port();
  Background serve({understudy_binary(), "serve", "--config", config, "--port",
                    std::to_string(port), "--no-access-log"});
  REQUIRE(wait_for_port(port, 5000ms));
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  RunResult r = run_understudy({"ask", "--via", url, "-v", "-m", "openai/gpt-4o-mini", "-f",
                                "anthropic/claude-haiku-4-5", "hello", "gateway"});
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "You said: hello gateway\n");
  CHECK(contains(r.err, "[1] openai/gpt-4o-mini"));
  CHECK(contains(r.err, ": 429 rate_limit · "));
  CHECK(contains(r.err, "[2] anthropic/claude-haiku-4-5"));
  CHECK(contains(r.err, "anthropic/claude-haiku-4-5 · fallback 1 (openai: 429 rate_limit) · "));
  RunResult json = run_understudy({"ask", "--via", url + "/v1", "--json", "-m",
                                   "openai/gpt-4o-mini", "-f", "anthropic/claude-haiku-4-5", "hi"});
  CHECK(json.exit_code == 0);
  Json body = Json::parse(json.out, nullptr, false);
  REQUIRE_FALSE(body.is_discarded());
  CHECK(body["extra_fields"]["provider"] == "anthropic");
  CHECK(body["extra_fields"]["fallback_index"] == 1);
  RunResult down = run_understudy({"ask", "--via", url, "-m", "openai/gpt-4o-mini", "hi"});
  CHECK(down.exit_code == 1);
  CHECK(contains(down.err, "  primary  openai/gpt-4o-mini: 429 rate_limit"));
  serve.signal(SIGTERM);
  CHECK(serve.wait(5000ms) == 0);
}
