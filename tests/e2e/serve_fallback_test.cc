// `understudy serve` end to end: the built binary on a free port with in-process mock
// providers whose faults are chosen by the start of the user message.
#include <doctest/doctest.h>

#include "tests/support/http_client.h"
#include "tests/support/serve_process.h"

using namespace understudy;
using namespace understudy::testing;

namespace {

// Each test starts a fresh server on it: a 429 with Retry-After cools the primary down for later
// requests.
const char* kConfig = R"(
[server]
max_body_bytes = 4096

[providers.primary]
type = "mock"
models = ["mock-large"]
max_retries = 0
timeout_ms = 500
first_token_timeout_ms = 300

[providers.backup]
type = "mock"
models = ["mock-small"]
max_retries = 0

[providers.plain]
type = "mock"
models = ["mock-plain"]
max_retries = 0
capabilities = { prefill = false }

[routes.main]
chain = ["primary/mock-large", "backup/mock-small"]

[[faults]]
name = "primary rate limited"
providers = ["primary"]
message_regex = "^rate"
status = 429
retry_after_ms = 20000

[[faults]]
name = "primary overloaded"
providers = ["primary"]
message_regex = "^busy"
status = 503

[[faults]]
name = "primary resets"
providers = ["primary"]
message_regex = "^reset"
action = "reset"

[[faults]]
name = "primary hangs before its head"
providers = ["primary"]
message_regex = "^slowhead"
action = "ok"
latency_ms = 5000

[[faults]]
name = "primary never sends a token"
providers = ["primary"]
message_regex = "^hang"
action = "ok"
first_token_delay_ms = 5000

[[faults]]
name = "everything down: primary"
providers = ["primary"]
message_regex = "^down"
status = 503
message = "primary is down for maintenance"

[[faults]]
name = "everything down: backup"
providers = ["backup"]
message_regex = "^down"
status = 500

[[faults]]
name = "primary sends garbage"
providers = ["primary"]
message_regex = "^garbage"
action = "malformed_event"
after_tokens = 2

[[faults]]
name = "primary forgets [DONE]"
providers = ["primary"]
message_regex = "^nodone"
action = "missing_done"

[[faults]]
name = "primary stream cut"
providers = ["primary"]
message_regex = "^cut"
action = "stream_cut"
after_tokens = 3
)";

void check_fallback(const std::string& text, const std::string& failed_class, int failed_status,
                    bool stream = false) {
  CAPTURE(text);
  ServeProcess s(kConfig);
  INFO("serve stderr: " << s.err());
  REQUIRE(s.ok());
  HttpReply r = post_chat(s.port(), chat_body("main", text, stream));
  CAPTURE(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.header("x-understudy-provider") == "backup");
  CHECK(r.header("x-understudy-model") == "mock-small");
  CHECK(r.header("x-understudy-fallback-index") == "1");
  CHECK(r.header("x-understudy-attempts") == "2");
  Json extra;
  if (stream) {
    CHECK(sse_text(r.body) == "You said: " + text);
    std::vector<std::string> p = sse_payloads(r.body);
    REQUIRE(p.size() >= 2);
    CHECK(p.back() == "[DONE]");
    extra = Json::parse(p[p.size() - 2])["extra_fields"];
  } else {
    Json j = r.json();
    CHECK(j["model"] == "mock-small");
    CHECK(j["choices"][0]["message"]["content"] == "You said: " + text);
    extra = j["extra_fields"];
  }
  CHECK(extra["provider"] == "backup");
  CHECK(extra["model"] == "mock-small");
  CHECK(extra["requested"] == "main");
  CHECK(extra["fallback_index"] == 1);
  REQUIRE(extra["attempts"].size() == 2);
  CHECK(extra["attempts"][0]["provider"] == "primary");
  CHECK(extra["attempts"][0]["class"] == failed_class);
  CHECK(extra["attempts"][0]["status"] == failed_status);
  CHECK(extra["attempts"][1]["status"] == 200);
}

}  // namespace

TEST_CASE("e2e serve: non-streaming success names who served") {
  ServeProcess s(kConfig);
  INFO("serve stderr: " << s.err());
  REQUIRE(s.ok());
  HttpReply r =
      post_chat(s.port(), chat_body("main", "hello gateway"), {{"x-request-id", "e2e-req-1"}});
  REQUIRE(r.status == 200);
  Json j = r.json();
  CHECK(j["object"] == "chat.completion");
  CHECK(j["model"] == "mock-large");
  CHECK(j["choices"][0]["message"]["content"] == "You said: hello gateway");
  CHECK(j["extra_fields"]["provider"] == "primary");
  CHECK(j["extra_fields"]["fallback_index"] == 0);
  CHECK(j["extra_fields"]["latency_ms"].is_number());
  CHECK(r.header("x-request-id") == "e2e-req-1");
  CHECK(r.header("x-understudy-provider") == "primary");
  CHECK(r.header("content-type") == "application/json");
}

TEST_CASE("e2e serve: streaming success is OpenAI SSE ending in [DONE]") {
  ServeProcess s(kConfig);
  INFO("serve stderr: " << s.err());
  REQUIRE(s.ok());
  HttpReply r = post_chat(s.port(), chat_body("main", "stream this please", true));
  REQUIRE(r.status == 200);
  CHECK(r.complete);
  CHECK(r.header("content-type") == "text/event-stream");
  CHECK(r.header("cache-control") == "no-cache");
  CHECK(r.header("x-accel-buffering") == "no");
  CHECK(r.header("content-encoding").empty());
  CHECK(sse_text(r.body) == "You said: stream this please");
  std::vector<std::string> p = sse_payloads(r.body);
  REQUIRE(p.size() >= 3);
  CHECK(p.back() == "[DONE]");
  Json first = Json::parse(p.front());
  CHECK(first["object"] == "chat.completion.chunk");
  CHECK(first["model"] == "mock-large");
  Json last = Json::parse(p[p.size() - 2]);
  CHECK(last["choices"][0]["finish_reason"] == "stop");
  CHECK(last["extra_fields"]["provider"] == "primary");
}

TEST_CASE("e2e serve: stream_options.include_usage adds a usage chunk") {
  ServeProcess s(kConfig);
  INFO("serve stderr: " << s.err());
  REQUIRE(s.ok());
  Json b = chat_body("main", "count my tokens", true);
  b["stream_options"] = {{"include_usage", true}};
  HttpReply r = post_chat(s.port(), b);
  REQUIRE(r.status == 200);
  std::vector<std::string> p = sse_payloads(r.body);
  REQUIRE(p.size() >= 3);
  Json usage = Json::parse(p[p.size() - 2]);
  CHECK(usage["choices"].empty());
  CHECK(usage["usage"]["completion_tokens"].get<int>() > 0);
  CHECK(usage["extra_fields"]["provider"] == "primary");
}

TEST_CASE("e2e serve: falls back on 429") { check_fallback("rate me", "rate_limit", 429); }
TEST_CASE("e2e serve: falls back on 503") { check_fallback("busy now", "overloaded", 503); }
TEST_CASE("e2e serve: falls back on a connection reset") {
  check_fallback("reset please", "network", 0);
}
TEST_CASE("e2e serve: falls back when the primary sends no headers in time") {
  check_fallback("slowhead here", "timeout", 0);
}
TEST_CASE("e2e serve: a stream falls back when the first token does not come in time") {
  check_fallback("hang forever", "timeout", 200, true);
}
TEST_CASE("e2e serve: a streamed fallback on 503 is invisible to the caller") {
  check_fallback("busy streaming", "overloaded", 503, true);
}

TEST_CASE("e2e serve: total failure returns the primary's status and error body") {
  ServeProcess s(kConfig);
  INFO("serve stderr: " << s.err());
  REQUIRE(s.ok());
  for (bool stream : {false, true}) {
    CAPTURE(stream);
    HttpReply r = post_chat(s.port(), chat_body("main", "down everywhere", stream));
    CHECK(r.status == 503);
    Json j = r.json();
    CHECK(j["error"]["message"] == "primary is down for maintenance");
    CHECK(j["error"].contains("type"));
    CHECK(j["error"].contains("param"));
    CHECK(j["error"].contains("code"));
    REQUIRE(j["extra_fields"]["attempts"].size() == 2);
    CHECK(j["extra_fields"]["attempts"][1]["status"] == 500);
    CHECK(r.header("x-understudy-attempts") == "2");
  }
}

TEST_CASE("e2e serve: a stream cut is continued on a prefill-capable fallback") {
  ServeProcess s(kConfig);
  INFO("serve stderr: " << s.err());
  REQUIRE(s.ok());
  std::string text = "cut me off after a few words please";
  HttpReply r = post_chat(s.port(), chat_body("main", text, true));
  REQUIRE(r.status == 200);
  CHECK(sse_text(r.body) == "You said: " + text);
  std::vector<std::string> p = sse_payloads(r.body);
  REQUIRE(p.size() >= 2);
  CHECK(p.back() == "[DONE]");
  Json extra = Json::parse(p[p.size() - 2])["extra_fields"];
  CHECK(extra["continued"] == true);
  CHECK(extra["provider"] == "primary");  // the stream keeps the model that committed
  CHECK(extra["attempts"].back()["continuation"] == true);
  for (const std::string& payload : p) {
    if (payload != "[DONE]") CHECK(Json::parse(payload)["model"] == "mock-large");
  }
}

TEST_CASE("e2e serve: a stream cut without a prefill target ends in an error event") {
  ServeProcess s(kConfig);
  INFO("serve stderr: " << s.err());
  REQUIRE(s.ok());
  Json b = chat_body("primary/mock-large", "cut me off after a few words please", true);
  b["fallbacks"] = {"plain/mock-plain"};
  HttpReply r = post_chat(s.port(), b);
  REQUIRE(r.status == 200);
  CHECK(r.complete);
  std::vector<std::string> p = sse_payloads(r.body);
  REQUIRE(p.size() >= 2);
  CHECK(r.body.find("[DONE]") == std::string::npos);
  Json err = Json::parse(p.back());
  REQUIRE(err.contains("error"));
  CHECK(err["error"]["type"].is_string());
  CHECK(err["extra_fields"]["provider"] == "primary");
  CHECK(sse_text(r.body) == "You said: cut");  // the three tokens before the cut
}

TEST_CASE("e2e serve: a malformed upstream event is skipped and counted") {
  ServeProcess s(kConfig);
  REQUIRE(s.ok());
  std::string text = "garbage in the middle of it";
  HttpReply r = post_chat(s.port(), chat_body("main", text, true));
  REQUIRE(r.status == 200);
  CHECK(sse_text(r.body) == "You said: " + text);
  CHECK(sse_payloads(r.body).back() == "[DONE]");
  CHECK(r.header("x-understudy-provider") == "primary");
  // The access log line is written once the request is recorded, metrics included.
  CHECK(s.process().wait_for_output("malformed_events=1", std::chrono::milliseconds(2000)));
  HttpReply m = http_request(s.port(), "GET", "/metrics");
  CHECK(m.body.find("understudy_stream_malformed_events_total 1\n") != std::string::npos);
}

TEST_CASE("e2e serve: a finished upstream stream without [DONE] is completed by the gateway") {
  ServeProcess s(kConfig);
  REQUIRE(s.ok());
  HttpReply r = post_chat(s.port(), chat_body("main", "nodone but finished", true));
  REQUIRE(r.status == 200);
  CHECK(sse_text(r.body) == "You said: nodone but finished");
  std::vector<std::string> p = sse_payloads(r.body);
  REQUIRE(p.size() >= 2);
  CHECK(p.back() == "[DONE]");
  CHECK(Json::parse(p[p.size() - 2])["extra_fields"]["attempts"].size() == 1);
}
