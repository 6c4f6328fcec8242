// Each adapter (OpenAI, Anthropic, Gemini) through the real Router and HttpTransport against
// the fake provider server on loopback: the requests the adapters build must pass the
// server's strictness checks, and each failure the server produces must come back with the
// right class, status, message and trail. Real clock, tiny backoffs.
#include <doctest/doctest.h>

#include <chrono>

#include "mocks/fake_validate.h"
#include "tests/support/loopback_fixture.h"

using namespace understudy;
using namespace understudy::testing;
using namespace std::chrono_literals;

namespace {

struct Wire {
  const char* provider;
  const char* model;
  int overloaded_status;     // how the provider says "overloaded"
  int auth_status;           // how it rejects a bad key
  std::int64_t retry_hint;   // Retry-After of 100 ms as the client reads it back
  const char* context_text;  // a phrase of its context-overflow message
  bool prefill;              // can continue an assistant prefix
};

const Wire kWires[] = {
    {"openai", "gpt-4o-mini", 503, 401, 100, "maximum context length", false},
    // Anthropic's retry-after is in whole seconds: 100 ms is announced as 1 s.
    {"anthropic", "claude-haiku-4-5", 529, 401, 1000, "prompt is too long", true},
    {"gemini", "gemini-2.5-flash", 503, 400, 100, "exceeds the maximum number of tokens", false},
};

std::string ref(const Wire& w) { return std::string(w.provider) + "/" + w.model; }

FaultRule once(FaultRule r) {
  r.times = 1;
  return r;
}

std::int64_t millis_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t)
      .count();
}

}  // namespace

TEST_CASE("adapter loopback: each adapter's request passes the strict fake and succeeds") {
  for (const Wire& w : kWires) {
    CAPTURE(w.provider);
    LoopbackFixture f;
    REQUIRE(f.started);
    RouteResult r = f.complete(ref(w), {}, "ping over loopback");
    REQUIRE(r.ok);
    CHECK(r.response.text() == "You said: ping over loopback");
    CHECK(r.response.body["object"] == "chat.completion");
    CHECK(r.response.body["extra_fields"]["provider"] == w.provider);
    REQUIRE(r.record.attempts.size() == 1);
    CHECK(r.record.attempts[0].status == 200);
    std::vector<LoggedRequest> log = f.server.requests();
    REQUIRE(log.size() == 1);
    CHECK(log[0].format == w.provider);
    CHECK(log[0].model == w.model);
    CHECK(log[0].rejection.empty());
    CHECK(log[0].auth_fingerprint == credential_fingerprint(loopback_key(w.provider)));
    CHECK(log[0].outcome == "complete");
  }
}

TEST_CASE("adapter loopback: a 429 with Retry-After is honoured and recorded") {
  for (const Wire& w : kWires) {
    CAPTURE(w.provider);
    LoopbackFixture f({once(loopback_rule(w.provider, error_action(429, "", Millis(100))))});
    auto start = std::chrono::steady_clock::now();
    RouteResult r = f.complete(ref(w));
    REQUIRE(r.ok);
    REQUIRE(r.record.attempts.size() == 2);
    const AttemptRecord& first = r.record.attempts[0];
    CHECK(first.status == 429);
    CHECK(first.failure == FailureClass::kRateLimit);
    CHECK(first.retry_after_ms == w.retry_hint);
    CHECK(first.decision == "retry");
    CHECK(r.record.attempts[1].try_number == 2);
    CHECK(r.record.provider == w.provider);
    CHECK(millis_since(start) >= w.retry_hint);
    std::vector<LoggedRequest> log = f.server.requests();
    REQUIRE(log.size() == 2);
    CHECK(log[1].attempt == 2);  // the retry resent the very same request
  }
}

TEST_CASE("adapter loopback: overloaded (529 / 503) is retried on the same target") {
  for (const Wire& w : kWires) {
    CAPTURE(w.provider);
    LoopbackFixture f({once(loopback_rule(w.provider, error_action(w.overloaded_status)))});
    RouteResult r = f.complete(ref(w));
    REQUIRE(r.ok);
    REQUIRE(r.record.attempts.size() == 2);
    CHECK(r.record.attempts[0].status == w.overloaded_status);
    CHECK(r.record.attempts[0].failure == FailureClass::kOverloaded);
    CHECK(r.record.attempts[0].decision == "retry");
    CHECK(r.record.retries == 1);
  }
}

TEST_CASE("adapter loopback: a rejected key is an auth failure returned to the caller") {
  for (const Wire& w : kWires) {
    CAPTURE(w.provider);
    LoopbackFixture f({loopback_rule(w.provider, error_action(0, "auth"))});
    RouteResult r = f.complete(ref(w));
    CHECK_FALSE(r.ok);
    CHECK(r.http_status == w.auth_status);
    REQUIRE(r.record.attempts.size() == 1);
    CHECK(r.record.attempts[0].failure == FailureClass::kAuth);
    CHECK(r.record.attempts[0].status == w.auth_status);
    std::string message = r.error["error"]["message"].get<std::string>();
    CHECK_FALSE(message.empty());
    CHECK(message.find(loopback_key(w.provider)) == std::string::npos);
  }
}

TEST_CASE("adapter loopback: model not found and context overflow move on, never retry") {
  for (const Wire& w : kWires) {
    CAPTURE(w.provider);
    LoopbackFixture f({loopback_rule(w.provider, error_action(404, "model_unavailable"))});
    RouteResult missing = f.complete(ref(w));
    CHECK_FALSE(missing.ok);
    CHECK(missing.http_status == 404);
    REQUIRE(missing.record.attempts.size() == 1);
    CHECK(missing.record.attempts[0].failure == FailureClass::kModelUnavailable);
    CHECK(missing.error["error"]["message"].get<std::string>().find(w.model) != std::string::npos);

    LoopbackFixture g({loopback_rule(w.provider, error_action(400, "context_length"))});
    std::string other =
        std::string(w.provider) == "openai" ? "gemini/gemini-2.5-pro" : "openai/gpt-4o";
    RouteResult overflow = g.complete(ref(w), {other});
    REQUIRE(overflow.ok);
    REQUIRE(overflow.record.attempts.size() == 2);
    const AttemptRecord& first = overflow.record.attempts[0];
    CHECK(first.failure == FailureClass::kContextLength);
    CHECK(first.status == 400);
    CHECK(first.decision == "next_target");
    CHECK(first.message.find(w.context_text) != std::string::npos);
    CHECK(overflow.record.fallback_index == 1);
  }
}

TEST_CASE("adapter loopback: a stream is translated to OpenAI chunks") {
  for (const Wire& w : kWires) {
    CAPTURE(w.provider);
    LoopbackFixture f;
    CollectingStreamSink sink;
    RouteResult r = f.stream(sink, ref(w), {}, "stream me please");
    REQUIRE(r.ok);
    CHECK(sink.committed);
    CHECK(sink.done);
    CHECK(sink.text() == "You said: stream me please");
    CHECK(sink.chunks.size() >= 4);
    CHECK(sink.chunks.front()["object"] == "chat.completion.chunk");
    CHECK(f.server.requests().at(0).stream);
  }
}

TEST_CASE("adapter loopback: an error event before content is a failed attempt, then a retry") {
  for (const Wire& w : kWires) {
    CAPTURE(w.provider);
    LoopbackFixture f(
        {once(loopback_rule(w.provider, stream_action(FaultAction::Kind::kStreamError, 0)))});
    CollectingStreamSink sink;
    RouteResult r = f.stream(sink, ref(w));
    REQUIRE(r.ok);
    CHECK(sink.text() == "You said: hello there");
    REQUIRE(r.record.attempts.size() == 2);
    CHECK(r.record.attempts[0].failure == FailureClass::kOverloaded);
    CHECK(r.record.attempts[0].decision == "retry");
    CHECK(r.record.attempts[1].ok());
  }
}

TEST_CASE(
    "adapter loopback: a stream cut before content is retried; after content it is "
    "continued or reported") {
  for (const Wire& w : kWires) {
    CAPTURE(w.provider);
    LoopbackFixture f(
        {once(loopback_rule(w.provider, stream_action(FaultAction::Kind::kStreamCut, 0)))});
    CollectingStreamSink early;
    RouteResult r = f.stream(early, ref(w));
    REQUIRE(r.ok);
    CHECK(early.text() == "You said: hello there");
    REQUIRE(r.record.attempts.size() == 2);
    CHECK(r.record.attempts[0].failure == FailureClass::kNetwork);

    LoopbackFixture g(
        {once(loopback_rule(w.provider, stream_action(FaultAction::Kind::kStreamCut, 2)))});
    CollectingStreamSink late;
    RouteResult cut = g.stream(late, ref(w), {}, "one two three four");
    CHECK(late.committed);
    if (w.prefill) {
      // The same target continues the assistant prefix: the caller sees one whole answer.
      REQUIRE(cut.ok);
      CHECK(cut.record.continued);
      CHECK(late.text() == "You said: one two three four");
      CHECK(g.server.requests().size() == 2);
    } else {
      CHECK_FALSE(cut.ok);
      CHECK(cut.record.failed_after_commit);
      REQUIRE(late.error.has_value());
      CHECK(late.text() == "You said:");
      CHECK_FALSE(late.done);
    }
  }
}
