// Upstream replies of an unexpected shape reach the router as data, never as an exception:
// an OpenAI-compatible upstream's chunks and replies pass through it nearly untouched, and
// `serve` has no exception handler on its data path.
#include <doctest/doctest.h>

#include "lib/router/router.h"
#include "tests/support/router_fixture.h"

using namespace understudy;
using namespace understudy::testing;

namespace {

// Answers every request with the same canned reply.
class CannedUpstream final : public Transport, public TransportResolver {
 public:
  CannedUpstream(std::string content_type, std::string body)
      : content_type_(std::move(content_type)), body_(std::move(body)) {}
  TransportResult send(const HttpRequest&, ResponseHandler& handler, CancelToken*,
                       const TransportOptions&) override {
    if (handler.on_head(ResponseHead{200, {{"content-type", content_type_}}})) {
      handler.on_body(body_);
    }
    return {};
  }
  Transport& transport_for(const ProviderConfig&) override { return *this; }

 private:
  std::string content_type_;
  std::string body_;
};

struct CannedRouter {
  CannedRouter(std::string content_type, std::string body)
      : upstream(std::move(content_type), std::move(body)) {
    add_provider(config, "openai");
  }
  Router router() {
    return Router(RouterDeps{&config, &clock, &random, &upstream, &health, nullptr, {}});
  }
  Config config;
  VirtualClock clock;
  SeededRandom random{7};
  HealthState health;
  CannedUpstream upstream;
};

std::string sse(const std::vector<std::string>& events) {
  std::string out;
  for (const std::string& e : events) out += "data: " + e + "\n\n";
  return out;
}

}  // namespace

TEST_CASE("router stream: an upstream chunk whose choice is not an object is skipped and counted") {
  CannedRouter f("text/event-stream",
                 sse({R"({"choices":[5]})",
                      R"({"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]})",
                      R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})", "[DONE]"}));
  CollectingStreamSink sink;
  RouteResult r =
      f.router().stream(make_request("openai/gpt-4o-mini", {}, "x", true), RequestContext{}, sink);
  REQUIRE(r.ok);
  CHECK(sink.text() == "hi");
  CHECK(r.record.malformed_events == 1);
}

TEST_CASE("router stream: a JSON reply with a tool call that is not an object is replayed") {
  CannedRouter f("application/json",
                 R"({"choices":[{"message":{"role":"assistant","content":"hi","tool_calls":[5]},)"
                 R"("finish_reason":"stop"}]})");
  CollectingStreamSink sink;
  RouteResult r =
      f.router().stream(make_request("openai/gpt-4o-mini", {}, "x", true), RequestContext{}, sink);
  REQUIRE(r.ok);
  CHECK(sink.text() == "hi");
  for (const Json& c : sink.chunks)
    CHECK(c["choices"].dump().find("tool_calls") == std::string::npos);
}

TEST_CASE("router: a reply whose first choice is not an object is a server failure") {
  CannedRouter plain("application/json", R"({"choices":[5]})");
  RouteResult r = plain.router().complete(make_request("openai/gpt-4o-mini", {}, "x"), {});
  CHECK_FALSE(r.ok);
  CHECK(r.record.final_failure == FailureClass::kServer);
  CHECK(r.error["error"]["message"].get<std::string>().find("choices[0]") != std::string::npos);
  // The same JSON reply to a streaming request (an upstream that ignored stream: true).
  CannedRouter streamed("application/json", R"({"choices":[5]})");
  CollectingStreamSink sink;
  RouteResult s = streamed.router().stream(make_request("openai/gpt-4o-mini", {}, "x", true),
                                           RequestContext{}, sink);
  CHECK_FALSE(s.ok);
  CHECK(s.record.final_failure == FailureClass::kServer);
  CHECK_FALSE(sink.committed);
}
