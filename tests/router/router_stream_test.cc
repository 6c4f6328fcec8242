// Streaming through the router (design §7) on the scripted transport and virtual clock.
#include <doctest/doctest.h>

#include "tests/support/router_fixture.h"

using namespace understudy;
using namespace understudy::testing;

namespace {

FaultRule stream_rule(const std::string& provider, FaultAction::Kind kind, int after_tokens = 0) {
  FaultRule r;
  r.name = provider + "-stream";
  r.providers = {provider};
  FaultAction a;
  a.kind = kind;
  a.after_tokens = after_tokens;
  r.actions = {a};
  return r;
}

std::int64_t elapsed_ms(RouterFixture& f) { return millis_between(TimePoint{}, f.clock.now()); }

}  // namespace

TEST_CASE(
    "router stream: success gives one consistent stream with extra_fields on the final chunk") {
  RouterFixture f;
  add_provider(f.config, "openai");
  CollectingStreamSink sink;
  RouteResult r = f.stream(sink, "openai/gpt-4o-mini", {}, "hello there");
  REQUIRE(r.ok);
  CHECK(sink.committed);
  CHECK(sink.done);
  CHECK_FALSE(sink.error);
  CHECK(sink.text() == "You said: hello there");
  REQUIRE(sink.chunks.size() >= 3);
  CHECK(sink.chunks.front()["choices"][0]["delta"]["role"] == "assistant");
  std::string id = sink.chunks.front()["id"];
  for (const Json& c : sink.chunks) {
    CHECK(c["id"] == id);
    CHECK(c["model"] == "gpt-4o-mini");
    CHECK(c["object"] == "chat.completion.chunk");
  }
  const Json& last = sink.chunks.back();
  CHECK(last["choices"][0]["finish_reason"] == "stop");
  CHECK(last["extra_fields"]["provider"] == "openai");
  CHECK(last["extra_fields"]["fallback_index"] == 0);
  CHECK_FALSE(last.contains("usage"));
}

TEST_CASE("router stream: include_usage adds a usage chunk and null usage on every other chunk") {
  RouterFixture f;
  add_provider(f.config, "openai");
  CollectingStreamSink sink;
  ChatRequest req = make_request("openai/gpt-4o-mini", {}, "one two three", true);
  req.include_usage = true;
  req.body["stream_options"] = Json{{"include_usage", true}};
  RouteResult r = f.router().stream(req, RequestContext{}, sink);
  REQUIRE(r.ok);
  const Json& last = sink.chunks.back();
  CHECK(last["choices"].empty());
  CHECK(last["usage"]["completion_tokens"] == 5);  // "You said: one two three"
  CHECK(last["usage"]["prompt_tokens"] == 3);
  CHECK(last.contains("extra_fields"));
  for (size_t i = 0; i + 1 < sink.chunks.size(); ++i) CHECK(sink.chunks[i]["usage"].is_null());
}

TEST_CASE("router stream: a failure before content is invisible to the caller") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "anthropic", ProviderType::kOpenAI);
  f.config.providers["openai"].retry.max_retries = 0;
  f.faults.push_back(error_rule("openai", 429));
  CollectingStreamSink sink;
  RouteResult r = f.stream(sink, "openai/gpt-4o-mini", {"anthropic/claude-haiku-4-5"});
  REQUIRE(r.ok);
  CHECK(sink.commit_record.provider == "anthropic");
  CHECK(sink.commit_record.fallback_index == 1);
  CHECK(sink.text() == "You said: hello there");
  for (const Json& c : sink.chunks) CHECK(c["model"] == "claude-haiku-4-5");
  CHECK(sink.chunks.back()["extra_fields"]["attempts"].size() == 2);
}

TEST_CASE("router stream: an error event inside a 200 before content is a failed attempt") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "backup");
  f.config.providers["openai"].retry.max_retries = 0;
  f.faults.push_back(stream_rule("openai", FaultAction::Kind::kStreamError, 0));
  CollectingStreamSink sink;
  RouteResult r = f.stream(sink, "openai/gpt-4o-mini", {"backup/m"});
  REQUIRE(r.ok);
  CHECK(r.record.provider == "backup");
  CHECK(r.record.attempts[0].status == 200);
  CHECK(r.record.attempts[0].failure == FailureClass::kOverloaded);
}

TEST_CASE("router stream: a slow first token moves on after first_token_timeout_ms") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "backup");
  FaultRule slow = stream_rule("openai", FaultAction::Kind::kOk);
  slow.actions[0].first_token_delay = Millis(15000);
  f.faults.push_back(slow);
  CollectingStreamSink sink;
  RouteResult r = f.stream(sink, "openai/gpt-4o-mini", {"backup/m"});
  REQUIRE(r.ok);
  CHECK(r.record.provider == "backup");
  CHECK(r.record.attempts[0].failure == FailureClass::kTimeout);
  CHECK(r.record.attempts[0].message.find("no first token") != std::string::npos);
  CHECK(elapsed_ms(f) == 10000);
}

TEST_CASE("router stream: the last target is not cut off by the first-token timeout") {
  RouterFixture f;
  add_provider(f.config, "openai");
  FaultRule slow = stream_rule("openai", FaultAction::Kind::kOk);
  slow.actions[0].first_token_delay = Millis(15000);
  f.faults.push_back(slow);
  CollectingStreamSink sink;
  RouteResult r = f.stream(sink, "openai/gpt-4o-mini");
  REQUIRE(r.ok);
  CHECK(sink.text() == "You said: hello there");
  CHECK(r.record.ttft_ms == 15000);
}

TEST_CASE("router stream: a cut after commit is continued on a prefill-capable fallback") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "local", ProviderType::kMock, 0);  // mock: can continue a prefix
  f.faults.push_back(stream_rule("openai", FaultAction::Kind::kStreamCut, 2));
  CollectingStreamSink sink;
  RouteResult r = f.stream(sink, "openai/gpt-4o-mini", {"local/echo"}, "tell me a story");
  REQUIRE(r.ok);
  CHECK(sink.done);
  CHECK_FALSE(sink.error);
  CHECK(sink.text() == "You said: tell me a story");
  CHECK(r.record.continued);
  CHECK(r.record.provider == "openai");  // who started serving
  int roles = 0;
  for (const Json& c : sink.chunks)
    roles += c["choices"].size() && c["choices"][0]["delta"].contains("role");
  CHECK(roles == 1);
  const Json& x = sink.chunks.back()["extra_fields"];
  CHECK(x["continued"] == true);
  REQUIRE(x["attempts"].size() == 2);
  CHECK(x["attempts"][0]["class"] == "network");
  CHECK(x["attempts"][1]["continuation"] == true);
}

TEST_CASE(
    "router stream: a cut with no prefill-capable target ends with an error event, never [DONE]") {
  RouterFixture f;
  add_provider(f.config, "openai");
  add_provider(f.config, "other");
  f.faults.push_back(stream_rule("openai", FaultAction::Kind::kStreamCut, 2));
  CollectingStreamSink sink;
  RouteResult r = f.stream(sink, "openai/gpt-4o-mini", {"other/m"});
  CHECK_FALSE(r.ok);
  CHECK(r.record.failed_after_commit);
  CHECK(sink.committed);
  CHECK_FALSE(sink.done);
  REQUIRE(sink.error);
  CHECK((*sink.error)["error"]["code"] == "upstream_error");
  CHECK(sink.text() == "You said:");
  for (const Json& c : sink.chunks) CHECK(c["choices"][0]["finish_reason"].is_null());
}

TEST_CASE("router stream: continuation tries the same target first") {
  RouterFixture f;
  add_provider(f.config, "local", ProviderType::kMock, 0);
  add_provider(f.config, "backup", ProviderType::kMock, 0);
  FaultRule cut = stream_rule("local", FaultAction::Kind::kStreamCut, 3);
  cut.times = 1;
  f.faults.push_back(cut);
  CollectingStreamSink sink;
  RouteResult r = f.stream(sink, "local/a", {"backup/b"}, "alpha beta gamma delta");
  REQUIRE(r.ok);
  CHECK(sink.text() == "You said: alpha beta gamma delta");
  REQUIRE(r.record.attempts.size() == 2);
  CHECK(r.record.attempts[1].provider == "local");
  CHECK(r.record.attempts[1].continuation);
}

TEST_CASE(
    "router stream: a target that rejects the prefix is skipped and the caller sees the cut") {
  RouterFixture f;
  add_provider(f.config, "local", ProviderType::kMock, 0);
  add_provider(f.config, "picky", ProviderType::kMock, 0);
  f.config.providers["local"].retry.max_retries = 0;
  f.faults.push_back(stream_rule("local", FaultAction::Kind::kStreamCut, 2));
  f.faults.push_back(error_rule("picky", 400));
  CollectingStreamSink sink;
  RouteResult r = f.stream(sink, "local/a", {"picky/b"});
  CHECK_FALSE(r.ok);
  REQUIRE(sink.error);
  CHECK((*sink.error)["error"]["message"].get<std::string>().find("reset") != std::string::npos);
  CHECK(r.record.attempts.back().failure == FailureClass::kBadRequest);
}

TEST_CASE("router stream: a stall after commit is detected by stream_idle_timeout_ms") {
  RouterFixture f;
  add_provider(f.config, "openai");
  f.config.providers["openai"].timeouts.stream_idle = Millis(4000);
  f.faults.push_back(stream_rule("openai", FaultAction::Kind::kStreamStall, 1));
  CollectingStreamSink sink;
  RouteResult r = f.stream(sink, "openai/gpt-4o-mini");
  CHECK_FALSE(r.ok);
  REQUIRE(sink.error);
  CHECK((*sink.error)["error"]["code"] == "timeout");
  CHECK(elapsed_ms(f) == 4000);
}

TEST_CASE("router stream: a malformed event is skipped and counted") {
  RouterFixture f;
  add_provider(f.config, "openai");
  f.faults.push_back(stream_rule("openai", FaultAction::Kind::kMalformedEvent, 1));
  CollectingStreamSink sink;
  RouteResult r = f.stream(sink, "openai/gpt-4o-mini");
  REQUIRE(r.ok);
  CHECK(sink.text() == "You said: hello there");
  CHECK(r.record.malformed_events == 1);
}

TEST_CASE("router stream: a finished message without [DONE] is completed by the gateway") {
  RouterFixture f;
  add_provider(f.config, "openai");
  f.faults.push_back(stream_rule("openai", FaultAction::Kind::kMissingDone));
  CollectingStreamSink sink;
  RouteResult r = f.stream(sink, "openai/gpt-4o-mini");
  REQUIRE(r.ok);
  CHECK(sink.done);
  CHECK(sink.chunks.back()["choices"][0]["finish_reason"] == "stop");
}

TEST_CASE("router stream: a caller that leaves mid-stream cancels the upstream") {
  RouterFixture f;
  add_provider(f.config, "openai");
  FaultRule slow = stream_rule("openai", FaultAction::Kind::kOk);
  slow.actions[0].token_interval = Millis(1000);
  f.faults.push_back(slow);
  CollectingStreamSink sink;
  sink.stop_after_chunks = 2;
  RouteResult r = f.stream(sink, "openai/gpt-4o-mini", {}, "a b c d e f g h");
  CHECK_FALSE(r.ok);
  CHECK(sink.chunks.size() == 2);
  CHECK(elapsed_ms(f) < 3000);
}
