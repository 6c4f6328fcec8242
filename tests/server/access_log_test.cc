#include "lib/server/access_log.h"

#include <doctest/doctest.h>

#include "lib/core/virtual_clock.h"

using namespace understudy;

namespace {

RequestRecord sample() {
  RequestRecord r;
  r.request_id = "req-1";
  r.requested = "smart";
  r.ok = true;
  r.http_status = 200;
  r.provider = "anthropic";
  r.model = "claude-haiku-4-5";
  r.fallback_index = 1;
  r.latency_ms = 812;
  r.fallbacks = 1;
  AttemptRecord a;
  a.provider = "openai";
  a.model = "gpt-4o";
  a.key = "openai-1";
  a.status = 429;
  a.failure = FailureClass::kRateLimit;
  a.message = "Rate limit reached";
  AttemptRecord b;
  b.provider = "anthropic";
  b.model = "claude-haiku-4-5";
  b.key = "client";
  b.status = 200;
  r.attempts = {a, b};
  return r;
}

}  // namespace

TEST_CASE("access log: one logfmt line per request with the trail") {
  VirtualClock clock;
  std::vector<std::string> lines;
  AccessLog log([&](const std::string& l) { lines.push_back(l); }, LogFormat::kLogfmt, clock);
  log.on_request(sample());
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] ==
        "ts=2026-01-01T00:00:00.000Z msg=request id=req-1 requested=smart stream=false "
        "status=200 provider=anthropic model=claude-haiku-4-5 fallback_index=1 attempts=2 "
        "retries=0 fallbacks=1 latency_ms=812 "
        "trail=openai/gpt-4o:429:rate_limit,anthropic/claude-haiku-4-5:200\n");
}

TEST_CASE("access log: json lines carry the attempt array with key names only") {
  VirtualClock clock;
  std::vector<std::string> lines;
  AccessLog log([&](const std::string& l) { lines.push_back(l); }, LogFormat::kJson, clock);
  log.on_request(sample());
  REQUIRE(lines.size() == 1);
  Json j = Json::parse(lines[0]);
  CHECK(j["msg"] == "request");
  CHECK(j["status"] == 200);
  CHECK(j["attempts"][0]["key"] == "openai-1");
  CHECK(j["attempts"][1]["key"] == "client");
  CHECK(j["attempts"][0]["class"] == "rate_limit");
}

TEST_CASE("access log: refusals before routing are logged with their reason") {
  VirtualClock clock;
  std::vector<std::string> lines;
  AccessLog log([&](const std::string& l) { lines.push_back(l); }, LogFormat::kLogfmt, clock);
  log.log_rejected("req-2", "/v1/chat/completions", 400, "bad_request", "messages[0].role");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] ==
        "ts=2026-01-01T00:00:00.000Z msg=rejected id=req-2 path=/v1/chat/completions status=400 "
        "reason=bad_request param=messages[0].role\n");
}

TEST_CASE("access log: logfmt values with spaces, quotes or equals signs are quoted") {
  CHECK(logfmt_value("plain") == "plain");
  CHECK(logfmt_value("") == "\"\"");
  CHECK(logfmt_value("two words") == "\"two words\"");
  CHECK(logfmt_value("a=b") == "\"a=b\"");
  CHECK(logfmt_value("say \"hi\"") == "\"say \\\"hi\\\"\"");
}

TEST_CASE("access log: control characters in logfmt values are escaped, never written raw") {
  // The requested model is caller-chosen text; a raw CR or ESC would rewrite the log line.
  CHECK(logfmt_value("a\nb") == "\"a\\nb\"");
  CHECK(logfmt_value("a\rb\tc") == "\"a\\rb\\tc\"");
  CHECK(logfmt_value("\x1b[31mred") == "\"\\x1b[31mred\"");
  CHECK(logfmt_value(std::string("x\x7fy")) == "\"x\\x7fy\"");
}
