// The OpenAI adapter's classify_error on realistic error bodies from OpenAI and the
// compatible providers (lib/providers/openai.h, wire-formats §2.6, §9): every failure class
// an HTTP reply can carry, the retry hint, and the normalized OpenAI-style fields.
#include <doctest/doctest.h>

#include <string>

#include "lib/providers/openai.h"

using namespace understudy;

namespace {

// Sun, 06 Nov 1994 08:49:37 GMT: "now" for HTTP-date Retry-After values.
const WallTime kNow = WallTime(std::chrono::seconds(784111777));

Failure classify(int status, const std::string& body, Headers headers = {}) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = body;
  return openai_adapter().classify_error(r, kNow);
}

}  // namespace

TEST_CASE("openai classify: 429 rate_limit_exceeded is a rate limit with its retry hint") {
  const std::string body =
      R"({"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-abc on )"
      R"(requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.",)"
      R"("type":"requests","param":null,"code":"rate_limit_exceeded"}})";
  Failure f = classify(429, body, {{"Retry-After", "20"}, {"x-ratelimit-reset-requests", "20s"}});
  CHECK(f.cls == FailureClass::kRateLimit);
  CHECK(f.upstream_status == 429);
  CHECK(f.type == "requests");
  CHECK(f.code == "rate_limit_exceeded");
  CHECK(f.param.empty());
  CHECK(f.message.find("Please try again in 20s") != std::string::npos);
  REQUIRE(f.retry_after.has_value());
  CHECK(f.retry_after->count() == 20000);

  Failure ms = classify(429, body, {{"retry-after", "20"}, {"retry-after-ms", "1500"}});
  REQUIRE(ms.retry_after.has_value());
  CHECK(ms.retry_after->count() == 1500);

  Failure date = classify(429, body, {{"retry-after", "Sun, 06 Nov 1994 08:49:44 GMT"}});
  REQUIRE(date.retry_after.has_value());
  CHECK(date.retry_after->count() == 7000);

  CHECK_FALSE(classify(429, body).retry_after.has_value());
}

TEST_CASE("openai classify: 429 insufficient_quota is quota, not a rate limit") {
  Failure f =
      classify(429, R"({"error":{"message":"You exceeded your current quota, please check your )"
                    R"(plan and billing details.","type":"insufficient_quota","param":null,)"
                    R"("code":"insufficient_quota"}})");
  CHECK(f.cls == FailureClass::kQuota);
  CHECK(f.type == "insufficient_quota");
  CHECK(f.code == "insufficient_quota");
  CHECK(f.upstream_status == 429);
}

TEST_CASE("openai classify: 401 invalid_api_key and 403 are auth failures") {
  Failure bad_key = classify(
      401, R"({"error":{"message":"Incorrect API key provided: sk-proj-****abcd. You can find )"
           R"(your API key at https://platform.openai.com/account/api-keys.",)"
           R"("type":"invalid_request_error","param":null,"code":"invalid_api_key"}})");
  CHECK(bad_key.cls == FailureClass::kAuth);
  CHECK(bad_key.code == "invalid_api_key");
  CHECK(bad_key.type == "invalid_request_error");

  Failure region = classify(
      403, R"({"error":{"code":"unsupported_country_region_territory","message":"Country, )"
           R"(region, or territory not supported","param":null,"type":"request_forbidden"}})");
  CHECK(region.cls == FailureClass::kAuth);
  CHECK(region.code == "unsupported_country_region_territory");

  Failure bare = classify(401, "");
  CHECK(bare.cls == FailureClass::kAuth);
  CHECK(bare.type == "authentication_error");
  CHECK(bare.code == "invalid_api_key");
  CHECK(bare.message == "upstream answered HTTP 401");
}

TEST_CASE("openai classify: OpenRouter's 403 moderation refusal is a content-policy failure") {
  Failure f = classify(
      403, R"({"error":{"code":403,"message":"openai/gpt-4o requires moderation on OpenRouter. )"
           R"(Your input was flagged for \"violence\"","metadata":{"reasons":["violence"],)"
           R"("flagged_input":"...","provider_name":"OpenAI","model_slug":"openai/gpt-4o"}}})");
  CHECK(f.cls == FailureClass::kContentPolicy);
  CHECK(f.code == "content_filter");  // the numeric 403 is not an OpenAI code
  CHECK(f.type == "invalid_request_error");
  CHECK(f.upstream_status == 403);
}

TEST_CASE("openai classify: 402 payment required is quota") {
  Failure openrouter =
      classify(402, R"({"error":{"code":402,"message":"Insufficient credits. Add more using )"
                    R"(https://openrouter.ai/settings/credits"}})");
  CHECK(openrouter.cls == FailureClass::kQuota);
  CHECK(openrouter.code == "insufficient_quota");
  CHECK(openrouter.message.find("Insufficient credits") != std::string::npos);

  Failure deepseek =
      classify(402, R"({"error":{"message":"Insufficient Balance",)"
                    R"("type":"unknown_error","param":null,"code":"invalid_request_error"}})");
  CHECK(deepseek.cls == FailureClass::kQuota);
}

TEST_CASE("openai classify: 404 model_not_found and 410 are model unavailable") {
  Failure f = classify(
      404,
      R"({"error":{"message":"The model `gpt-5-turbo` does not exist or you do not have )"
      R"(access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}})");
  CHECK(f.cls == FailureClass::kModelUnavailable);
  CHECK(f.code == "model_not_found");
  CHECK(f.message.find("gpt-5-turbo") != std::string::npos);

  Failure not_json = classify(404, R"({"detail":"Not Found"})");
  CHECK(not_json.cls == FailureClass::kModelUnavailable);
  CHECK(not_json.code == "model_not_found");
  CHECK(classify(410, "").cls == FailureClass::kModelUnavailable);
}

TEST_CASE("openai classify: context overflow is recognised by code and by message alone") {
  Failure by_code = classify(
      400,
      R"({"error":{"message":"This model's maximum context length is 128000 tokens. However, )"
      R"(your messages resulted in 130412 tokens. Please reduce the length of the messages.",)"
      R"("type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}})");
  CHECK(by_code.cls == FailureClass::kContextLength);
  CHECK(by_code.param == "messages");
  CHECK(by_code.code == "context_length_exceeded");

  Failure by_message = classify(
      400, R"({"error":{"message":"This model's maximum context length is 8192 tokens. However, )"
           R"(you requested 9100 tokens (8100 in the messages, 1000 in the completion).",)"
           R"("type":"invalid_request_error","param":"messages","code":null}})");
  CHECK(by_message.cls == FailureClass::kContextLength);
  CHECK(by_message.code == "context_length_exceeded");  // normalized for the caller

  CHECK(classify(413, "").cls == FailureClass::kContextLength);
}

TEST_CASE("openai classify: content filters are content-policy failures") {
  Failure azure = classify(
      400,
      R"({"error":{"message":"The response was filtered due to the prompt triggering Azure )"
      R"(OpenAI's content management policy. Please modify your prompt and retry.",)"
      R"("type":null,"param":"prompt","code":"content_filter","status":400,"innererror":)"
      R"({"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":)"
      R"({"filtered":false,"severity":"safe"},"sexual":{"filtered":true,"severity":"medium"}}}}})");
  CHECK(azure.cls == FailureClass::kContentPolicy);
  CHECK(azure.code == "content_filter");
  CHECK(azure.type == "invalid_request_error");
  CHECK(azure.param == "prompt");

  Failure openai = classify(
      400, R"({"error":{"code":"content_policy_violation","message":"Your request was rejected )"
           R"(as a result of our safety system.","param":null,"type":"invalid_request_error"}})");
  CHECK(openai.cls == FailureClass::kContentPolicy);
  CHECK(openai.code == "content_policy_violation");
}

TEST_CASE("openai classify: other 400 and 422 replies are bad requests") {
  Failure unsupported = classify(
      400, R"({"error":{"message":"Unsupported parameter: 'max_tokens' is not supported with )"
           R"(this model. Use 'max_completion_tokens' instead.","type":"invalid_request_error",)"
           R"("param":"max_tokens","code":"unsupported_parameter"}})");
  CHECK(unsupported.cls == FailureClass::kBadRequest);
  CHECK(unsupported.param == "max_tokens");
  CHECK(unsupported.code == "unsupported_parameter");

  Failure plain = classify(400, R"({"error":{"message":"Invalid value for 'temperature': )"
                                R"(expected a number.","type":"invalid_request_error","param":)"
                                R"("temperature","code":null}})");
  CHECK(plain.cls == FailureClass::kBadRequest);
  CHECK(plain.type == "invalid_request_error");
  CHECK(plain.code.empty());

  Failure deepseek = classify(
      422, R"({"error":{"message":"Failed to deserialize the JSON body into the target type: )"
           R"(messages[0]: missing field `content`","type":"invalid_request_error","param":null,)"
           R"("code":"invalid_request_error"}})");
  CHECK(deepseek.cls == FailureClass::kBadRequest);
}

TEST_CASE("openai classify: 500, 502 and 504 are server failures") {
  const std::string body =
      R"({"error":{"message":"The server had an error while processing your request. Sorry )"
      R"(about that!","type":"server_error","param":null,"code":null}})";
  for (int status : {500, 502, 504}) {
    CAPTURE(status);
    Failure f = classify(status, body);
    CHECK(f.cls == FailureClass::kServer);
    CHECK(f.upstream_status == status);
    CHECK(f.type == "server_error");
    CHECK(f.message.find("Sorry about that") != std::string::npos);
  }
}

TEST_CASE("openai classify: 503 and 529 are overloaded, as is an overload code on a 500") {
  Failure busy = classify(
      503, R"({"error":{"message":"The engine is currently overloaded, please try again later",)"
           R"("type":"server_error","param":null,"code":null}})");
  CHECK(busy.cls == FailureClass::kOverloaded);
  CHECK(busy.code == "server_is_overloaded");
  CHECK(classify(529, "").cls == FailureClass::kOverloaded);
  CHECK(classify(500, R"({"error":{"message":"busy","type":"server_error","code":"slow_down"}})")
            .cls == FailureClass::kOverloaded);
}

TEST_CASE("openai classify: 408 and 409 are retryable server-side failures") {
  Failure timeout = classify(408, R"({"error":{"code":408,"message":"Request timed out"}})");
  CHECK(timeout.cls == FailureClass::kServer);
  CHECK(timeout.message == "Request timed out");
  CHECK(classify(409, "").cls == FailureClass::kServer);
}

TEST_CASE("openai classify: Mistral's flat error body is read like a wrapped one") {
  Failure rate = classify(
      429, R"({"object":"error","message":"Requests rate limit exceeded","type":"rate_limited",)"
           R"("param":null,"code":"1300"})");
  CHECK(rate.cls == FailureClass::kRateLimit);
  CHECK(rate.message == "Requests rate limit exceeded");
  CHECK(rate.type == "rate_limited");
  CHECK(rate.code == "rate_limit_exceeded");  // numeric codes are not OpenAI codes

  Failure context = classify(
      400, R"({"object":"error","message":"Prompt contains 40000 tokens, too large for model )"
           R"(with 32768 maximum context length","type":"invalid_request_error","param":null,)"
           R"("code":null})");
  CHECK(context.cls == FailureClass::kContextLength);
}

TEST_CASE("openai classify: OpenRouter's numeric-code bodies keep status-driven classes") {
  Failure rate = classify(
      429, R"({"error":{"code":429,"message":"Rate limit exceeded: free-models-per-day.",)"
           R"("metadata":{"headers":{"X-RateLimit-Limit":"50","X-RateLimit-Remaining":"0"}}}})");
  CHECK(rate.cls == FailureClass::kRateLimit);
  CHECK(rate.code == "rate_limit_exceeded");
  CHECK(rate.type == "rate_limit_error");
  CHECK(rate.message == "Rate limit exceeded: free-models-per-day.");

  Failure down = classify(502, R"({"error":{"code":502,"message":"Provider returned error",)"
                               R"("metadata":{"provider_name":"Lambda"}}})");
  CHECK(down.cls == FailureClass::kServer);
  CHECK(down.code.empty());

  CHECK(classify(503, R"({"error":{"code":503,"message":"No instances available"}})").cls ==
        FailureClass::kOverloaded);
}

TEST_CASE("openai classify: a non-JSON body is quoted in the message as a one-line excerpt") {
  const std::string html =
      "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
      "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
      "</body>\r\n</html>\r\n";
  Failure f = classify(502, html);
  CHECK(f.cls == FailureClass::kServer);
  CHECK(f.message.rfind("upstream answered HTTP 502: ", 0) == 0);
  CHECK(f.message.find("<title>502 Bad Gateway</title>") != std::string::npos);
  CHECK(f.message.find('\n') == std::string::npos);
  CHECK(f.message.find('\r') == std::string::npos);
  CHECK(f.type == "server_error");

  Failure long_body = classify(500, std::string(5000, 'x'));
  CHECK(long_body.message.size() < 300);
  CHECK(long_body.message.find("...") != std::string::npos);

  CHECK(classify(503, "upstream connect error or disconnect/reset before headers").message ==
        "upstream answered HTTP 503: upstream connect error or disconnect/reset before headers");
}

TEST_CASE("openai classify: missing type and code are filled per class") {
  struct Case {
    int status;
    const char* type;
    const char* code;
  };
  for (const Case& c :
       {Case{429, "rate_limit_error", "rate_limit_exceeded"},
        Case{402, "insufficient_quota", "insufficient_quota"},
        Case{401, "authentication_error", "invalid_api_key"},
        Case{404, "invalid_request_error", "model_not_found"},
        Case{413, "invalid_request_error", "context_length_exceeded"},
        Case{400, "invalid_request_error", ""}, Case{503, "server_error", "server_is_overloaded"},
        Case{500, "server_error", ""}}) {
    CAPTURE(c.status);
    Failure f = classify(c.status, R"({"error":{"message":"m"}})");
    CHECK(f.type == c.type);
    CHECK(f.code == c.code);
    CHECK(f.message == "m");
  }
}

TEST_CASE("openai classify: fields of an error inside a 200 stream") {
  CHECK(classify_openai_fields(0, "tokens", "rate_limit_exceeded", "") == FailureClass::kRateLimit);
  CHECK(classify_openai_fields(0, "rate_limit_error", "", "") == FailureClass::kRateLimit);
  CHECK(classify_openai_fields(0, "insufficient_quota", "", "") == FailureClass::kQuota);
  CHECK(classify_openai_fields(0, "server_error", "server_is_overloaded", "") ==
        FailureClass::kOverloaded);
  CHECK(classify_openai_fields(0, "", "content_filter", "") == FailureClass::kContentPolicy);
  CHECK(classify_openai_fields(0, "", "context_length_exceeded", "") ==
        FailureClass::kContextLength);
  CHECK(classify_openai_fields(0, "server_error", "", "Provider disconnected") ==
        FailureClass::kServer);
}
