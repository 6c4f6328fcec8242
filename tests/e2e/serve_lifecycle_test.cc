// `understudy serve` lifecycle and load: SIGTERM drains, 200 concurrent streams, the demo.
#include <doctest/doctest.h>
#include <signal.h>

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

}  // namespace

TEST_CASE("e2e serve: SIGTERM lets an in-flight request finish, then exits 0") {
  ServeProcess s(R"(
[server]
shutdown_grace_ms = 5000
[providers.slowp]
type = "mock"
models = ["m"]
[[faults]]
providers = ["slowp"]
action = "ok"
latency_ms = 900
)");
  REQUIRE(s.ok());
  HttpReply reply;
  std::thread client([&] { reply = post_chat(s.port(), chat_body("slowp/m", "drain me")); });
  // Wait until the request is in flight, then ask the server to stop.
  bool in_flight = false;
  for (int i = 0; i < 100 && !in_flight; ++i) {
    in_flight = http_request(s.port(), "GET", "/health").json()["in_flight"] == 1;
    if (!in_flight) std::this_thread::sleep_for(milliseconds(20));
  }
  REQUIRE(in_flight);
  auto signalled = SteadyClock::now();
  s.process().signal(SIGTERM);
  int code = s.process().wait(milliseconds(5000));
  auto elapsed = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - signalled);
  client.join();
  CHECK(code == 0);
  CHECK(reply.status == 200);
  CHECK(reply.json()["choices"][0]["message"]["content"] == "You said: drain me");
  CHECK(elapsed < milliseconds(3000));
  CHECK(contains(s.err(), "shutting down"));
  CHECK(http_request(s.port(), "GET", "/health", "", {}, milliseconds(500)).status == 0);
}

TEST_CASE("e2e serve: after the grace period the rest is cancelled and the stream says so") {
  ServeProcess s(R"(
[server]
shutdown_grace_ms = 300
[providers.mockp]
type = "mock"
models = ["m"]
[[faults]]
providers = ["mockp"]
action = "ok"
token_interval_ms = 200
content = "a b c d e f g h i j k l m n o p q r s t u v w x y z"
)");
  REQUIRE(s.ok());
  HttpReply reply;
  std::thread client([&] { reply = post_chat(s.port(), chat_body("mockp/m", "x", true)); });
  std::this_thread::sleep_for(milliseconds(500));
  s.process().signal(SIGTERM);
  int code = s.process().wait(milliseconds(5000));
  client.join();
  CHECK(code == 0);
  CHECK(reply.status == 200);
  std::vector<std::string> p = sse_payloads(reply.body);
  REQUIRE_FALSE(p.empty());
  CHECK(p.back() != "[DONE]");
  CHECK(Json::parse(p.back()).contains("error"));
}

TEST_CASE("e2e serve: 200 concurrent streaming requests all complete correctly") {
  ServeProcess s(R"(
[server]
max_concurrent = 256
[providers.mockp]
type = "mock"
models = ["m"]
[[faults]]
providers = ["mockp"]
action = "ok"
token_interval_ms = 20
)",
                 {"--no-access-log"});
  REQUIRE(s.ok());
  constexpr int kClients = 200;
  std::vector<std::string> texts(kClients);
  std::vector<int> statuses(kClients, 0);
  std::vector<int> done(kClients, 0);  // not vector<bool>: the threads write it at once
  std::vector<std::thread> threads;
  auto start = SteadyClock::now();
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      HttpReply r =
          post_chat(s.port(), chat_body("mockp/m", "client number " + std::to_string(i), true), {},
                    milliseconds(30000));
      statuses[i] = r.status;
      texts[i] = sse_text(r.body);
      done[i] = !sse_payloads(r.body).empty() && sse_payloads(r.body).back() == "[DONE]";
    });
  }
  for (auto& t : threads) t.join();
  auto elapsed = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start);
  int ok = 0;
  for (int i = 0; i < kClients; ++i) {
    CAPTURE(i);
    bool good =
        statuses[i] == 200 && done[i] && texts[i] == "You said: client number " + std::to_string(i);
    ok += good ? 1 : 0;
  }
  CHECK(ok == kClients);
  CHECK(elapsed < milliseconds(20000));
  MESSAGE("200 concurrent streams took " << elapsed.count() << " ms");
}

TEST_CASE("e2e serve: --demo serves the embedded demo config without keys") {
  int port = free_port();
  Background demo({understudy_binary(), "serve", "--demo", "--port", std::to_string(port)});
  REQUIRE(wait_for_port(port, milliseconds(10000)));
  REQUIRE(
      demo.wait_for_output("curl -s http://127.0.0.1:" + std::to_string(port), milliseconds(2000)));
  for (int i = 0; i < 3; ++i) {
    HttpReply r = post_chat(port, chat_body("demo", "Hello!"));
    CHECK(r.status == 200);
    CHECK(r.json()["choices"][0]["message"]["content"] == "You said: Hello!");
    std::string provider = r.header("x-understudy-provider");
    CHECK((provider == "flaky" || provider == "slow" || provider == "healthy"));
  }
  demo.signal(SIGINT);
  CHECK(demo.wait(milliseconds(5000)) == 0);
}
