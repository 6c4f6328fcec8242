// ChatEndpoint without sockets: a RouterFixture (virtual clock, scripted fake providers)
// behind the endpoint, requests as ApiRequest values.
#include "lib/server/chat_endpoint.h"

#include <doctest/doctest.h>

#include "lib/server/stream_bridge.h"
#include "tests/support/http_client.h"
#include "tests/support/router_fixture.h"

using namespace understudy;
using namespace understudy::testing;

namespace {

struct EndpointFixture {
  RouterFixture f;
  Metrics metrics;
  std::unique_ptr<Admission> admission;
  std::unique_ptr<WorkerPool> workers;
  std::unique_ptr<ChatEndpoint> endpoint;

  EndpointFixture() {
    add_provider(f.config, "openai");
    add_provider(f.config, "anthropic", ProviderType::kAnthropic);
  }
  ChatEndpoint& ep() {
    if (!endpoint) {
      const ServerConfig& s = f.config.server;
      admission = std::make_unique<Admission>(
          AdmissionLimits{s.max_concurrent, s.max_queue, s.drop_excess, s.queue_timeout}, f.clock);
      workers = std::make_unique<WorkerPool>(4);
      endpoint = std::make_unique<ChatEndpoint>(ChatEndpointDeps{
          &f.router(), &f.config, admission.get(), workers.get(), &metrics, nullptr});
    }
    return *endpoint;
  }
  ApiResponse post(const std::string& body, Headers headers = {}) {
    ApiRequest r;
    r.method = "POST";
    r.path = "/v1/chat/completions";
    r.body = body;
    r.headers = std::move(headers);
    r.cancel = CancelToken::create();
    return ep().handle(r);
  }
  ApiResponse post(const Json& body, Headers headers = {}) { return post(body.dump(), headers); }
};

std::string header(const ApiResponse& r, const std::string& name) {
  return header_value(r.headers, name).value_or("");
}

Json body_of(const ApiResponse& r) { return Json::parse(r.body); }

// Drains a streamed response as the connection would.
std::string drain(const ApiResponse& r) {
  std::string all;
  while (r.stream->take(all) == SseSource::Take::kMore) {
  }
  return all;
}

void check_bad_request(EndpointFixture& x, const std::string& body, const std::string& param,
                       const std::string& needle) {
  CAPTURE(body);
  ApiResponse r = x.post(body);
  CHECK(r.status == 400);
  Json j = body_of(r);
  CHECK(j["error"]["type"] == "invalid_request_error");
  if (param.empty()) {
    CHECK(j["error"]["param"].is_null());
  } else {
    CHECK(j["error"]["param"] == param);
  }
  std::string message = j["error"]["message"];
  CAPTURE(message);
  CHECK(message.find(needle) != std::string::npos);
}

}  // namespace

TEST_CASE("chat endpoint: a success carries extra_fields and the x-understudy headers") {
  EndpointFixture x;
  ApiResponse r =
      x.post(chat_body("openai/gpt-4o-mini", "hello there"), {{"X-Request-Id", "client-id-42"}});
  REQUIRE(r.status == 200);
  Json j = body_of(r);
  CHECK(j["object"] == "chat.completion");
  CHECK(j["model"] == "gpt-4o-mini");
  CHECK(j["choices"][0]["message"]["content"] == "You said: hello there");
  CHECK(j["extra_fields"]["provider"] == "openai");
  CHECK(j["extra_fields"]["requested"] == "openai/gpt-4o-mini");
  CHECK(header(r, "x-request-id") == "client-id-42");
  CHECK(header(r, "x-understudy-provider") == "openai");
  CHECK(header(r, "x-understudy-model") == "gpt-4o-mini");
  CHECK(header(r, "x-understudy-fallback-index") == "0");
  CHECK(header(r, "x-understudy-attempts") == "1");
}

TEST_CASE("chat endpoint: a fallback is reported in body and headers") {
  EndpointFixture x;
  x.f.faults.push_back(error_rule("openai", 503));
  ApiResponse r = x.post(Json{{"model", "openai/gpt-4o-mini"},
                              {"fallbacks", {"anthropic/claude-haiku-4-5"}},
                              {"messages", {{{"role", "user"}, {"content", "hi"}}}}});
  REQUIRE(r.status == 200);
  Json j = body_of(r);
  CHECK(j["model"] == "claude-haiku-4-5");
  CHECK(j["extra_fields"]["fallback_index"] == 1);
  CHECK(j["extra_fields"]["attempts"].size() == 4);  // 3 tries on openai, then anthropic
  CHECK(header(r, "x-understudy-provider") == "anthropic");
  CHECK(header(r, "x-understudy-fallback-index") == "1");
  CHECK(header(r, "x-understudy-attempts") == "4");
}

TEST_CASE("chat endpoint: a generated request id is used when the caller's is unusable") {
  EndpointFixture x;
  ApiResponse r = x.post(chat_body("openai/gpt-4o-mini", "hi"), {{"x-request-id", "bad id!"}});
  std::string id = header(r, "x-request-id");
  CHECK(id.rfind("req-", 0) == 0);
  CHECK(id.size() == 20);
  CHECK(usable_request_id(std::string(129, 'a')) == std::nullopt);
  CHECK(usable_request_id(std::string("abc-123_x.y:z")) == "abc-123_x.y:z");
}

TEST_CASE("chat endpoint: every bad input is a 400 naming its parameter") {
  EndpointFixture x;
  check_bad_request(x, "{\"model\": \"openai/x\", \"messages\": [", "", "at byte offset");
  check_bad_request(x, "[1, 2]", "", "JSON object");
  check_bad_request(x, R"({"model": "openai/x"})", "messages", "messages is required");
  check_bad_request(x, R"({"model": "openai/x", "messages": []})", "messages", "must not be empty");
  check_bad_request(x, R"({"model": "openai/x", "messages": "hi"})", "messages",
                    "must be an array");
  check_bad_request(x, R"({"model": "openai/x", "messages": [{"role": "user"}]})",
                    "messages[0].content", "content is required");
  check_bad_request(x, R"({"model": "openai/x", "messages": [{"role": "user", "content": "a"}],
                          "fallbacks": "anthropic/y"})",
                    "fallbacks", "must be an array");
  check_bad_request(x, R"({"model": "openai/x", "messages": [{"role": "user", "content": "a"}],
                          "fallbacks": ["anthropic/y", 3]})",
                    "fallbacks[1]", "must be a string");
  check_bad_request(x, R"({"model": "openai/x", "messages": [{"role": "user", "content": "a"}],
                          "stream": "yes"})",
                    "stream", "must be a boolean");
  check_bad_request(x, R"({"messages": [{"role": "user", "content": "a"}]})", "model",
                    "model is required");
  CHECK(x.metrics.counter("understudy_rejected_total", {"bad_request"}) == 10);
}

TEST_CASE("chat endpoint: invalid JSON names the byte offset") {
  EndpointFixture x;
  ApiResponse r = x.post(std::string("{\"model\": \"openai/x\",, }"));
  REQUIRE(r.status == 400);
  Json j = body_of(r);
  CHECK(j["error"]["code"] == "invalid_json");
  CHECK(std::string(j["error"]["message"]).find("at byte offset 21") != std::string::npos);
}

TEST_CASE("chat endpoint: an unknown provider is a 400 naming the entry and the known ones") {
  EndpointFixture x;
  ApiResponse r = x.post(chat_body("opnai/gpt-4o", "hi"));
  REQUIRE(r.status == 400);
  Json j = body_of(r);
  std::string message = j["error"]["message"];
  CAPTURE(message);
  CHECK(j["error"]["param"] == "model");
  CHECK(message.find("opnai") != std::string::npos);
  CHECK(message.find("anthropic, openai") != std::string::npos);

  Json b = chat_body("openai/gpt-4o", "hi");
  b["fallbacks"] = {"anthropic/claude-haiku-4-5", "gemni/gemini-2.0-flash"};
  r = x.post(b);
  REQUIRE(r.status == 400);
  j = body_of(r);
  CHECK(j["error"]["param"] == "fallbacks[1]");
  CHECK(std::string(j["error"]["message"]).find("gemni") != std::string::npos);
}

TEST_CASE("chat endpoint: total failure returns the primary's status, body and retry hint") {
  EndpointFixture x;
  x.f.faults.push_back(error_rule("openai", 429, Millis(30000)));
  x.f.faults.push_back(error_rule("anthropic", 503));
  x.f.config.providers["openai"].retry.max_retries = 0;
  x.f.config.providers["anthropic"].retry.max_retries = 0;
  Json b = chat_body("openai/gpt-4o-mini", "hi");
  b["fallbacks"] = {"anthropic/claude-haiku-4-5"};
  ApiResponse r = x.post(b);
  CHECK(r.status == 429);
  Json j = body_of(r);
  CHECK(j["error"]["type"] == "requests");  // OpenAI's own type for a 429, passed through
  CHECK(std::string(j["error"]["message"]).find("Rate limit") != std::string::npos);
  CHECK(j["extra_fields"]["attempts"].size() == 2);
  CHECK(header(r, "retry-after") == "30");
  CHECK(header(r, "x-understudy-attempts") == "2");
  CHECK(header(r, "x-understudy-provider").empty());
}

TEST_CASE("chat endpoint: auth tokens are required when configured") {
  EndpointFixture x;
  x.f.config.server.auth_tokens = {"gw-token-1"};
  ApiResponse r = x.post(chat_body("openai/gpt-4o-mini", "hi"));
  CHECK(r.status == 401);
  CHECK(body_of(r)["error"]["type"] == "authentication_error");
  r = x.post(chat_body("openai/gpt-4o-mini", "hi"), {{"Authorization", "Bearer wrong"}});
  CHECK(r.status == 401);
  r = x.post(chat_body("openai/gpt-4o-mini", "hi"), {{"Authorization", "Bearer gw-token-1"}});
  CHECK(r.status == 200);
  CHECK(x.metrics.counter("understudy_rejected_total", {"unauthorized"}) == 2);
}

TEST_CASE("chat endpoint: a direct key is refused for a provider that does not accept it") {
  EndpointFixture x;
  x.f.config.server.auth_tokens = {"gw-token-1"};
  x.f.config.providers["anthropic"].allow_direct_keys = true;
  Json b = chat_body("anthropic/claude-haiku-4-5", "hi");
  ApiResponse r = x.post(b, {{"Authorization", "Bearer sk-ant-callers-own"}});
  CHECK(r.status == 200);
  REQUIRE_FALSE(x.f.events.attempts.empty());
  CHECK(x.f.events.attempts.back().key == "client");
  b["fallbacks"] = {"openai/gpt-4o-mini"};
  r = x.post(b, {{"Authorization", "Bearer sk-ant-callers-own"}});
  CHECK(r.status == 401);
  std::string message = body_of(r)["error"]["message"];
  CHECK(message.find("\"openai\"") != std::string::npos);
  CHECK(message.find("sk-ant-callers-own") == std::string::npos);
}

TEST_CASE("chat endpoint: drop_excess answers 429 with Retry-After when every slot is busy") {
  EndpointFixture x;
  x.f.config.server.max_concurrent = 1;
  x.f.config.server.drop_excess = true;
  x.ep();
  REQUIRE(x.admission->acquire(nullptr) == Admission::Verdict::kAdmitted);
  ApiResponse r = x.post(chat_body("openai/gpt-4o-mini", "hi"));
  CHECK(r.status == 429);
  CHECK(header(r, "retry-after") == "1");
  CHECK(body_of(r)["error"]["code"] == "gateway_busy");
  x.admission->release();
  CHECK(x.post(chat_body("openai/gpt-4o-mini", "hi")).status == 200);
  CHECK(x.metrics.counter("understudy_rejected_total", {"busy"}) == 1);
}

TEST_CASE("chat endpoint: a queued request that gets no slot in time is a 503") {
  EndpointFixture x;
  x.f.config.server.max_concurrent = 1;
  x.f.config.server.queue_timeout = Millis(750);
  x.ep();
  REQUIRE(x.admission->acquire(nullptr) == Admission::Verdict::kAdmitted);
  TimePoint before = x.f.clock.now();
  ApiResponse r = x.post(chat_body("openai/gpt-4o-mini", "hi"));
  CHECK(r.status == 503);
  CHECK(header(r, "retry-after") == "1");
  CHECK(millis_between(before, x.f.clock.now()) == 750);
  x.admission->release();
}

TEST_CASE("chat endpoint: a stream is answered as SSE once committed") {
  EndpointFixture x;
  x.f.faults.push_back(error_rule("openai", 503));
  Json b = chat_body("openai/gpt-4o-mini", "stream me please", true);
  b["fallbacks"] = {"anthropic/claude-haiku-4-5"};
  ApiResponse r = x.post(b);
  REQUIRE(r.status == 200);
  REQUIRE(r.stream);
  CHECK(r.content_type == "text/event-stream");
  CHECK(header(r, "cache-control") == "no-cache");
  CHECK(header(r, "x-accel-buffering") == "no");
  CHECK(header(r, "x-understudy-provider") == "anthropic");
  CHECK(header(r, "x-understudy-attempts") == "4");
  std::string body = drain(r);
  CHECK(sse_text(body) == "You said: stream me please");
  std::vector<std::string> payloads = sse_payloads(body);
  REQUIRE(payloads.size() >= 3);
  CHECK(payloads.back() == "[DONE]");
  Json last = Json::parse(payloads[payloads.size() - 2]);
  CHECK(last["extra_fields"]["provider"] == "anthropic");
  CHECK(last["model"] == "claude-haiku-4-5");
}

TEST_CASE("chat endpoint: a stream that fails before commit is a plain HTTP error") {
  EndpointFixture x;
  x.f.faults.push_back(error_rule("openai", 401));
  ApiResponse r = x.post(chat_body("openai/gpt-4o-mini", "hi", true));
  CHECK(r.status == 401);
  CHECK_FALSE(r.stream);
  CHECK(body_of(r)["error"]["type"] == "invalid_request_error");
  CHECK(body_of(r)["extra_fields"]["attempts"].size() == 1);
}

TEST_CASE("chat endpoint: a stream cut without a prefill target ends with an error event") {
  EndpointFixture x;
  FaultRule cut;
  cut.name = "cut";
  cut.providers = {"openai"};
  FaultAction a;
  a.kind = FaultAction::Kind::kStreamCut;
  a.after_tokens = 2;
  cut.actions = {a};
  x.f.faults.push_back(cut);
  x.f.config.providers["openai"].retry.max_retries = 0;
  ApiResponse r = x.post(chat_body("openai/gpt-4o-mini", "one two three four", true));
  REQUIRE(r.status == 200);
  std::string body = drain(r);
  std::vector<std::string> payloads = sse_payloads(body);
  REQUIRE_FALSE(payloads.empty());
  CHECK(payloads.back() != "[DONE]");
  Json err = Json::parse(payloads.back());
  CHECK(err.contains("error"));
  CHECK(err["extra_fields"]["provider"] == "openai");
  CHECK(body.find("[DONE]") == std::string::npos);
}
