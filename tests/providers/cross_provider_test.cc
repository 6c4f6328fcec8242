// Cross-provider fallback over loopback: the primary (OpenAI format) is rate limited, a
// provider speaking another wire format answers, and the caller still gets an OpenAI-shaped
// answer saying who served. Real Router, HttpTransport and fake provider server.
#include <doctest/doctest.h>

#include "tests/support/loopback_fixture.h"

using namespace understudy;
using namespace understudy::testing;

namespace {

struct Target {
  const char* provider;
  const char* model;
};

const Target kTargets[] = {{"anthropic", "claude-haiku-4-5"}, {"gemini", "gemini-2.5-flash"}};

std::string ref(const Target& t) { return std::string(t.provider) + "/" + t.model; }

// The primary is rate limited and not retried, so the trail is short and exact.
LoopbackFixture& rate_limited_openai(LoopbackFixture& f) {
  f.config.providers["openai"].retry.max_retries = 0;
  return f;
}

}  // namespace

TEST_CASE("cross provider: openai 429 falls back to another wire format, OpenAI-shaped answer") {
  for (const Target& t : kTargets) {
    CAPTURE(t.provider);
    LoopbackFixture f({loopback_rule("openai", error_action(429))});
    RouteResult r = rate_limited_openai(f).complete("openai/gpt-4o-mini", {ref(t)}, "fall over");
    REQUIRE(r.ok);
    const Json& body = r.response.body;
    CHECK(body["object"] == "chat.completion");
    CHECK(body["model"] == t.model);
    CHECK(body["choices"][0]["message"]["role"] == "assistant");
    CHECK(body["choices"][0]["message"]["content"] == "You said: fall over");
    CHECK(body["choices"][0]["finish_reason"] == "stop");
    CHECK(body["usage"]["completion_tokens"] == 4);
    const Json& x = body["extra_fields"];
    CHECK(x["provider"] == t.provider);
    CHECK(x["model"] == t.model);
    CHECK(x["requested"] == "openai/gpt-4o-mini");
    CHECK(x["fallback_index"] == 1);
    REQUIRE(x["attempts"].size() == 2);
    CHECK(x["attempts"][0]["provider"] == "openai");
    CHECK(x["attempts"][0]["status"] == 429);
    CHECK(x["attempts"][0]["class"] == "rate_limit");
    CHECK(x["attempts"][0]["decision"] == "next_target");
    CHECK(x["attempts"][1]["provider"] == t.provider);
    CHECK(x["attempts"][1]["status"] == 200);
    std::vector<LoggedRequest> log = f.server.requests();
    REQUIRE(log.size() == 2);
    CHECK(log[0].format == "openai");
    CHECK(log[0].status == 429);
    CHECK(log[1].format == t.provider);
    CHECK(log[1].status == 200);
  }
}

TEST_CASE("cross provider: a streaming request falls back and streams OpenAI chunks") {
  for (const Target& t : kTargets) {
    CAPTURE(t.provider);
    LoopbackFixture f({loopback_rule("openai", error_action(429))});
    CollectingStreamSink sink;
    RouteResult r =
        rate_limited_openai(f).stream(sink, "openai/gpt-4o-mini", {ref(t)}, "stream over");
    REQUIRE(r.ok);
    CHECK(sink.committed);
    CHECK(sink.commit_record.provider == t.provider);
    CHECK(sink.commit_record.fallback_index == 1);
    CHECK(sink.done);
    CHECK(sink.text() == "You said: stream over");
    for (const Json& chunk : sink.chunks) {
      CHECK(chunk["object"] == "chat.completion.chunk");
      CHECK(chunk["model"] == t.model);
    }
    REQUIRE(r.record.attempts.size() == 2);
    CHECK(r.record.attempts[0].failure == FailureClass::kRateLimit);
    CHECK(r.record.attempts[1].stream);
    std::vector<LoggedRequest> log = f.server.requests();
    REQUIRE(log.size() == 2);
    CHECK(log[1].stream);
  }
}

TEST_CASE("cross provider: one chain through all three wire formats") {
  LoopbackFixture f({loopback_rule("openai", error_action(503)),
                     loopback_rule("gemini", error_action(429, "", Millis(30000)))});
  f.config.providers["openai"].retry.max_retries = 1;
  RouteResult r = f.complete("openai/gpt-4o-mini",
                             {"gemini/gemini-2.5-flash", "anthropic/claude-haiku-4-5"}, "relay");
  REQUIRE(r.ok);
  CHECK(r.response.text() == "You said: relay");
  CHECK(r.record.provider == "anthropic");
  CHECK(r.record.fallback_index == 2);
  REQUIRE(r.record.attempts.size() == 4);
  CHECK(r.record.attempts[0].decision == "retry");
  CHECK(r.record.attempts[1].decision == "next_target");
  // A 30 s hint is too long to wait for while a later target exists.
  CHECK(r.record.attempts[2].retry_after_ms == 30000);
  CHECK(r.record.attempts[2].decision == "next_target");
  CHECK(r.record.attempts[3].provider == "anthropic");
}
