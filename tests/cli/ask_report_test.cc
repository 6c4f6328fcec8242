#include "cli/ask_report.h"

#include <doctest/doctest.h>

#include "cli/ask_output.h"
#include "cli/ask_route.h"

using namespace understudy;
using namespace understudy::cli;

namespace {

AttemptRecord failed(const std::string& provider, const std::string& model, int target, int status,
                     FailureClass cls, const std::string& decision) {
  AttemptRecord a;
  a.provider = provider;
  a.model = model;
  a.target_index = target;
  a.status = status;
  a.failure = cls;
  a.message = "upstream said no";
  a.decision = decision;
  a.latency_ms = 103;
  return a;
}

AttemptRecord served(const std::string& provider, const std::string& model, int target) {
  AttemptRecord a;
  a.provider = provider;
  a.model = model;
  a.target_index = target;
  a.status = 200;
  a.latency_ms = 709;
  return a;
}

RequestRecord fallback_record() {
  RequestRecord r;
  r.ok = true;
  r.requested = "openai/gpt-4o-mini";
  r.chain = {"openai/gpt-4o-mini", "anthropic/claude-haiku-4-5"};
  r.provider = "anthropic";
  r.model = "claude-haiku-4-5";
  r.fallback_index = 1;
  r.latency_ms = 812;
  r.usage.total_tokens = 57;
  r.usage.present = true;
  r.attempts = {failed("openai", "gpt-4o-mini", 0, 429, FailureClass::kRateLimit, "next_target"),
                served("anthropic", "claude-haiku-4-5", 1)};
  return r;
}

bool has_escape(const std::string& s) { return s.find("\x1b[") != std::string::npos; }

}  // namespace

TEST_CASE("ask summary: served-by, the fallback reason, latency, tokens") {
  CHECK(format_summary(fallback_record(), Style{}) ==
        "anthropic/claude-haiku-4-5 · fallback 1 (openai: 429 rate_limit) · 812 ms · 57 tokens");
}

TEST_CASE("ask summary: retries of one target are counted, skips and cuts are named") {
  RequestRecord r = fallback_record();
  r.attempts.insert(r.attempts.begin(),
                    failed("openai", "gpt-4o-mini", 0, 429, FailureClass::kRateLimit, "retry"));
  r.usage.present = false;
  CHECK(format_summary(r, Style{}, {"length"}) ==
        "anthropic/claude-haiku-4-5 · fallback 1 (openai: 429 rate_limit ×2) · 812 ms · cut at "
        "max_tokens");
  RequestRecord retried;
  retried.provider = "flaky";
  retried.model = "m";
  retried.fallback_index = 0;
  retried.latency_ms = 12000;
  retried.attempts = {failed("flaky", "m", 0, 503, FailureClass::kOverloaded, "retry"),
                      served("flaky", "m", 0)};
  CHECK(format_summary(retried, Style{}) == "flaky/m · retry 1 (503 overloaded) · 12.0 s");
  RequestRecord mixed = fallback_record();
  mixed.attempts.insert(mixed.attempts.begin(), failed("openai", "gpt-4o-mini", 0, 503,
                                                       FailureClass::kOverloaded, "retry"));
  CHECK(
      format_summary(mixed, Style{}).find("fallback 1 (openai: 503 overloaded, 429 rate_limit)") !=
      std::string::npos);
  RequestRecord skipped = fallback_record();
  skipped.attempts[0] = AttemptRecord{};
  skipped.attempts[0].provider = "openai";
  skipped.attempts[0].model = "gpt-4o-mini";
  skipped.attempts[0].skipped = "no usable key";
  CHECK(format_summary(skipped, Style{}).find("fallback 1 (openai: skipped)") != std::string::npos);
}

TEST_CASE("ask summary: color only when asked for") {
  CHECK_FALSE(has_escape(format_summary(fallback_record(), Style{false})));
  std::string colored = format_summary(fallback_record(), Style{true});
  CHECK(has_escape(colored));
  CHECK(colored.find("fallback 1 (openai: 429 rate_limit)") != std::string::npos);
}

TEST_CASE("ask trail: one line per attempt, failures with decision and message") {
  AttemptRecord f =
      failed("openai", "gpt-4o-mini", 0, 429, FailureClass::kRateLimit, "next_target");
  f.key = "openai-1";
  f.retry_after_ms = 2000;
  f.hook = "fault:openai-429";
  CHECK(format_attempt(f, 1, Style{}) ==
        "[1] openai/gpt-4o-mini key openai-1: 429 rate_limit · 103 ms · retry-after 2000 ms · "
        "fall back · fault:openai-429 · upstream said no");
  AttemptRecord ok = served("anthropic", "claude-haiku-4-5", 1);
  ok.stream = true;
  ok.ttft_ms = 150;
  CHECK(format_attempt(ok, 2, Style{}) ==
        "[2] anthropic/claude-haiku-4-5: 200 ok · 709 ms · first token 150 ms");
  AttemptRecord skip;
  skip.provider = "gemini";
  skip.model = "gemini-2.5-flash";
  skip.skipped = "no usable key";
  CHECK(format_attempt(skip, 3, Style{}) == "[-] gemini/gemini-2.5-flash: skipped · no usable key");
  AttemptRecord timeout = failed("slow", "m", 0, 0, FailureClass::kTimeout, "next_target");
  timeout.message = "no response headers\nwithin 30000 ms";
  CHECK(format_attempt(timeout, 4, Style{}) ==
        "[4] slow/m: timeout · 103 ms · fall back · no response headers within 30000 ms");
}

TEST_CASE("ask plan line: the requested name and its chain") {
  CHECK(format_plan("demo", {"a/x", "b/y"}) == "asking demo: a/x, then b/y");
  CHECK(format_plan("a/x", {"a/x", "b/y", "c/z"}) == "asking a/x, then b/y, c/z");
  CHECK(format_plan("a/x", {"a/x"}) == "asking a/x");
}

TEST_CASE("ask failure: the primary's error first, then the fallbacks") {
  RequestRecord r;
  r.chain = {"openai/gpt-4o-mini", "anthropic/claude-haiku-4-5", "gemini/gemini-2.5-flash"};
  r.attempts = {failed("openai", "gpt-4o-mini", 0, 429, FailureClass::kRateLimit, "next_target"),
                failed("anthropic", "claude-haiku-4-5", 1, 529, FailureClass::kOverloaded, "retry"),
                failed("anthropic", "claude-haiku-4-5", 1, 529, FailureClass::kOverloaded, "stop")};
  r.attempts[1].message = r.attempts[2].message = "Overloaded";
  Json error = {{"error", {{"message", "upstream said no"}, {"type", "requests"}}}};
  CHECK(format_failure(r, error, Style{}) ==
        "understudy ask: every target failed\n"
        "  primary  openai/gpt-4o-mini: 429 rate_limit: upstream said no\n"
        "  fallback anthropic/claude-haiku-4-5: 529 overloaded ×2: Overloaded\n"
        "  fallback gemini/gemini-2.5-flash: not tried\n");
}

TEST_CASE("ask failure: with nothing tried, the router's message is the error") {
  RequestRecord r;
  r.attempts.push_back(AttemptRecord{});
  r.attempts[0].skipped = "no usable key";
  Json error = {{"error", {{"message", "no target in the chain could be tried"}}}};
  CHECK(format_failure(r, error, Style{}) ==
        "understudy ask: no target in the chain could be tried\n");
}

TEST_CASE("ask --via: extra_fields rebuild the record the summary needs") {
  Json extra = Json::parse(R"({
    "provider": "anthropic", "model": "claude-haiku-4-5", "requested": "openai/gpt-4o-mini",
    "fallback_index": 1, "latency_ms": 812,
    "attempts": [
      {"provider": "openai", "model": "gpt-4o-mini", "key": "openai-1", "status": 429,
       "class": "rate_limit", "message": "slow down", "decision": "retry", "latency_ms": 50},
      {"provider": "openai", "model": "gpt-4o-mini", "key": "openai-1", "status": 429,
       "class": "rate_limit", "decision": "next_target", "latency_ms": 53},
      {"provider": "anthropic", "model": "claude-haiku-4-5", "status": 200, "latency_ms": 709,
       "ttft_ms": 90}]})");
  Json usage = {{"prompt_tokens", 40}, {"completion_tokens", 17}, {"total_tokens", 57}};
  RequestRecord r = record_from_extra_fields(extra, usage);
  CHECK(r.ok);
  CHECK(r.chain == std::vector<std::string>{"openai/gpt-4o-mini", "anthropic/claude-haiku-4-5"});
  REQUIRE(r.attempts.size() == 3);
  CHECK(r.attempts[1].target_index == 0);
  CHECK(r.attempts[2].target_index == 1);
  CHECK(r.attempts[0].failure == FailureClass::kRateLimit);
  CHECK(r.attempts[0].message == "slow down");
  CHECK(r.attempts[2].ok());
  CHECK(r.attempts[2].ttft_ms == 90);
  CHECK(format_summary(r, Style{}) ==
        "anthropic/claude-haiku-4-5 · fallback 1 (openai: 429 rate_limit ×2) · 812 ms · 57 tokens");
  RequestRecord empty = record_from_extra_fields(Json("not an object"), Json());
  CHECK_FALSE(empty.ok);
  CHECK(empty.attempts.empty());
}

TEST_CASE("ask output: color needs a terminal, no NO_COLOR, and a TERM that is not dumb") {
  CHECK(color_allowed(true, std::nullopt, std::string("xterm-256color")));
  CHECK(color_allowed(true, std::string(""), std::nullopt));
  CHECK_FALSE(color_allowed(false, std::nullopt, std::string("xterm")));
  CHECK_FALSE(color_allowed(true, std::string("1"), std::string("xterm")));
  CHECK_FALSE(color_allowed(true, std::nullopt, std::string("dumb")));
}

TEST_CASE("ask output: the answer ends with one newline, and a note ends a shared line") {
  char out_buf[256] = {}, err_buf[256] = {};
  std::FILE* out = fmemopen(out_buf, sizeof out_buf, "w");
  std::FILE* err = fmemopen(err_buf, sizeof err_buf, "w");
  REQUIRE(out);
  REQUIRE(err);
  {
    AskOutput o(out, err, /*shared_output=*/true, Style{});
    CHECK(o.write_text("You said"));
    o.note("[1] a/b: 200 ok");
    CHECK(o.write_text("!"));
    o.end_text();
    o.end_text();
    CHECK(o.wrote_text());
  }
  std::fclose(out);
  std::fclose(err);
  CHECK(std::string(out_buf) == "You said\n!\n");
  CHECK(std::string(err_buf) == "[1] a/b: 200 ok\n");
}

TEST_CASE("ask trail: skipped targets take no number") {
  char err_buf[512] = {};
  std::FILE* out = std::fopen("/dev/null", "w");
  std::FILE* err = fmemopen(err_buf, sizeof err_buf, "w");
  REQUIRE(out);
  REQUIRE(err);
  {
    AskOutput o(out, err, false, Style{});
    TrailPrinter trail(o);
    RequestRecord r;
    AttemptRecord skip;
    skip.provider = "gemini";
    skip.model = "g";
    skip.skipped = "no usable key";
    trail.on_attempt(r, failed("openai", "o", 0, 503, FailureClass::kOverloaded, "next_target"));
    trail.on_attempt(r, skip);
    trail.on_attempt(r, served("anthropic", "a", 2));
  }
  std::fclose(out);
  std::fclose(err);
  std::string text(err_buf);
  CHECK(text.find("[1] openai/o: 503 overloaded") == 0);
  CHECK(text.find("\n[-] gemini/g: skipped · no usable key\n[2] anthropic/a: 200 ok") !=
        std::string::npos);
}
