// The fake provider server over loopback (mocks/fake_server.h): strictness, faults by rule
// and by header, the request log and its redaction, hangs, resets, garbage input, and 200
// concurrent streams. Clients are the real HttpTransport and raw sockets; every wait is
// bounded and every server stops when its test ends.
#include "mocks/fake_server.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "lib/transport/http_transport.h"
#include "mocks/fake_validate.h"
#include "tests/support/fake_http_client.h"

using namespace understudy;
using namespace understudy::testing;
using namespace std::chrono_literals;

namespace {

FakeServerOptions with_rules(std::vector<FaultRule> rules, std::string name = "") {
  FakeServerOptions o;
  o.rules = std::move(rules);
  o.name = std::move(name);
  o.seed = 5;
  return o;
}

FaultRule rule(std::string name, std::vector<std::string> providers, FaultAction action) {
  FaultRule r;
  r.name = std::move(name);
  r.providers = std::move(providers);
  r.actions = {std::move(action)};
  return r;
}

FaultAction error_action(int status, std::optional<Millis> retry_after = std::nullopt) {
  FaultAction a;
  a.kind = FaultAction::Kind::kError;
  a.status = status;
  a.retry_after = retry_after;
  return a;
}

FaultAction kind_action(FaultAction::Kind kind, int after_tokens = 0) {
  FaultAction a;
  a.kind = kind;
  a.after_tokens = after_tokens;
  return a;
}

bool last_finished(const std::vector<LoggedRequest>& log) {
  return !log.empty() && log.back().finished();
}

}  // namespace

TEST_CASE("fake server: healthy replies in each wire format say what the user said") {
  FakeProviderServer server(with_rules({}));
  REQUIRE(server.start().ok());
  FakeClient client(server);

  FakeReply openai = client.send(openai_request("hi there"));
  REQUIRE(openai.transport.ok());
  CHECK(openai.status == 200);
  CHECK(openai.json["object"] == "chat.completion");
  CHECK(openai.json["choices"][0]["message"]["content"] == "You said: hi there");

  FakeReply anthropic = client.send(anthropic_request("hi there"));
  CHECK(anthropic.status == 200);
  CHECK(anthropic.json["type"] == "message");
  CHECK(anthropic.json["content"][0]["text"] == "You said: hi there");

  FakeReply gemini = client.send(gemini_request("hi there"));
  CHECK(gemini.status == 200);
  CHECK(gemini.json["candidates"][0]["content"]["parts"][0]["text"] == "You said: hi there");
  CHECK(gemini.json["candidates"][0]["finishReason"] == "STOP");

  FakeReply stream = client.send(gemini_request("a b c", true));
  CHECK(stream.status == 200);
  CHECK(header_value(stream.headers, "content-type") == "text/event-stream");
  CHECK(stream.body.find("\"text\":\" c\"") != std::string::npos);
}

TEST_CASE("fake server: strict like the real services, each rejection in the provider's shape") {
  FakeProviderServer server(with_rules({}));
  REQUIRE(server.start().ok());
  FakeClient client(server);
  struct Case {
    const char* what;
    HttpRequest request;
    int status;
    const char* pointer;  // JSON pointer into the error body
    const char* value;    // its expected value
  };
  auto without = [](HttpRequest r, const char* header) {
    Headers kept;
    for (auto& h : r.headers) {
      if (!iequals(h.first, header)) kept.push_back(h);
    }
    r.headers = kept;
    return r;
  };
  auto with_body = [](HttpRequest r, const Json& body) {
    r.body = body.dump();
    return r;
  };
  auto user = [](const char* text) { return Json{{"role", "user"}, {"content", text}}; };
  Json anthropic_base = Json::parse(anthropic_request("hi").body);
  auto anthropic_with = [&](const char* key, Json value) {
    Json b = anthropic_base;
    if (value.is_null()) {
      b.erase(key);
    } else {
      b[key] = std::move(value);
    }
    return with_body(anthropic_request("hi"), b);
  };
  const Case cases[] = {
      {"openai without Authorization", without(openai_request("hi"), "authorization"), 401,
       "/error/type", "invalid_request_error"},
      {"openai without model", with_body(openai_request("hi"), {{"messages", {user("hi")}}}), 400,
       "/error/message", "you must provide a model parameter"},
      {"openai with an empty model",
       with_body(openai_request("hi"), {{"model", ""}, {"messages", {user("hi")}}}), 400,
       "/error/message", "you must provide a model parameter"},
      {"openai without messages", with_body(openai_request("hi"), {{"model", "gpt-4o"}}), 400,
       "/error/code", "missing_required_parameter"},
      {"openai with empty messages",
       with_body(openai_request("hi"), {{"model", "gpt-4o"}, {"messages", Json::array()}}), 400,
       "/error/code", "empty_array"},
      {"openai with an unknown role",
       with_body(openai_request("hi"),
                 {{"model", "gpt-4o"}, {"messages", {{{"role", "robot"}, {"content", "x"}}}}}),
       400, "/error/param", "messages[0].role"},
      {"openai with a body that is not JSON", with_body(openai_request("hi"), "x"), 400,
       "/error/type", "invalid_request_error"},
      {"anthropic without x-api-key", without(anthropic_request("hi"), "x-api-key"), 401,
       "/error/type", "authentication_error"},
      {"anthropic without anthropic-version", without(anthropic_request("hi"), "anthropic-version"),
       400, "/error/message", "anthropic-version: header is required"},
      {"anthropic without max_tokens", anthropic_with("max_tokens", nullptr), 400, "/error/message",
       "max_tokens: Field required"},
      {"anthropic with a system message",
       anthropic_with("messages", {{{"role", "system"}, {"content", "be nice"}}, user("hi")}), 400,
       "/error/type", "invalid_request_error"},
      {"anthropic starting with assistant",
       anthropic_with("messages", {{{"role", "assistant"}, {"content", "hi"}}, user("hi")}), 400,
       "/error/message", "messages: first message must use the \"user\" role"},
      {"anthropic with an empty text block",
       anthropic_with("messages",
                      {{{"role", "user"}, {"content", {{{"type", "text"}, {"text", ""}}}}}}),
       400, "/error/message", "messages: text content blocks must be non-empty"},
      {"anthropic with a final assistant turn ending in whitespace",
       anthropic_with("messages", {user("hi"), {{"role", "assistant"}, {"content", "Sure, "}}}),
       400, "/error/message",
       "messages: final assistant content cannot end with trailing whitespace"},
      {"gemini without x-goog-api-key", without(gemini_request("hi"), "x-goog-api-key"), 403,
       "/error/status", "PERMISSION_DENIED"},
      {"gemini with snake_case generationConfig",
       with_body(gemini_request("hi"),
                 {{"contents", {{{"role", "user"}, {"parts", {{{"text", "hi"}}}}}}},
                  {"generationConfig", {{"max_output_tokens", 10}}}}),
       400, "/error/message",
       "Invalid JSON payload received. Unknown name \"max_output_tokens\" at "
       "'generation_config': Cannot find field."},
      {"gemini with role assistant",
       with_body(gemini_request("hi"),
                 {{"contents", {{{"role", "assistant"}, {"parts", {{{"text", "hi"}}}}}}}}),
       400, "/error/status", "INVALID_ARGUMENT"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    FakeReply r = client.send(c.request);
    REQUIRE(r.transport.ok());
    CHECK(r.status == c.status);
    REQUIRE(r.json.is_object());
    Json::json_pointer ptr(c.pointer);
    REQUIRE(r.json.contains(ptr));
    CHECK(r.json[ptr] == c.value);
    if (std::string(c.what).rfind("anthropic", 0) == 0) CHECK(r.json["type"] == "error");
    if (std::string(c.what).rfind("gemini", 0) == 0) CHECK(r.json["error"]["code"] == c.status);
  }
  std::vector<LoggedRequest> log = server.requests();
  REQUIRE(log.size() == std::size(cases));
  CHECK(log[9].rejection == "max_tokens: Field required");
  CHECK(log[9].status == 400);
}

TEST_CASE("fake server: a fault rule answers with the provider's error and retry hint") {
  FakeProviderServer server(
      with_rules({rule("openai-429", {"openai"}, error_action(429, Millis(2000))),
                  rule("gemini-429", {"gemini"}, error_action(429, Millis(1500)))}));
  REQUIRE(server.start().ok());
  FakeClient client(server);
  FakeReply openai = client.send(openai_request("hi"));
  CHECK(openai.status == 429);
  CHECK(header_value(openai.headers, "retry-after") == "2");
  CHECK(header_value(openai.headers, "retry-after-ms") == "2000");
  CHECK(openai.json["error"]["code"] == "rate_limit_exceeded");
  FakeReply gemini = client.send(gemini_request("hi"));
  CHECK(gemini.status == 429);
  CHECK(gemini.json["error"]["status"] == "RESOURCE_EXHAUSTED");
  CHECK(gemini.json["error"]["details"].back()["retryDelay"] == "1.5s");
  FakeReply anthropic = client.send(anthropic_request("hi"));  // no rule for it
  CHECK(anthropic.status == 200);
  std::vector<LoggedRequest> log = server.requests();
  REQUIRE(log.size() == 3);
  CHECK(log[0].fault == "openai-429");
  CHECK(log[0].fault_action == "error");
  CHECK(log[1].fault == "gemini-429");
  CHECK(log[2].fault.empty());
}

TEST_CASE("fake server: the x-understudy-fault header takes precedence over the rules") {
  FakeProviderServer server(with_rules({rule("always-500", {}, error_action(500))}));
  REQUIRE(server.start().ok());
  FakeClient client(server);
  HttpRequest req = anthropic_request("hi");
  req.headers.emplace_back("x-understudy-fault", R"({"action": "error", "status": 529})");
  FakeReply r = client.send(req);
  CHECK(r.status == 529);
  CHECK(r.json["error"]["type"] == "overloaded_error");
  CHECK(client.send(anthropic_request("hi")).status == 500);

  HttpRequest ok = openai_request("hi");
  ok.headers.emplace_back("x-understudy-fault", R"({"action": "ok", "content": "scripted"})");
  CHECK(client.send(ok).json["choices"][0]["message"]["content"] == "scripted");

  HttpRequest bad = openai_request("hi");
  bad.headers.emplace_back("x-understudy-fault", R"({"action": "eror"})");
  FakeReply rejected = client.send(bad);
  CHECK(rejected.status == 400);
  CHECK(rejected.json["error"]["code"] == "invalid_fault_header");
  CHECK(rejected.json["error"]["message"].get<std::string>().find("did you mean \"error\"") !=
        std::string::npos);
  std::vector<LoggedRequest> log = server.requests();
  REQUIRE(log.size() == 4);
  CHECK(log[0].fault == "header");
  CHECK(log[1].fault == "always-500");
  CHECK(log[2].fault_action == "ok");
}

TEST_CASE("fake server: attempts count byte-identical requests, so retries can be targeted") {
  FaultRule first = rule("first-try", {"openai"}, error_action(503));
  first.attempts = {1};
  FakeProviderServer server(with_rules({first}));
  REQUIRE(server.start().ok());
  FakeClient client(server);
  CHECK(client.send(openai_request("same")).status == 503);
  CHECK(client.send(openai_request("same")).status == 200);
  CHECK(client.send(openai_request("different")).status == 503);
  std::vector<LoggedRequest> log = server.requests();
  REQUIRE(log.size() == 3);
  CHECK(log[0].attempt == 1);
  CHECK(log[1].attempt == 2);
  CHECK(log[2].attempt == 1);
}

TEST_CASE("fake server: keys match the credential's fingerprint; --name matches every format") {
  std::string bad_key = "sk-bad-key-value";
  FaultRule by_key = rule("bad-key", {"openai"}, error_action(401));
  by_key.keys = {credential_fingerprint(bad_key)};
  FaultRule by_name = rule("whole-server", {"upstream-a"}, error_action(502));
  by_name.message_regex = "^break";
  FakeProviderServer server(with_rules({by_key, by_name}, "upstream-a"));
  REQUIRE(server.start().ok());
  FakeClient client(server);
  CHECK(client.send(openai_request("hi", false, bad_key)).status == 401);
  CHECK(client.send(openai_request("hi", false, "sk-good-key")).status == 200);
  CHECK(client.send(anthropic_request("break it")).status == 502);
  CHECK(client.send(gemini_request("break it")).status == 502);
  CHECK(client.send(gemini_request("all good")).status == 200);
}

TEST_CASE("fake server: the request log records each request and never a key value") {
  FakeProviderServer server(with_rules({}));
  REQUIRE(server.start().ok());
  FakeClient client(server);
  const std::string secret = "sk-very-secret-value-42";
  REQUIRE(client.send(openai_request("log me", true, secret)).status == 200);
  HttpRequest keyed = gemini_request("query key");
  keyed.headers.clear();
  keyed.headers.emplace_back("Content-Type", "application/json");
  keyed.path += "?key=" + secret;
  REQUIRE(client.send(keyed).status == 200);

  std::vector<LoggedRequest> log = server.requests();
  REQUIRE(log.size() == 2);
  const LoggedRequest& a = log[0];
  CHECK(a.index == 0);
  CHECK(a.method == "POST");
  CHECK(a.path == "/v1/chat/completions");
  CHECK(a.format == "openai");
  CHECK(a.model == "gpt-4o-mini");
  CHECK(a.stream);
  CHECK(a.status == 200);
  CHECK(a.outcome == "complete");
  CHECK(a.bytes_sent > 100);
  CHECK(a.end_ms >= a.start_ms);
  CHECK(a.body["messages"][0]["content"] == "log me");
  CHECK(a.auth_header == "authorization");
  CHECK(a.auth_fingerprint == credential_fingerprint(secret));
  CHECK(a.auth_fingerprint.size() == 8);
  CHECK(log[1].path == "/v1beta/models/gemini-2.5-flash:generateContent?key=[redacted]");
  CHECK(log[1].auth_header == "key");

  FakeReply listed = client.get("/_mock/requests");
  CHECK(listed.status == 200);
  REQUIRE(listed.json["requests"].size() == 2);
  CHECK(listed.json["requests"][0]["auth"]["fingerprint"] == a.auth_fingerprint);
  CHECK(listed.json["requests"][0]["outcome"] == "complete");
  CHECK(listed.body.find(secret) == std::string::npos);
  CHECK(server.requests().size() == 2);  // control endpoints are not logged

  FakeReply reset = client.post_control("/_mock/reset");
  CHECK(reset.status == 200);
  CHECK(server.requests().empty());
  REQUIRE(client.send(openai_request("log me", true, secret)).status == 200);
  CHECK(server.requests().at(0).index == 0);
  CHECK(server.requests().at(0).attempt == 1);  // attempt counts start over too
}

TEST_CASE("fake server: a hang ends when the client goes away, logged as client_closed") {
  FakeProviderServer server(
      with_rules({rule("hang", {"openai"}, kind_action(FaultAction::Kind::kHang))}));
  REQUIRE(server.start().ok());
  FakeClient client(server);
  auto cancel = CancelToken::create();
  std::thread canceller([&] {
    server.wait_for([](const auto& log) { return !log.empty() && log[0].fault_action == "hang"; },
                    5000ms);
    std::this_thread::sleep_for(50ms);
    cancel->cancel(CancelReason::kCallerGone);
  });
  auto start = std::chrono::steady_clock::now();
  FakeReply r = client.send(openai_request("hi"), cancel.get());
  canceller.join();
  CHECK(r.transport.error == TransportError::kCancelled);
  CHECK(std::chrono::steady_clock::now() - start < 3s);
  REQUIRE(server.wait_for(last_finished, 3000ms));
  LoggedRequest e = server.requests().at(0);
  CHECK(e.outcome == "client_closed");
  CHECK(e.status == 0);
  CHECK(e.bytes_sent == 0);
}

TEST_CASE("fake server: stopping the server ends a hang at once") {
  auto server = std::make_unique<FakeProviderServer>(
      with_rules({rule("hang", {}, kind_action(FaultAction::Kind::kHang))}));
  REQUIRE(server->start().ok());
  FakeClient client(*server);
  std::atomic<bool> done{false};
  FakeReply reply;
  std::thread caller([&] {
    reply = client.send(anthropic_request("hi"));
    done = true;
  });
  REQUIRE(server->wait_for([](const auto& log) { return !log.empty(); }, 5000ms));
  auto start = std::chrono::steady_clock::now();
  server->stop();
  CHECK(std::chrono::steady_clock::now() - start < 1s);
  CHECK(server->requests().at(0).outcome == "hang_ended");
  caller.join();
  CHECK(done);
  CHECK_FALSE(reply.transport.ok());
}

TEST_CASE("fake server: a reset fault closes the connection with a TCP reset") {
  FakeProviderServer server(
      with_rules({rule("rst", {"gemini"}, kind_action(FaultAction::Kind::kReset))}));
  REQUIRE(server.start().ok());
  FakeClient client(server);
  FakeReply r = client.send(gemini_request("hi"));
  CHECK(r.transport.error == TransportError::kReset);
  CHECK_FALSE(r.transport.head_received);
  REQUIRE(server.wait_for(last_finished, 2000ms));
  CHECK(server.requests().at(0).outcome == "reset");
  // The server carries on.
  RawClient raw(server.port());
  CHECK(raw.exchange(raw_request(openai_request("again"))).rfind("HTTP/1.1 200", 0) == 0);
}

TEST_CASE("fake server: a stream cut sends the first tokens and then resets") {
  FakeProviderServer server(
      with_rules({rule("cut", {"anthropic"}, kind_action(FaultAction::Kind::kStreamCut, 2))}));
  REQUIRE(server.start().ok());
  FakeClient client(server);
  FakeReply r = client.send(anthropic_request("one two three four", true));
  CHECK(r.transport.head_received);
  CHECK(r.status == 200);
  CHECK(r.transport.error == TransportError::kReset);
  CHECK(r.body.find("\"text\":\"You\"") != std::string::npos);
  CHECK(r.body.find("\"text\":\" said:\"") != std::string::npos);
  CHECK(r.body.find("\"text\":\" one\"") == std::string::npos);
  CHECK(r.body.find("message_stop") == std::string::npos);
  REQUIRE(server.wait_for(last_finished, 2000ms));
  CHECK(server.requests().at(0).outcome == "reset");
  CHECK(server.requests().at(0).status == 200);
}

TEST_CASE("fake server: unknown paths, wrong methods and garbage get errors, never a crash") {
  FakeProviderServer server(with_rules({}));
  REQUIRE(server.start().ok());
  RawClient raw(server.port());
  CHECK(raw.exchange("GET /v1/chat/completions HTTP/1.1\r\nHost: x\r\n\r\n")
            .rfind("HTTP/1.1 405", 0) == 0);
  CHECK(raw.exchange("POST /v2/nothing HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
            .rfind("HTTP/1.1 404", 0) == 0);
  for (std::string garbage :
       {std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15),
        std::string("NOT HTTP AT ALL\r\n\r\n"),
        std::string("POST /v1/messages HTTP/1.1\r\nContent-Length: 99999999999999\r\n\r\n"),
        std::string("POST /v1/messages HTTP/1.1\r\n") + std::string(70000, 'x')}) {
    RawClient fresh(server.port());
    std::string reply = fresh.exchange(garbage);
    CAPTURE(reply.substr(0, 40));
    CHECK(reply.rfind("HTTP/1.1 4", 0) == 0);
  }
  FakeClient client(server);
  CHECK(client.send(openai_request("still alive")).status == 200);
}

TEST_CASE("fake server: bodies and paths that are not UTF-8, or nest too deep, never crash it") {
  FakeProviderServer server(with_rules({}));
  REQUIRE(server.start().ok());
  HttpRequest binary = openai_request("x");
  binary.body = "\xff\xfe{not json";
  RawClient raw(server.port());
  CHECK(raw.exchange(raw_request(binary)).rfind("HTTP/1.1 400", 0) == 0);
  HttpRequest deep = openai_request("x");
  deep.body = R"({"model":"m","messages":[{"role":"user","content":"hi"}],"x":)" +
              std::string(100000, '[') + std::string(100000, ']') + "}";
  CHECK(raw.exchange(raw_request(deep)).rfind("HTTP/1.1 400", 0) == 0);
  RawClient path(server.port());
  CHECK(path.exchange("POST /v2/\xff\xfe HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
            .rfind("HTTP/1.1 404", 0) == 0);
  // The request log quotes what arrived; invalid bytes come back replaced, not as a crash.
  FakeClient client(server);
  FakeReply log = client.get("/_mock/requests");
  REQUIRE(log.status == 200);
  REQUIRE(log.json.is_object());
  CHECK(log.json["requests"].size() == 3);
  CHECK(client.send(openai_request("still alive")).status == 200);
}

TEST_CASE("fake server: keep-alive carries several requests on one connection") {
  FakeProviderServer server(with_rules({}));
  REQUIRE(server.start().ok());
  RawClient raw(server.port());
  std::string first = raw.exchange(raw_request(openai_request("one")));
  std::string second = raw.exchange(raw_request(openai_request("two")));
  CHECK(first.find("You said: one") != std::string::npos);
  CHECK(second.find("You said: two") != std::string::npos);
  CHECK(raw.connects() == 1);
}

TEST_CASE("fake server: 200 concurrent streams are served at once") {
  FaultAction slow = kind_action(FaultAction::Kind::kOk);
  slow.token_interval = Millis(60);
  FakeProviderServer server(with_rules({rule("slow", {}, slow)}));
  REQUIRE(server.start().ok());
  HttpTransport transport;
  constexpr int kStreams = 200;
  std::atomic<int> complete{0};
  std::vector<std::thread> callers;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kStreams; ++i) {
    callers.emplace_back([&, i] {
      FakeClient client(server, &transport);
      std::string text = "stream " + std::to_string(i) + " a b c d e";
      FakeReply r = client.send(openai_request(text, true));
      std::string expected = "\"content\":\" e\"";
      if (r.transport.ok() && r.status == 200 && r.body.find(expected) != std::string::npos &&
          r.body.find("[DONE]") != std::string::npos) {
        ++complete;
      }
    });
  }
  for (std::thread& t : callers) t.join();
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(complete == kStreams);
  // Each stream takes about 8 x 60 ms; served one after another they would take 100 s.
  CHECK(took < 10s);
  std::vector<LoggedRequest> log = server.requests();
  REQUIRE(log.size() == kStreams);
  int peak = 0;
  for (const LoggedRequest& a : log) {
    int overlapping = 0;
    for (const LoggedRequest& b : log)
      overlapping += b.start_ms <= a.start_ms && a.start_ms < b.end_ms;
    peak = std::max(peak, overlapping);
  }
  CHECK(peak >= 50);  // one after another it would be 1
}
