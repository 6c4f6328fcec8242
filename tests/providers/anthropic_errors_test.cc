// Classification of realistic Anthropic error replies (wire-formats §3.6, §8.1).
#include "lib/providers/anthropic_errors.h"

#include <doctest/doctest.h>

#include "tests/providers/anthropic_test_support.h"

namespace understudy {
namespace {

Failure classify(int status, const std::string& body, Headers headers = {}) {
  headers.emplace_back("content-type", "application/json");
  HttpResponse r{status, std::move(headers), body};
  return anthropic_adapter().classify_error(r, WallTime{});
}

std::string error_body(const char* type, const char* message) {
  return std::string(R"({"type":"error","error":{"type":")") + type + R"(","message":")" + message +
         R"("},"request_id":"req_011CTx8PbN3vRk5YqL2mWd7H"})";
}

struct Expected {
  int status;
  const char* type;
  const char* message;
  FailureClass cls;
  const char* openai_type;
  const char* openai_code;  // "" = null
};

TEST_CASE("anthropic errors: every documented status and type is classified") {
  const Expected table[] = {
      {400, "invalid_request_error", "messages: text content blocks must be non-empty",
       FailureClass::kBadRequest, "invalid_request_error", ""},
      {400, "invalid_request_error", "prompt is too long: 215000 tokens > 200000 maximum",
       FailureClass::kContextLength, "invalid_request_error", "context_length_exceeded"},
      {400, "invalid_request_error",
       "input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000",
       FailureClass::kContextLength, "invalid_request_error", "context_length_exceeded"},
      {400, "invalid_request_error",
       "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing.",
       FailureClass::kQuota, "insufficient_quota", "insufficient_quota"},
      {400, "invalid_request_error", "Output blocked by content filtering policy",
       FailureClass::kContentPolicy, "invalid_request_error", "content_filter"},
      {401, "authentication_error", "invalid x-api-key", FailureClass::kAuth,
       "invalid_request_error", "invalid_api_key"},
      {402, "billing_error", "Your account has a billing problem", FailureClass::kQuota,
       "insufficient_quota", "insufficient_quota"},
      {403, "permission_error",
       "Your API key does not have permission to use the specified resource.", FailureClass::kAuth,
       "permission_error", ""},
      {404, "not_found_error", "model: claude-nonexistent", FailureClass::kModelUnavailable,
       "invalid_request_error", "model_not_found"},
      {413, "request_too_large", "Request exceeds the maximum allowed number of bytes.",
       FailureClass::kContextLength, "invalid_request_error", "request_too_large"},
      {429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit",
       FailureClass::kRateLimit, "rate_limit_error", "rate_limit_exceeded"},
      {500, "api_error", "Internal server error", FailureClass::kServer, "server_error", ""},
      {504, "timeout_error", "Request timed out", FailureClass::kServer, "server_error", "timeout"},
      {529, "overloaded_error", "Overloaded", FailureClass::kOverloaded, "server_error",
       "server_is_overloaded"},
      {418, "some_new_error", "teapot", FailureClass::kBadRequest, "invalid_request_error", ""},
      {502, "some_new_error", "bad gateway", FailureClass::kServer, "server_error", ""},
  };
  for (const Expected& e : table) {
    CAPTURE(e.status);
    CAPTURE(e.message);
    Failure f = classify(e.status, error_body(e.type, e.message));
    CHECK(f.cls == e.cls);
    CHECK(f.upstream_status == e.status);
    CHECK(f.message == e.message);
    CHECK(f.type == e.openai_type);
    CHECK(f.code == e.openai_code);
    CHECK(f.param.empty());
  }
}

TEST_CASE("anthropic errors: 429 carries the retry-after hint") {
  Failure f = classify(429, error_body("rate_limit_error", "slow down"), {{"retry-after", "17"}});
  CHECK(f.cls == FailureClass::kRateLimit);
  REQUIRE(f.retry_after.has_value());
  CHECK(f.retry_after->count() == 17000);
  Failure overloaded =
      classify(529, error_body("overloaded_error", "Overloaded"), {{"retry-after", "2"}});
  REQUIRE(overloaded.retry_after.has_value());
  CHECK(overloaded.retry_after->count() == 2000);
  CHECK(http_status_for(overloaded) == 503);
  CHECK_FALSE(classify(429, error_body("rate_limit_error", "x")).retry_after.has_value());
}

TEST_CASE("anthropic errors: a spend-limit 429 is quota, not a rate limit") {
  Failure f = classify(429, R"({"type":"error","error":{"type":"rate_limit_error",
    "message":"You have reached your specified API usage limits.",
    "details":{"error_code":"enforced_spend_limit_reached"}}})");
  CHECK(f.cls == FailureClass::kQuota);
}

TEST_CASE("anthropic errors: bodies that are not Anthropic errors fall back to the status") {
  Failure edge = classify(413, "<html><body>413 Request Entity Too Large</body></html>");
  CHECK(edge.cls == FailureClass::kContextLength);
  CHECK(edge.message.find("HTTP 413") != std::string::npos);
  CHECK(edge.message.find("Request Entity Too Large") != std::string::npos);
  CHECK(classify(503, "upstream connect error").cls == FailureClass::kOverloaded);
  CHECK(classify(500, "").cls == FailureClass::kServer);
  CHECK(classify(401, "").cls == FailureClass::kAuth);
  CHECK(classify(404, "{}").cls == FailureClass::kModelUnavailable);
  CHECK(classify(408, "").cls == FailureClass::kServer);
  CHECK(classify(422, "").cls == FailureClass::kBadRequest);
}

TEST_CASE("anthropic errors: stream error events are classified from the type alone") {
  CHECK(classify_anthropic_error(0, "overloaded_error", "Overloaded", "") ==
        FailureClass::kOverloaded);
  CHECK(classify_anthropic_error(0, "api_error", "x", "") == FailureClass::kServer);
  CHECK(classify_anthropic_error(0, "rate_limit_error", "x", "") == FailureClass::kRateLimit);
  CHECK(classify_anthropic_error(0, "invalid_request_error", "x", "") == FailureClass::kBadRequest);
  CHECK(classify_anthropic_error(0, "something_new", "x", "") == FailureClass::kServer);
}

}  // namespace
}  // namespace understudy
