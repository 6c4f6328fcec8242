// ChatEndpoint against hostile input: request bodies nested deep enough to overflow a stack,
// upstream replies shaped in ways the OpenAI format does not allow, and a router that throws.
// `serve` must answer all of them and keep running. No sockets: a scripted raw transport.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <thread>

#include "lib/core/real_clock.h"
#include "lib/providers/json_access.h"
#include "lib/server/chat_endpoint.h"
#include "lib/server/stream_bridge.h"
#include "tests/support/http_client.h"
#include "tests/support/router_fixture.h"

using namespace understudy;
using namespace understudy::testing;

namespace {

// Answers each request with what `reply` says for its base URL: raw bytes, or an exception.
struct RawReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  bool throw_after_body = false;
  std::size_t piece = 0;  // > 0: the body arrives in pieces of this size, as from a socket
};

class RawTransport final : public Transport, public TransportResolver {
 public:
  std::function<RawReply(const HttpRequest&)> reply;

  Transport& transport_for(const ProviderConfig&) override { return *this; }

  TransportResult send(const HttpRequest& req, ResponseHandler& handler, CancelToken*,
                       const TransportOptions&) override {
    RawReply r = reply(req);
    ResponseHead head;
    head.status = r.status;
    head.headers = {{"content-type", r.content_type}};
    std::size_t step = r.piece > 0 ? r.piece : std::max<std::size_t>(r.body.size(), 1);
    bool go = handler.on_head(head);
    for (std::size_t at = 0; go && at < std::max<std::size_t>(r.body.size(), 1); at += step) {
      go = handler.on_body(std::string_view(r.body).substr(at, step));
    }
    if (!go) return TransportResult{TransportError::kAborted, "handler stopped", true};
    if (r.throw_after_body) throw std::runtime_error("transport bug");
    return TransportResult{};
  }
};

std::string sse(const std::vector<std::string>& payloads) {
  std::string out;
  for (const std::string& p : payloads) out += "data: " + p + "\n\n";
  return out;
}

std::string content_chunk(const std::string& text) {
  return Json{
      {"id", "up"},
      {"object", "chat.completion.chunk"},
      {"model", "m"},
      {"choices", {{{"index", 0}, {"delta", {{"content", text}}}, {"finish_reason", nullptr}}}}}
      .dump();
}

std::string stop_chunk() {
  return R"({"id":"up","object":"chat.completion.chunk","model":"m",)"
         R"("choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})";
}

std::string completion(const std::string& text) {
  return Json{{"id", "up"},
              {"object", "chat.completion"},
              {"model", "m"},
              {"choices",
               {{{"index", 0},
                 {"message", {{"role", "assistant"}, {"content", text}}},
                 {"finish_reason", "stop"}}}}}
      .dump();
}

struct RobustFixture {
  Config config;
  SeededRandom random{7};
  HealthState health;
  RawTransport transport;
  Metrics metrics;
  std::unique_ptr<Router> router;
  std::unique_ptr<Admission> admission;
  std::unique_ptr<WorkerPool> workers;
  std::unique_ptr<ChatEndpoint> endpoint;

  RobustFixture() {
    add_provider(config, "up").retry.max_retries = 0;
    add_provider(config, "backup").retry.max_retries = 0;
    RouterDeps deps;
    deps.config = &config;
    deps.clock = &RealClock::shared();
    deps.random = &random;
    deps.transports = &transport;
    deps.health = &health;
    deps.events = &metrics;
    router = std::make_unique<Router>(deps);
    admission = std::make_unique<Admission>(AdmissionLimits{}, RealClock::shared());
    workers = std::make_unique<WorkerPool>(4);
    endpoint = std::make_unique<ChatEndpoint>(
        ChatEndpointDeps{router.get(), &config, admission.get(), workers.get(), &metrics, nullptr});
  }

  ApiResponse post(const std::string& body) {
    ApiRequest r;
    r.method = "POST";
    r.path = "/v1/chat/completions";
    r.body = body;
    r.headers = {{"x-request-id", "robust-1"}};
    r.cancel = CancelToken::create();
    return endpoint->handle(r);
  }

  ApiResponse post_chat(bool stream) {
    Json body = chat_body("up/m", "hello there", stream);
    body["fallbacks"] = {"backup/m"};
    return post(body.dump());
  }
};

bool from_up(const HttpRequest& req) { return req.base_url.find("fake-up") != std::string::npos; }

// The router records a request's metrics after the stream's last bytes are queued, so a
// counter is read once it settles (bounded: 2 s).
std::uint64_t settled_counter(const Metrics& m, const std::string& name, std::uint64_t want) {
  std::uint64_t v = m.counter(name, {});
  for (int i = 0; i < 2000 && v != want; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    v = m.counter(name, {});
  }
  return v;
}

std::string drain(const ApiResponse& r) {
  std::string all;
  while (r.stream->take(all) == SseSource::Take::kMore) {
  }
  return all;
}

}  // namespace

TEST_CASE("chat endpoint: a request nested too deep is a 400, not a stack overflow") {
  RobustFixture x;
  x.transport.reply = [](const HttpRequest&) {
    return RawReply{200, "application/json", completion("fine")};
  };
  // 200,000 levels in 400 kB: enough to overflow a thread's stack when copied or serialized.
  std::string deep = std::string(200000, '[') + std::string(200000, ']');
  ApiResponse r =
      x.post(R"({"model": "up/m", "messages": [{"role": "user", "content": "hi"}], "metadata": )" +
             deep + "}");
  CHECK(r.status == 400);
  Json j = Json::parse(r.body);
  CHECK(j["error"]["code"] == "invalid_json");
  CHECK(j["error"]["message"].get<std::string>().find("256 levels") != std::string::npos);
  CHECK(x.metrics.counter("understudy_rejected_total", {"bad_request"}) == 1);

  // Nesting a real request uses (a JSON schema, say) still goes through.
  std::string schema = std::string(40, '[') + std::string(40, ']');
  r = x.post(R"({"model": "up/m", "messages": [{"role": "user", "content": "[[[[hi"}], "x": )" +
             schema + "}");
  CHECK(r.status == 200);
}

TEST_CASE("chat endpoint: an upstream stream choice that is not an object is skipped and counted") {
  RobustFixture x;
  x.transport.reply = [](const HttpRequest&) {
    return RawReply{200, "text/event-stream",
                    sse({R"({"id":"up","object":"chat.completion.chunk","choices":[5]})",
                         content_chunk("Hello"),
                         R"({"id":"up","object":"chat.completion.chunk","choices":[{"delta":7}]})",
                         R"({"id":"up","choices":[{"delta":{"content":["x"]}}]})",
                         content_chunk(" there"), stop_chunk(), "[DONE]"})};
  };
  ApiResponse r = x.post_chat(true);
  REQUIRE(r.status == 200);
  REQUIRE(r.stream);
  std::string all = drain(r);
  CAPTURE(all);
  CHECK(sse_text(all) == "Hello there");
  CHECK(sse_payloads(all).back() == "[DONE]");
  CHECK(settled_counter(x.metrics, "understudy_stream_malformed_events_total", 3) == 3);
}

TEST_CASE("chat endpoint: an upstream event nested too deep is skipped, not a stack overflow") {
  RobustFixture x;
  std::string deep = std::string(200000, '[') + std::string(200000, ']');
  x.transport.reply = [&deep](const HttpRequest&) {
    return RawReply{
        200, "text/event-stream",
        sse({content_chunk("Hello"),
             R"({"id":"up","choices":[{"index":0,"delta":{"content":" x"},"x":)" + deep + "}]}",
             content_chunk(" there"), stop_chunk(), "[DONE]"})};
  };
  ApiResponse r = x.post_chat(true);
  REQUIRE(r.status == 200);
  std::string all = drain(r);
  CHECK(sse_text(all) == "Hello there");
  CHECK(settled_counter(x.metrics, "understudy_stream_malformed_events_total", 1) == 1);
}

TEST_CASE("chat endpoint: a non-streamed upstream reply whose choice is not an object falls back") {
  RobustFixture x;
  x.transport.reply = [](const HttpRequest& req) {
    if (from_up(req)) return RawReply{200, "application/json", R"({"id":"up","choices":[5]})"};
    return RawReply{200, "application/json", completion("from backup")};
  };
  for (bool stream : {false, true}) {
    CAPTURE(stream);
    ApiResponse r = x.post_chat(stream);
    REQUIRE(r.status == 200);
    std::string text =
        r.stream ? sse_text(drain(r))
                 : Json::parse(r.body)["choices"][0]["message"]["content"].get<std::string>();
    CHECK(text == "from backup");
    CHECK(header_value(r.headers, "x-understudy-provider") == "backup");
  }
}

TEST_CASE("chat endpoint: a router that throws is a 500, before or after the stream commits") {
  RobustFixture x;
  SUBCASE("not streamed") {
    x.transport.reply = [](const HttpRequest&) {
      return RawReply{200, "application/json", completion("ok"), true};
    };
    ApiResponse r = x.post_chat(false);
    CHECK(r.status == 500);
    Json j = Json::parse(r.body);
    CHECK(j["error"]["code"] == "internal_error");
    CHECK(j["error"]["type"] == "server_error");
    CHECK(header_value(r.headers, "x-request-id") == "robust-1");
    CHECK(x.admission->active() == 0);  // the failed request gave its slot back
  }
  SUBCASE("a stream that fails before its first token") {
    x.transport.reply = [](const HttpRequest&) {
      return RawReply{200, "text/event-stream", "", true};
    };
    ApiResponse r = x.post_chat(true);
    CHECK(r.status == 500);
    CHECK_FALSE(r.stream);
    CHECK(Json::parse(r.body)["error"]["code"] == "internal_error");
  }
  SUBCASE("a committed stream ends with an error event, never [DONE]") {
    x.transport.reply = [](const HttpRequest&) {
      return RawReply{200, "text/event-stream", sse({content_chunk("partial")}), true};
    };
    ApiResponse r = x.post_chat(true);
    REQUIRE(r.status == 200);
    REQUIRE(r.stream);
    std::string all = drain(r);
    CAPTURE(all);
    CHECK(sse_text(all) == "partial");
    CHECK(all.find("[DONE]") == std::string::npos);
    Json last = Json::parse(sse_payloads(all).back());
    CHECK(last["error"]["code"] == "internal_error");
  }
}

TEST_CASE("chat endpoint: an upstream reply over 64 MiB fails that attempt and falls back") {
  RobustFixture x;
  std::string huge(65u << 20, ' ');  // whitespace: valid JSON padding, just too much of it
  x.transport.reply = [&huge](const HttpRequest& req) {
    if (from_up(req)) return RawReply{200, "application/json", huge + completion("from up")};
    return RawReply{200, "application/json", completion("from backup")};
  };
  for (bool stream : {false, true}) {
    CAPTURE(stream);
    ApiResponse r = x.post_chat(stream);
    REQUIRE(r.status == 200);
    std::string text =
        r.stream ? sse_text(drain(r))
                 : Json::parse(r.body)["choices"][0]["message"]["content"].get<std::string>();
    CHECK(text == "from backup");
    CHECK(header_value(r.headers, "x-understudy-provider") == "backup");
    CHECK(header_value(r.headers, "x-understudy-fallback-index") == "1");
  }
}

TEST_CASE("chat endpoint: an upstream stream event still growing at 64 MiB fails that attempt") {
  RobustFixture x;
  // A data line of 65 MiB arriving 1 MiB at a time: the gateway stops reading it at 64 MiB
  // (what follows it would have made "from up" the answer).
  std::string endless = "data: {\"choices\":[{\"delta\":{\"content\":\"" +
                        std::string(65u << 20, 'x') + "\n\n" +
                        sse({content_chunk("from up"), stop_chunk(), "[DONE]"});
  x.transport.reply = [&endless](const HttpRequest& req) {
    if (from_up(req)) return RawReply{200, "text/event-stream", endless, false, 1u << 20};
    return RawReply{200, "text/event-stream",
                    sse({content_chunk("from backup"), stop_chunk(), "[DONE]"})};
  };
  ApiResponse r = x.post_chat(true);
  REQUIRE(r.status == 200);
  REQUIRE(r.stream);
  CHECK(sse_text(drain(r)) == "from backup");
  CHECK(header_value(r.headers, "x-understudy-provider") == "backup");
}
