// `understudy serve` in front of a real HTTP upstream: an `understudy mock` server on
// loopback, reached through HttpTransport. The mock's request log shows what happened to the
// upstream connection.
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/serve_process.h"

using namespace understudy;
using namespace understudy::testing;

namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

const char* kFaults = R"(
[[faults]]
name = "long slow stream"
providers = ["openai"]
message_regex = "^long"
action = "ok"
token_interval_ms = 150
content = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"

[[faults]]
name = "openai overloaded"
providers = ["openai"]
message_regex = "^busy"
status = 503
)";

struct MockUpstream {
  int port = free_port();
  Background server;
  explicit MockUpstream(const std::string& dir) {
    std::string faults = write_file(dir, "faults.toml", kFaults);
    server = Background({understudy_binary(), "mock", "--listen",
                         "127.0.0.1:" + std::to_string(port), "--faults", faults});
  }
  ~MockUpstream() {
    server.signal(SIGTERM);
    server.wait(milliseconds(5000));
  }
  Json requests() const { return http_request(port, "GET", "/_mock/requests").json()["requests"]; }
};

std::string gateway_config(int mock_port) {
  std::string base = "http://127.0.0.1:" + std::to_string(mock_port);
  return "[providers.openai]\nbase_url = \"" + base +
         "/v1\"\nkeys = [{ value = \"sk-test-openai-upstream\" }]\nmax_retries = 0\n"
         "[providers.anthropic]\nbase_url = \"" +
         base + "/v1\"\nkeys = [{ value = \"sk-ant-test-upstream\" }]\nmax_retries = 0\n";
}

}  // namespace

TEST_CASE("e2e serve over HTTP: a client that leaves mid-stream closes the upstream within 1 s") {
  MockUpstream mock(temp_dir());
  REQUIRE(wait_for_port(mock.port, milliseconds(5000)));
  ServeProcess gateway(gateway_config(mock.port));
  REQUIRE(gateway.ok());
  std::string body = chat_body("openai/gpt-4o-mini", "long story please", true).dump();
  int fd = open_and_send(gateway.port(),
                         "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                         "Content-Type: application/json\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n" + body);
  REQUIRE(fd >= 0);
  std::string got = read_until(fd, "\"content\":\" two\"", milliseconds(5000));
  REQUIRE(got.find("\"content\":\" two\"") != std::string::npos);
  close(fd);
  auto left = SteadyClock::now();
  Json entry;
  while (SteadyClock::now() - left < milliseconds(3000)) {
    Json reqs = mock.requests();
    if (reqs.is_array() && reqs.size() == 1 && !reqs[0]["end_ms"].is_null()) {
      entry = reqs[0];
      break;
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  auto elapsed = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - left);
  INFO("mock log entry: " << entry.dump());
  REQUIRE_FALSE(entry.is_null());
  CHECK(elapsed < milliseconds(1000));  // the whole upstream stream takes about 2.2 s
  CHECK(entry["outcome"] == "client_closed");
  CHECK(entry["end_ms"].get<std::int64_t>() - entry["start_ms"].get<std::int64_t>() < 1500);
  CHECK(gateway.process().wait_for_output("class=cancelled", milliseconds(2000)));
}

TEST_CASE("e2e serve over HTTP: OpenAI 503 falls back to Anthropic, streaming and not") {
  MockUpstream mock(temp_dir());
  REQUIRE(wait_for_port(mock.port, milliseconds(5000)));
  ServeProcess gateway(gateway_config(mock.port));
  REQUIRE(gateway.ok());
  for (bool stream : {false, true}) {
    CAPTURE(stream);
    Json b = chat_body("openai/gpt-4o-mini", "busy upstream", stream);
    b["fallbacks"] = {"anthropic/claude-haiku-4-5"};
    HttpReply r = post_chat(gateway.port(), b);
    REQUIRE(r.status == 200);
    CHECK(r.header("x-understudy-provider") == "anthropic");
    CHECK(r.header("x-understudy-model") == "claude-haiku-4-5");
    if (stream) {
      CHECK(sse_text(r.body) == "You said: busy upstream");
      CHECK(sse_payloads(r.body).back() == "[DONE]");
    } else {
      CHECK(r.json()["choices"][0]["message"]["content"] == "You said: busy upstream");
      CHECK(r.json()["extra_fields"]["attempts"][0]["status"] == 503);
    }
  }
  Json reqs = mock.requests();
  REQUIRE(reqs.size() == 4);
  CHECK(reqs[0]["format"] == "openai");
  CHECK(reqs[1]["format"] == "anthropic");
  CHECK(gateway.err().find("sk-test-openai-upstream") == std::string::npos);
  CHECK(gateway.err().find("sk-ant-test-upstream") == std::string::npos);
}
