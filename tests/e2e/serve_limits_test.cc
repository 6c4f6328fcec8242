// `understudy serve` limits and protection: bad input, body size, concurrency, slow clients,
// client disconnects, unknown routes, auth and the public-bind guard.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/serve_process.h"
#include "tests/support/text.h"

using namespace understudy;
using namespace understudy::testing;

namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

std::string limits_config(bool drop_excess, int max_queue, int queue_timeout_ms) {
  return "[server]\nmax_concurrent = 1\nmax_queue = " + std::to_string(max_queue) +
         "\ndrop_excess = " + (drop_excess ? "true" : "false") +
         "\nqueue_timeout_ms = " + std::to_string(queue_timeout_ms) +
         "\n[providers.slowp]\ntype = \"mock\"\nmodels = [\"m\"]\n"
         "[[faults]]\nproviders = [\"slowp\"]\naction = \"ok\"\nlatency_ms = 700\n";
}

// Sends two requests at once; returns their statuses, sorted.
std::vector<int> two_at_once(int port) {
  std::vector<int> statuses(2, 0);
  std::thread a([&] { statuses[0] = post_chat(port, chat_body("slowp/m", "one")).status; });
  std::this_thread::sleep_for(milliseconds(150));  // let the first take the only slot
  statuses[1] = post_chat(port, chat_body("slowp/m", "two")).status;
  a.join();
  std::sort(statuses.begin(), statuses.end());
  return statuses;
}

const char* kBasicConfig = R"(
[server]
max_body_bytes = 2048
read_timeout_ms = 600

[providers.mockp]
type = "mock"
models = ["m"]

[[faults]]
name = "long stream"
providers = ["mockp"]
message_regex = "^long"
action = "ok"
token_interval_ms = 150
content = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"

[[faults]]
name = "slow to start"
providers = ["mockp"]
message_regex = "^wait"
action = "ok"
latency_ms = 3000
)";

// Sends a chat request with `id` on a raw connection and returns the socket.
int send_chat(int port, const Json& body, const std::string& id) {
  std::string b = body.dump();
  return open_and_send(port, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nx-request-id: " +
                                 id + "\r\nContent-Type: application/json\r\nContent-Length: " +
                                 std::to_string(b.size()) + "\r\n\r\n" + b);
}

}  // namespace

TEST_CASE("e2e serve: drop_excess answers 429 with Retry-After beyond max_concurrent") {
  ServeProcess s(limits_config(true, 10, 10000));
  REQUIRE(s.ok());
  CHECK(two_at_once(s.port()) == std::vector<int>{200, 429});
}

TEST_CASE("e2e serve: queued requests wait for a slot") {
  ServeProcess s(limits_config(false, 10, 10000));
  REQUIRE(s.ok());
  CHECK(two_at_once(s.port()) == std::vector<int>{200, 200});
}

TEST_CASE("e2e serve: a request that waits longer than queue_timeout_ms gets 503") {
  ServeProcess s(limits_config(false, 10, 100));
  REQUIRE(s.ok());
  CHECK(two_at_once(s.port()) == std::vector<int>{200, 503});
}

TEST_CASE("e2e serve: a full queue answers 503 at once") {
  ServeProcess s(limits_config(false, 0, 10000));
  REQUIRE(s.ok());
  CHECK(two_at_once(s.port()) == std::vector<int>{200, 503});
  HttpReply m = http_request(s.port(), "GET", "/metrics");
  CHECK(contains(m.body, "understudy_rejected_total{reason=\"queue_full\"} 1"));
}

TEST_CASE("e2e serve: every bad input gets its 400 in the OpenAI error shape") {
  ServeProcess s(kBasicConfig);
  REQUIRE(s.ok());
  struct Case {
    std::string body;
    std::string param;  // "" = null
  };
  std::vector<Case> cases = {
      {"{\"model\": \"mockp/m\", \"messages\": [", ""},
      {R"({"model": "mockp/m"})", "messages"},
      {R"({"model": "mockp/m", "messages": []})", "messages"},
      {R"({"model": "mockp/m", "messages": {"role": "user"}})", "messages"},
      {R"({"model": "mockp/m", "messages": [{"role": "user", "content": "a"}], "fallbacks": "x/y"})",
       "fallbacks"},
      {R"({"model": "mockp/m", "messages": [{"role": "user", "content": "a"}], "fallbacks": [1]})",
       "fallbacks[0]"},
      {R"({"model": "mockp/m", "messages": [{"role": "user", "content": "a"}], "stream": 1})",
       "stream"},
      {R"({"model": "nope/m", "messages": [{"role": "user", "content": "a"}]})", "model"},
      {R"({"model": "mockp/m", "messages": [{"role": "user", "content": "a"}], "fallbacks": ["nope/x"]})",
       "fallbacks[0]"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.body);
    HttpReply r = http_request(s.port(), "POST", "/v1/chat/completions", c.body);
    CHECK(r.status == 400);
    Json j = r.json();
    REQUIRE(j.contains("error"));
    CHECK(j["error"]["type"] == "invalid_request_error");
    CHECK(j["error"]["message"].is_string());
    if (c.param.empty()) {
      CHECK(j["error"]["param"].is_null());
    } else {
      CHECK(j["error"]["param"] == c.param);
    }
  }
  HttpReply unknown = post_chat(s.port(), chat_body("nope/m", "a"));
  CHECK(contains(unknown.json()["error"]["message"], "mockp"));  // lists the known providers
  HttpReply bad_json = http_request(s.port(), "POST", "/v1/chat/completions", "{\"a\":}");
  CHECK(contains(bad_json.json()["error"]["message"], "at byte offset 5"));
}

TEST_CASE("e2e serve: an oversized body gets 413, declared or chunked") {
  ServeProcess s(kBasicConfig);
  REQUIRE(s.ok());
  Json big = chat_body("mockp/m", std::string(3000, 'x'));
  HttpReply r = post_chat(s.port(), big);
  CHECK(r.status == 413);
  CHECK(r.json()["error"]["type"] == "invalid_request_error");
  CHECK(contains(r.json()["error"]["message"], "2048"));

  std::string body = big.dump();
  std::string chunked;
  for (size_t i = 0; i < body.size(); i += 500) {
    std::string piece = body.substr(i, 500);
    char len[16];
    std::snprintf(len, sizeof len, "%zx", piece.size());
    chunked += std::string(len) + "\r\n" + piece + "\r\n";
  }
  chunked += "0\r\n\r\n";
  int fd = open_and_send(s.port(),
                         "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                         "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                             chunked);
  REQUIRE(fd >= 0);
  std::string raw;
  read_to_close(fd, raw, milliseconds(5000));
  close(fd);
  CHECK(raw.rfind("HTTP/1.1 413", 0) == 0);

  // Both refusals are counted and logged, although no endpoint saw them.
  CHECK(s.process().wait_for_output(
      "msg=rejected id=- path=/v1/chat/completions status=413 reason=too_large",
      milliseconds(3000)));
  HttpReply m = http_request(s.port(), "GET", "/metrics");
  CHECK(contains(m.body, "understudy_rejected_total{reason=\"too_large\"} 2"));
}

TEST_CASE("e2e serve: a slow client is cut off after read_timeout_ms with 408") {
  ServeProcess s(kBasicConfig);
  REQUIRE(s.ok());
  auto start = SteadyClock::now();
  int fd = open_and_send(s.port(), "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n");
  REQUIRE(fd >= 0);
  // Trickle a header byte by byte: each read is quick, but the whole head never completes.
  std::string trickle = "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  std::string raw;
  // Until the answer arrives: the server reads (and drops) what comes after its 408 for a
  // while (a lingering close), so sending alone would not notice it.
  char peek = 0;
  for (char c : trickle) {
    if (send(fd, &c, 1, MSG_NOSIGNAL) != 1) break;
    std::this_thread::sleep_for(milliseconds(50));
    if (recv(fd, &peek, 1, MSG_PEEK | MSG_DONTWAIT) != -1) break;
    if (SteadyClock::now() - start > milliseconds(2500)) break;
  }
  read_to_close(fd, raw, milliseconds(3000));
  close(fd);
  auto elapsed = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start);
  CHECK(elapsed < milliseconds(2500));
  CHECK(raw.rfind("HTTP/1.1 408", 0) == 0);
  CHECK(contains(raw, "read_timeout_ms"));
}

TEST_CASE("e2e serve: unknown URLs are 404 and wrong methods 405, as OpenAI errors") {
  ServeProcess s(kBasicConfig);
  REQUIRE(s.ok());
  HttpReply r = http_request(s.port(), "GET", "/v1/nothing");
  CHECK(r.status == 404);
  CHECK(r.json()["error"]["type"] == "invalid_request_error");
  r = http_request(s.port(), "GET", "/v1/chat/completions");
  CHECK(r.status == 405);
  CHECK(contains(r.json()["error"]["message"], "GET"));
}

TEST_CASE("e2e serve: /v1/models, /health and /metrics") {
  ServeProcess s(kBasicConfig);
  REQUIRE(s.ok());
  REQUIRE(post_chat(s.port(), chat_body("mockp/m", "count me")).status == 200);
  HttpReply models = http_request(s.port(), "GET", "/v1/models");
  CHECK(models.status == 200);
  CHECK(models.json()["data"][0]["id"] == "mockp/m");
  CHECK(http_request(s.port(), "GET", "/v1/models/mockp/m").json()["id"] == "mockp/m");
  CHECK(http_request(s.port(), "GET", "/v1/models/mockp/zz").status == 404);
  HttpReply health = http_request(s.port(), "GET", "/health");
  CHECK(health.status == 200);
  CHECK(health.json()["status"] == "ok");
  CHECK(health.json()["providers"]["mockp"]["state"] == "ok");
  HttpReply metrics = http_request(s.port(), "GET", "/metrics");
  CHECK(metrics.status == 200);
  CHECK(contains(metrics.header("content-type"), "text/plain; version=0.0.4"));
  CHECK(contains(metrics.body,
                 "understudy_requests_total{provider=\"mockp\",model=\"m\",status=\"200\","
                 "stream=\"false\"} 1"));
  CHECK(contains(metrics.body,
                 "understudy_attempts_total{provider=\"mockp\",model=\"m\",outcome=\"ok\"} 1"));
  CHECK(contains(metrics.body, "understudy_requests_in_flight 0"));
}

TEST_CASE("e2e serve: a client that hangs up mid-stream cancels its request within 1 s") {
  ServeProcess s(kBasicConfig);
  REQUIRE(s.ok());
  int fd = send_chat(s.port(), chat_body("mockp/m", "long story", true), "leaver-1");
  REQUIRE(fd >= 0);
  std::string got = read_until(fd, "\"content\":\"one\"", milliseconds(5000));
  REQUIRE(contains(got, "HTTP/1.1 200"));
  REQUIRE(contains(got, "\"content\":\"one\""));  // the first token, about 2 s before the last
  CHECK_FALSE(contains(s.err(), "id=leaver-1"));
  close(fd);
  auto left = SteadyClock::now();
  bool logged = s.process().wait_for_output("id=leaver-1", milliseconds(3000));
  auto elapsed = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - left);
  REQUIRE(logged);
  CHECK(elapsed < milliseconds(1000));  // the whole stream would take about 2 s
  CHECK(contains(s.err(), "class=cancelled"));
}

TEST_CASE("e2e serve: a client that hangs up before any answer cancels its request at once") {
  ServeProcess s(kBasicConfig);
  REQUIRE(s.ok());
  for (bool stream : {false, true}) {
    CAPTURE(stream);
    std::string id = stream ? "early-stream" : "early-plain";
    int fd = send_chat(s.port(), chat_body("mockp/m", "wait for it", stream), id);
    REQUIRE(fd >= 0);
    std::this_thread::sleep_for(milliseconds(300));  // the upstream answers after 3 s
    close(fd);
    auto left = SteadyClock::now();
    REQUIRE(s.process().wait_for_output("id=" + id, milliseconds(3000)));
    auto elapsed = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - left);
    CHECK(elapsed < milliseconds(1000));
  }
  CHECK(contains(s.err(), "id=early-plain requested=mockp/m stream=false status=499"));
  CHECK(contains(s.err(), "id=early-stream requested=mockp/m stream=true status=499"));
}

TEST_CASE("e2e serve: auth tokens guard /v1 and keep /health open") {
  std::string config = R"(
[server]
auth_tokens = ["gw-secret-token"]
[providers.mockp]
type = "mock"
models = ["m"]
)";
  ServeProcess authed(config);
  REQUIRE(authed.ok());
  HttpReply r = post_chat(authed.port(), chat_body("mockp/m", "hi"));
  CHECK(r.status == 401);
  CHECK(r.json()["error"]["type"] == "authentication_error");
  r = post_chat(authed.port(), chat_body("mockp/m", "hi"), {{"Authorization", "Bearer wrong"}});
  CHECK(r.status == 401);
  CHECK_FALSE(contains(r.body, "wrong"));
  r = post_chat(authed.port(), chat_body("mockp/m", "hi"),
                {{"Authorization", "Bearer gw-secret-token"}});
  CHECK(r.status == 200);
  CHECK(http_request(authed.port(), "GET", "/v1/models").status == 401);
  CHECK(http_request(authed.port(), "GET", "/health").status == 200);
  CHECK_FALSE(contains(authed.err(), "gw-secret-token"));
  CHECK_FALSE(contains(authed.out(), "gw-secret-token"));
}

TEST_CASE("e2e serve: a public address without auth tokens is refused with exit 2") {
  std::string dir = temp_dir();
  std::string path =
      write_file(dir, "understudy.toml", "[providers.mockp]\ntype = \"mock\"\nmodels = [\"m\"]\n");
  RunResult r = run_understudy(
      {"serve", "--config", path, "--host", "0.0.0.0", "--port", std::to_string(free_port())});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "--allow-public"));
  CHECK(contains(r.err, "auth_tokens"));
}

TEST_CASE("e2e serve: an invalid config exits 1 naming the problem") {
  std::string dir = temp_dir();
  std::string path = write_file(dir, "understudy.toml", "[server]\nmax_concurent = 3\n");
  RunResult r = run_understudy({"serve", "--config", path});
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "max_concurent"));
  CHECK(contains(r.err, "max_concurrent"));
}

TEST_CASE("e2e serve: an address already in use exits 1 naming it") {
  int port = free_port();
  Background first({understudy_binary(), "serve", "--demo", "--port", std::to_string(port)});
  REQUIRE(wait_for_port(port, milliseconds(10000)));
  RunResult r = run_understudy({"serve", "--demo", "--port", std::to_string(port)});
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "cannot listen on 127.0.0.1:" + std::to_string(port)));
}
