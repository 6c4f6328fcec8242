#include "lib/server/metrics.h"

#include <doctest/doctest.h>

#include "tests/support/text.h"

using namespace understudy;
using understudy::testing::contains;

namespace {

AttemptRecord attempt(const std::string& provider, std::optional<FailureClass> f,
                      const std::string& decision, std::int64_t ms) {
  AttemptRecord a;
  a.provider = provider;
  a.model = "model-a";
  a.failure = f;
  a.decision = decision;
  a.latency_ms = ms;
  a.status = f ? 503 : 200;
  return a;
}

}  // namespace

TEST_CASE("metrics: attempts, retries and fallbacks are counted by failure class") {
  Metrics m;
  RequestRecord r;
  m.on_attempt(r, attempt("openai", FailureClass::kOverloaded, "retry", 20));
  m.on_attempt(r, attempt("openai", FailureClass::kOverloaded, "next_target", 30));
  m.on_attempt(r, attempt("anthropic", std::nullopt, "", 700));
  AttemptRecord skipped;
  skipped.provider = "gemini";
  skipped.model = "gemini-x";
  skipped.skipped = "no key";
  m.on_attempt(r, skipped);
  CHECK(m.counter("understudy_attempts_total", {"openai", "model-a", "overloaded"}) == 2);
  CHECK(m.counter("understudy_attempts_total", {"anthropic", "model-a", "ok"}) == 1);
  CHECK(m.counter("understudy_attempts_total", {"gemini", "gemini-x", "skipped"}) == 1);
  CHECK(m.counter("understudy_retries_total", {"openai", "overloaded"}) == 1);
  CHECK(m.counter("understudy_fallbacks_total", {"openai", "overloaded"}) == 1);
  std::string text = m.render({});
  CHECK(contains(
      text,
      "understudy_upstream_attempt_duration_seconds_bucket{provider=\"openai\",le=\"0.025\"} 1\n"));
  CHECK(contains(
      text,
      "understudy_upstream_attempt_duration_seconds_bucket{provider=\"openai\",le=\"0.05\"} 2\n"));
  CHECK(contains(text,
                 "understudy_upstream_attempt_duration_seconds_count{provider=\"openai\"} 2\n"));
  CHECK_FALSE(contains(text, "provider=\"gemini\",le="));  // skipped targets have no latency
}

TEST_CASE("metrics: requests are counted by served provider, model and status") {
  Metrics m;
  RequestRecord ok;
  ok.ok = true;
  ok.http_status = 200;
  ok.provider = "anthropic";
  ok.model = "claude-haiku-4-5";
  ok.latency_ms = 812;
  ok.stream = true;
  ok.ttft_ms = 90;
  m.on_request(ok);
  RequestRecord failed;
  failed.http_status = 429;
  failed.latency_ms = 5;
  m.on_request(failed);
  CHECK(m.counter("understudy_requests_total", {"anthropic", "claude-haiku-4-5", "200", "true"}) ==
        1);
  CHECK(m.counter("understudy_requests_total", {"none", "none", "429", "false"}) == 1);
  std::string text = m.render({3, 7});
  CHECK(contains(text, "# TYPE understudy_requests_total counter\n"));
  CHECK(contains(text, "# TYPE understudy_request_duration_seconds histogram\n"));
  CHECK(contains(text, "understudy_request_duration_seconds_bucket{stream=\"true\",le=\"1\"} 1\n"));
  CHECK(
      contains(text, "understudy_request_duration_seconds_bucket{stream=\"true\",le=\"0.5\"} 0\n"));
  CHECK(contains(text,
                 "understudy_request_duration_seconds_bucket{stream=\"true\",le=\"+Inf\"} 1\n"));
  CHECK(contains(text, "understudy_request_duration_seconds_sum{stream=\"true\"} 0.812\n"));
  CHECK(contains(text, "understudy_time_to_first_token_seconds_count{provider=\"anthropic\"} 1\n"));
  CHECK(contains(text, "understudy_requests_in_flight 3\n"));
  CHECK(contains(text, "understudy_requests_queued 7\n"));
  CHECK(contains(text, "understudy_stream_failed_after_commit_total 0\n"));
}

TEST_CASE("metrics: stream outcomes and rejections have their own counters") {
  Metrics m;
  RequestRecord r;
  r.stream = true;
  r.http_status = 200;
  r.failed_after_commit = true;
  r.provider = "openai";
  r.model = "gpt-4o";
  r.malformed_events = 2;
  m.on_request(r);
  m.count_rejected("body_too_large");
  std::string text = m.render({});
  CHECK(contains(text, "understudy_stream_failed_after_commit_total 1\n"));
  CHECK(contains(text, "understudy_stream_malformed_events_total 2\n"));
  CHECK(contains(text, "understudy_rejected_total{reason=\"body_too_large\"} 1\n"));
}

TEST_CASE("metrics: label values are escaped") {
  CHECK(escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
}

TEST_CASE("metrics: caller-chosen model names are capped so the series count stays bounded") {
  understudy::Metrics m;
  for (std::size_t i = 0; i < understudy::Metrics::kMaxModelLabels + 50; ++i) {
    understudy::RequestRecord r;
    r.ok = true;
    r.http_status = 200;
    r.provider = "openai";
    r.model = "model-" + std::to_string(i);
    m.on_request(r);
  }
  CHECK(m.counter("understudy_requests_total", {"openai", "model-0", "200", "false"}) == 1);
  CHECK(m.counter("understudy_requests_total", {"openai", "model-499", "200", "false"}) == 1);
  CHECK(m.counter("understudy_requests_total", {"openai", "model-500", "200", "false"}) == 0);
  CHECK(m.counter("understudy_requests_total", {"openai", "_other", "200", "false"}) == 50);
}
