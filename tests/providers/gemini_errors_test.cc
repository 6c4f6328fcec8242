// Classification of realistic Gemini error replies (wire-formats §4.6, §8.1).
#include <doctest/doctest.h>

#include "lib/providers/gemini.h"

using namespace understudy;

namespace {

Failure classify(int status, const std::string& body, Headers headers = {}) {
  return gemini_adapter().classify_error(HttpResponse{status, std::move(headers), body},
                                         WallTime{});
}

std::string google_error(int code, const char* status, const char* message,
                         const char* details = "[]") {
  return std::string(R"({"error": {"code": )") + std::to_string(code) + R"(, "message": ")" +
         message + R"(", "status": ")" + status + R"(", "details": )" + details + "}}";
}

}  // namespace

TEST_CASE("gemini errors: 429 RESOURCE_EXHAUSTED is a rate limit with RetryInfo's delay") {
  Failure f = classify(429, R"({"error": {"code": 429,
    "message": "You exceeded your current quota, please check your plan and billing details.",
    "status": "RESOURCE_EXHAUSTED",
    "details": [
      {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
       "violations": [{"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                       "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                       "quotaDimensions": {"location": "global", "model": "gemini-2.5-flash"},
                       "quotaValue": "10"}]},
      {"@type": "type.googleapis.com/google.rpc.Help",
       "links": [{"description": "Learn more", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
      {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "38s"}]}})");
  CHECK(f.cls == FailureClass::kRateLimit);
  CHECK(f.upstream_status == 429);
  CHECK(f.type == "rate_limit_error");
  CHECK(f.code == "rate_limit_exceeded");
  REQUIRE(f.retry_after.has_value());
  CHECK(f.retry_after->count() == 38000);
  CHECK(f.message.find("exceeded your current quota") != std::string::npos);
}

TEST_CASE("gemini errors: a per-day quota violation is quota, not a rate limit") {
  Failure f =
      classify(429, google_error(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.",
                                 R"([{"@type": "type.googleapis.com/google.rpc.QuotaFailure",
                             "violations": [{"quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                                             "quotaValue": "250"}]},
                            {"@type": "type.googleapis.com/google.rpc.RetryInfo",
                             "retryDelay": "0.5s"}])"));
  CHECK(f.cls == FailureClass::kQuota);
  CHECK(f.type == "insufficient_quota");
  CHECK(f.code == "insufficient_quota");
  REQUIRE(f.retry_after.has_value());
  CHECK(f.retry_after->count() == 500);
}

TEST_CASE("gemini errors: without RetryInfo a Retry-After header is used") {
  Failure f = classify(429, google_error(429, "RESOURCE_EXHAUSTED", "Resource exhausted."),
                       {{"Retry-After", "7"}});
  CHECK(f.cls == FailureClass::kRateLimit);
  REQUIRE(f.retry_after.has_value());
  CHECK(f.retry_after->count() == 7000);
  CHECK_FALSE(classify(429, google_error(429, "RESOURCE_EXHAUSTED", "x")).retry_after);
}

TEST_CASE("gemini errors: 400 INVALID_ARGUMENT cases are told apart") {
  Failure key = classify(
      400, google_error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                        R"([{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                                "reason": "API_KEY_INVALID",
                                                "domain": "googleapis.com",
                                                "metadata": {"service": "generativelanguage.googleapis.com"}}])"));
  CHECK(key.cls == FailureClass::kAuth);
  CHECK(key.code == "invalid_api_key");
  CHECK(key.type == "invalid_request_error");

  Failure overflow = classify(
      400, google_error(400, "INVALID_ARGUMENT",
                        "The input token count (1523410) exceeds the maximum number of tokens "
                        "allowed (1048576)."));
  CHECK(overflow.cls == FailureClass::kContextLength);
  CHECK(overflow.code == "context_length_exceeded");

  Failure bad =
      classify(400, google_error(400, "INVALID_ARGUMENT",
                                 "Invalid JSON payload received. Unknown name \\\"max_tokens\\\"",
                                 R"([{"@type": "type.googleapis.com/google.rpc.BadRequest",
                                                "fieldViolations": [{"description": "Unknown name"}]}])"));
  CHECK(bad.cls == FailureClass::kBadRequest);
  CHECK(bad.type == "invalid_request_error");
  CHECK(bad.code.empty());
  CHECK(bad.message.find("Unknown name") != std::string::npos);
}

TEST_CASE("gemini errors: FAILED_PRECONDITION is a bad request with its own code") {
  Failure f = classify(400, google_error(400, "FAILED_PRECONDITION",
                                         "User location is not supported for the API use."));
  CHECK(f.cls == FailureClass::kBadRequest);
  CHECK(f.code == "failed_precondition");
}

TEST_CASE("gemini errors: UNAUTHENTICATED and PERMISSION_DENIED are auth failures") {
  Failure unauth = classify(
      401, google_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."));
  CHECK(unauth.cls == FailureClass::kAuth);
  CHECK(unauth.code == "invalid_api_key");
  Failure denied = classify(
      403, google_error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers."));
  CHECK(denied.cls == FailureClass::kAuth);
  CHECK(denied.type == "permission_error");
  CHECK(denied.code.empty());
  CHECK(http_status_for(denied) == 403);
}

TEST_CASE("gemini errors: NOT_FOUND is model_unavailable") {
  Failure f = classify(404, google_error(404, "NOT_FOUND",
                                         "models/gemini-9-ultra is not found for API version "
                                         "v1beta, or is not supported for generateContent."));
  CHECK(f.cls == FailureClass::kModelUnavailable);
  CHECK(f.code == "model_not_found");
  CHECK(f.type == "invalid_request_error");
}

TEST_CASE("gemini errors: server-side statuses") {
  Failure internal =
      classify(500, google_error(500, "INTERNAL", "An internal error has occurred."));
  CHECK(internal.cls == FailureClass::kServer);
  CHECK(internal.type == "server_error");
  CHECK(internal.code.empty());
  Failure unavailable = classify(503, google_error(503, "UNAVAILABLE", "The model is overloaded."));
  CHECK(unavailable.cls == FailureClass::kOverloaded);
  CHECK(unavailable.code == "server_is_overloaded");
  CHECK(http_status_for(unavailable) == 503);
  Failure deadline = classify(504, google_error(504, "DEADLINE_EXCEEDED", "Deadline expired."));
  CHECK(deadline.cls == FailureClass::kServer);
  CHECK(deadline.code == "timeout");
  CHECK(classify(499, google_error(499, "CANCELLED", "cancelled")).cls == FailureClass::kServer);
}

TEST_CASE("gemini errors: Vertex array-wrapped bodies are understood") {
  Failure f = classify(429, R"([{"error": {"code": 429, "message": "Resource exhausted.",
      "status": "RESOURCE_EXHAUSTED", "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo",
      "retryDelay": "2s"}]}}])");
  CHECK(f.cls == FailureClass::kRateLimit);
  REQUIRE(f.retry_after.has_value());
  CHECK(f.retry_after->count() == 2000);
}

TEST_CASE("gemini errors: bodies that are not Gemini errors fall back to the HTTP status") {
  Failure gateway = classify(502, "<html><body>Bad Gateway</body></html>");
  CHECK(gateway.cls == FailureClass::kServer);
  CHECK(gateway.message.find("HTTP 502") != std::string::npos);
  CHECK(gateway.message.find("Bad Gateway") != std::string::npos);
  CHECK(classify(503, "").cls == FailureClass::kOverloaded);
  CHECK(classify(429, "").cls == FailureClass::kRateLimit);
  CHECK(classify(404, "{}").cls == FailureClass::kModelUnavailable);
  CHECK(classify(413, "too large").cls == FailureClass::kContextLength);
  Failure no_status = classify(400, R"({"error": {"code": 400, "message": "Bad thing"}})");
  CHECK(no_status.cls == FailureClass::kBadRequest);
  CHECK(no_status.message == "Bad thing");
}
