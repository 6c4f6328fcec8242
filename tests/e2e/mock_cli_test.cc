// `understudy mock` as a user runs it: start it, read the URL it prints, talk to it over
// HTTP, read its request log, stop it with SIGTERM. Bad faults files are usage errors with
// file:line. Every wait is bounded; the process is killed if a check fails.
#include <doctest/doctest.h>
#include <signal.h>

#include <regex>

#include "lib/model/json.h"
#include "lib/transport/http_transport.h"
#include "tests/support/subprocess.h"

using namespace understudy;
using namespace understudy::testing;
using namespace std::chrono_literals;

namespace {

// The port from "understudy mock listening on http://127.0.0.1:PORT", or 0.
int announced_port(const std::string& out) {
  std::smatch m;
  static const std::regex kLine("understudy mock listening on http://127\\.0\\.0\\.1:([0-9]+)");
  return std::regex_search(out, m, kLine) ? std::stoi(m[1]) : 0;
}

HttpResponse send(int port, HttpRequest req, TransportResult* result = nullptr) {
  HttpTransport transport;
  req.base_url = "http://127.0.0.1:" + std::to_string(port);
  BufferingHandler handler;
  TransportOptions options;
  options.read_timeout = 5000ms;
  TransportResult r = transport.send(req, handler, nullptr, options);
  if (result) *result = r;
  return handler.response;
}

}  // namespace

TEST_CASE("e2e: mock serves the three formats, logs requests and stops on SIGTERM") {
  std::string dir = temp_dir();
  std::string faults = write_file(dir, "faults.toml", R"([[faults]]
name = "gemini-down"
providers = ["gemini"]
status = 503
)");
  Background mock({understudy_binary(), "mock", "--listen", "127.0.0.1:0", "--faults", faults});
  REQUIRE(mock.wait_for_output("listening on", 5000ms));
  REQUIRE(mock.wait_for_output("gemini", 2000ms));
  std::string out = mock.out();
  CAPTURE(out);
  int port = announced_port(out);
  REQUIRE(port > 0);
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  CHECK(out.find("base_url = \"" + base + "/v1\"") != std::string::npos);
  CHECK(out.find("base_url = \"" + base + "/v1beta\"") != std::string::npos);
  CHECK(out.find("1 fault rule from") != std::string::npos);

  HttpRequest chat;
  chat.path = "/v1/chat/completions";
  chat.headers = {{"Authorization", "Bearer sk-e2e-secret"}, {"Content-Type", "application/json"}};
  chat.body = R"({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi mock"}]})";
  HttpResponse reply = send(port, chat);
  CHECK(reply.status == 200);
  CHECK(Json::parse(reply.body)["choices"][0]["message"]["content"] == "You said: hi mock");

  HttpRequest gemini;
  gemini.path = "/v1beta/models/gemini-2.5-flash:generateContent";
  gemini.headers = {{"x-goog-api-key", "g-e2e-secret"}, {"Content-Type", "application/json"}};
  gemini.body = R"({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]})";
  HttpResponse down = send(port, gemini);
  CHECK(down.status == 503);
  CHECK(Json::parse(down.body)["error"]["status"] == "UNAVAILABLE");

  HttpRequest log_request;
  log_request.method = "GET";
  log_request.path = "/_mock/requests";
  HttpResponse log = send(port, log_request);
  REQUIRE(log.status == 200);
  Json entries = Json::parse(log.body)["requests"];
  REQUIRE(entries.size() == 2);
  CHECK(entries[0]["format"] == "openai");
  CHECK(entries[0]["status"] == 200);
  CHECK(entries[0]["auth"]["header"] == "authorization");
  CHECK(entries[1]["fault"] == "gemini-down");
  CHECK(log.body.find("sk-e2e-secret") == std::string::npos);
  CHECK(log.body.find("g-e2e-secret") == std::string::npos);

  mock.signal(SIGTERM);
  CHECK(mock.wait(5000ms) == 0);
  TransportResult after;
  send(port, chat, &after);
  CHECK(after.error == TransportError::kConnectRefused);
}

TEST_CASE("e2e: mock rejects an invalid faults file with file:line and exit 2") {
  std::string dir = temp_dir();
  std::string faults = write_file(dir, "bad.toml", R"([[faults]]
providers = ["openai"]
status = 99

[[faults]]
action = "hnag"
)");
  RunResult r = run_understudy({"mock", "--listen", ":0", "--faults", faults}, {});
  CAPTURE(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(faults + ":3: faults[0].status") != std::string::npos);
  CHECK(r.err.find(faults + ":6: faults[1].action") != std::string::npos);
  CHECK(r.err.find("did you mean \"hang\"") != std::string::npos);
  CHECK(r.out.find("listening") == std::string::npos);

  std::string syntax = write_file(dir, "syntax.toml", "[[faults]\nstatus = 500\n");
  RunResult s = run_understudy({"mock", "--faults", syntax}, {});
  CHECK(s.exit_code == 2);
  CHECK(s.err.find(syntax + ":1:") != std::string::npos);

  RunResult missing = run_understudy({"mock", "--faults", dir + "/nope.toml"}, {});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("nope.toml") != std::string::npos);
}

TEST_CASE("e2e: mock refuses a malformed address and an address in use") {
  RunResult bad = run_understudy({"mock", "--listen", "127.0.0.1:http"}, {});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--listen") != std::string::npos);

  Background first({understudy_binary(), "mock", "--listen", "127.0.0.1:0"});
  REQUIRE(first.wait_for_output("listening on", 5000ms));
  int port = announced_port(first.out());
  REQUIRE(port > 0);
  RunResult taken = run_understudy({"mock", "--listen", "127.0.0.1:" + std::to_string(port)}, {});
  CHECK(taken.exit_code == 1);
  CHECK(taken.err.find("cannot listen on 127.0.0.1:" + std::to_string(port)) != std::string::npos);
  first.signal(SIGINT);
  CHECK(first.wait(5000ms) == 0);
}
