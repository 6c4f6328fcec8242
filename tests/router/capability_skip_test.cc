// Capability skip (issue 3, "Capabilities"): a target that cannot serve a request (no tools,
// no vision) is skipped without a request, and the trail says why. Router fixture: in-process
// fakes, virtual clock, no sockets.
#include <doctest/doctest.h>

#include "lib/router/capability_check.h"
#include "tests/support/router_fixture.h"

using namespace understudy;
using namespace understudy::testing;

namespace {

ChatRequest request_with(const std::string& model, const std::vector<std::string>& fallbacks,
                         Json extra, Json content = "what is the weather in Paris?") {
  Json body{{"model", model},
            {"messages", Json::array({Json{{"role", "user"}, {"content", std::move(content)}}})},
            {"fallbacks", fallbacks}};
  for (auto& [k, v] : extra.items()) body[k] = v;
  auto r = parse_chat_request(body.dump());
  REQUIRE(r.ok());
  return std::move(r).value();
}

Json weather_tool() {
  return Json{
      {"tools", Json::array({Json{{"type", "function"},
                                  {"function", Json{{"name", "get_weather"},
                                                    {"parameters", Json{{"type", "object"}}}}}}})}};
}

Json image_content() {
  return Json::array(
      {Json{{"type", "text"}, {"text", "what is in this picture?"}},
       Json{{"type", "image_url"}, {"image_url", Json{{"url", "https://example.com/cat.png"}}}}});
}

}  // namespace

TEST_CASE("capability skip: a tools request skips a no-tools target and says why") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "local");
  add_provider(f.config, "anthropic", ProviderType::kAnthropic);
  f.config.providers["local"].capabilities.tools = false;
  f.faults.push_back(error_rule("openai", 503));
  f.config.providers["openai"].retry.max_retries = 0;
  ChatRequest req = request_with("openai/gpt-4o-mini",
                                 {"local/llama-3", "anthropic/claude-haiku-4-5"}, weather_tool());
  RouteResult r = f.router().complete(req, RequestContext{});
  REQUIRE(r.ok);
  CHECK(r.record.provider == "anthropic");
  CHECK(r.record.fallback_index == 2);
  REQUIRE(r.record.attempts.size() == 3);
  const AttemptRecord& skipped = r.record.attempts[1];
  CHECK(skipped.provider == "local");
  CHECK(skipped.skipped == "capability: does not support tools");
  CHECK(skipped.status == 0);
  CHECK_FALSE(skipped.failure.has_value());
  const Json& trail = r.response.body["extra_fields"]["attempts"];
  REQUIRE(trail.size() == 3);
  CHECK(trail[1]["provider"] == "local");
  CHECK(trail[1]["skipped"] == "capability: does not support tools");
}

TEST_CASE("capability skip: the same target serves a request without tools") {
  RouterFixture f;
  add_provider(f.config, "local");
  f.config.providers["local"].capabilities.tools = false;
  RouteResult r = f.complete("local/llama-3", {}, "no tools here");
  REQUIRE(r.ok);
  CHECK(r.record.provider == "local");
  CHECK(r.record.attempts.size() == 1);
}

TEST_CASE("capability skip: a per-model override skips only the matching model") {
  RouterFixture f;
  add_provider(f.config, "openai");
  Capabilities no_tools;
  no_tools.tools = false;
  f.config.providers["openai"].model_capabilities.push_back({"gpt-3.5-*", no_tools});
  ChatRequest req = request_with("openai/gpt-3.5-turbo", {"openai/gpt-4o"}, weather_tool());
  RouteResult r = f.router().complete(req, RequestContext{});
  REQUIRE(r.ok);
  CHECK(r.record.model == "gpt-4o");
  REQUIRE(r.record.attempts.size() == 2);
  CHECK(r.record.attempts[0].model == "gpt-3.5-turbo");
  CHECK(r.record.attempts[0].skipped == "capability: does not support tools");
}

TEST_CASE("capability skip: a vision request skips a no-vision target") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "textonly");
  add_provider(f.config, "gemini", ProviderType::kGemini);
  f.config.providers["textonly"].capabilities.vision = false;
  ChatRequest req =
      request_with("textonly/small", {"gemini/gemini-2.5-flash"}, Json::object(), image_content());
  RouteResult r = f.router().complete(req, RequestContext{});
  REQUIRE(r.ok);
  CHECK(r.record.provider == "gemini");
  REQUIRE(r.record.attempts.size() == 2);
  CHECK(r.record.attempts[0].provider == "textonly");
  CHECK(r.record.attempts[0].skipped == "capability: does not support images");
  CHECK(r.response.text() == "You said: what is in this picture?");
}

TEST_CASE("capability skip: when every target is skipped the error lists each reason") {
  RouterFixture f;
  add_provider(f.config, "a");
  add_provider(f.config, "b");
  f.config.providers["a"].capabilities.tools = false;
  f.config.providers["b"].capabilities.tools = false;
  ChatRequest req = request_with("a/m1", {"b/m2"}, weather_tool());
  RouteResult r = f.router().complete(req, RequestContext{});
  CHECK_FALSE(r.ok);
  REQUIRE(r.record.attempts.size() == 2);
  std::string message = r.error["error"]["message"].get<std::string>();
  CHECK(message.find("a/m1: capability: does not support tools") != std::string::npos);
  CHECK(message.find("b/m2: capability: does not support tools") != std::string::npos);
  CHECK(r.error["error"]["code"] == "no_available_target");
  CHECK(f.events.attempts.size() == 2);  // skips are events too, no request was made
}

TEST_CASE("capability skip: a response_format whose type is not a string needs nothing") {
  // It used to throw out of the router (value() with a string default), aborting a streaming
  // `serve`. The upstream is the judge of such a request; the router just routes it.
  ChatRequest req =
      request_with("openai/gpt-4o-mini", {}, Json{{"response_format", {{"type", 5}}}});
  RequestNeeds needs;
  CHECK_NOTHROW(needs = needs_of(req, true));
  CHECK_FALSE(needs.json_mode);
  CHECK(needs.streaming);
  RouterFixture f;
  add_provider(f.config, "openai");
  CollectingStreamSink sink;
  RouteResult r = f.router().stream(req, RequestContext{}, sink);
  CHECK(r.ok);
}

TEST_CASE("capability skip: a primary that cannot express the request, alone, is a 400") {
  // An anthropic primary cannot return n = 2 choices. With a fallback that can, the fallback
  // serves; with nothing else tried, the caller gets a 400 naming the parameter, not a 503
  // that SDKs would retry in vain.
  RouterFixture f;
  add_provider(f.config, "anthropic", ProviderType::kAnthropic);
  add_provider(f.config, "openai");
  ChatRequest alone = request_with("anthropic/claude-haiku-4-5", {}, Json{{"n", 2}});
  RouteResult r = f.router().complete(alone, RequestContext{});
  CHECK_FALSE(r.ok);
  CHECK(r.http_status == 400);
  CHECK(r.error["error"]["type"] == "invalid_request_error");
  CHECK(r.error["error"]["param"] == "n");
  std::string message = r.error["error"]["message"].get<std::string>();
  CHECK(message.find("anthropic/claude-haiku-4-5") != std::string::npos);
  CHECK(message.find("exactly one choice") != std::string::npos);
  ChatRequest with_fallback =
      request_with("anthropic/claude-haiku-4-5", {"openai/gpt-4o-mini"}, Json{{"n", 2}});
  RouteResult served = f.router().complete(with_fallback, RequestContext{});
  CHECK(served.ok);
  CHECK(served.record.provider == "openai");
}
