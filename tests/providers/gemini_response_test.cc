// Golden tests: Gemini generateContent reply -> OpenAI chat.completion.
#include "lib/providers/gemini_response.h"

#include <doctest/doctest.h>

#include "lib/providers/gemini.h"
#include "lib/providers/gemini_ids.h"

using namespace understudy;

namespace {

ReplyOrFailure parse(const std::string& body, const std::string& model = "gemini-2.5-flash") {
  static ProviderConfig provider = [] {
    ProviderConfig p;
    p.name = "gemini";
    p.type = ProviderType::kGemini;
    p.base_url = "https://generativelanguage.googleapis.com/v1beta";
    return p;
  }();
  AttemptTarget target{{"gemini", model}, &provider, nullptr, "k"};
  return gemini_adapter().parse_response(HttpResponse{200, {}, body}, target);
}

Json reply_json(const std::string& body) {
  ReplyOrFailure r = parse(body);
  REQUIRE(std::holds_alternative<ChatResponse>(r));
  return std::get<ChatResponse>(r).body;
}

Failure failure(const std::string& body) {
  ReplyOrFailure r = parse(body);
  REQUIRE(std::holds_alternative<Failure>(r));
  return std::get<Failure>(r);
}

// A one-candidate reply with the given parts and finishReason.
std::string reply_with(const std::string& parts, const std::string& finish) {
  return R"({"candidates": [{"content": {"role": "model", "parts": )" + parts +
         R"(}, "finishReason": ")" + finish + R"(", "index": 0}], "responseId": "r1"})";
}

}  // namespace

TEST_CASE("gemini response: a text reply becomes a chat.completion with usage") {
  Json out = reply_json(R"({
    "candidates": [{"content": {"role": "model", "parts": [{"text": "Hello! How can I help you today?"}]},
                    "finishReason": "STOP", "index": 0}],
    "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 9, "thoughtsTokenCount": 22,
                      "totalTokenCount": 40, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 9}]},
    "modelVersion": "gemini-2.5-flash-001",
    "responseId": "mK3aaO2fLqXx7M8PzqbQsQk"})");
  Json expected = Json::parse(R"({
    "id": "chatcmpl-mK3aaO2fLqXx7M8PzqbQsQk",
    "object": "chat.completion",
    "created": 0,
    "model": "gemini-2.5-flash-001",
    "choices": [{"index": 0,
                 "message": {"role": "assistant", "content": "Hello! How can I help you today?",
                             "refusal": null},
                 "logprobs": null,
                 "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 9, "completion_tokens": 31, "total_tokens": 40,
              "prompt_tokens_details": {"cached_tokens": 0},
              "completion_tokens_details": {"reasoning_tokens": 22}}
  })");
  CHECK(out == expected);
}

TEST_CASE("gemini response: thought parts are not content; text parts concatenate") {
  Json out = reply_json(reply_with(
      R"([{"text": "thinking hard", "thought": true}, {"text": "Hel"}, {"text": "lo"},
          {"text": "", "thoughtSignature": "AAAA"}])",
      "STOP"));
  CHECK(out["choices"][0]["message"]["content"] == "Hello");
  CHECK(out["model"] == "gemini-2.5-flash");  // no modelVersion: the requested model
  CHECK_FALSE(out.contains("usage"));
}

TEST_CASE("gemini response: function calls become tool_calls carrying their signature") {
  Json out = reply_json(R"({
    "candidates": [{"content": {"role": "model", "parts": [
        {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}},
         "thoughtSignature": "CiQBjz1rX0exam=="},
        {"functionCall": {"name": "get_time", "args": {}, "id": "up-2"}}]},
      "finishReason": "STOP", "index": 0}],
    "responseId": "Zr1bZ8aKI5WmjMcP4fGxqA0"})");
  const Json& msg = out["choices"][0]["message"];
  CHECK(out["choices"][0]["finish_reason"] == "tool_calls");
  CHECK(msg["content"].is_null());
  REQUIRE(msg["tool_calls"].size() == 2);
  CHECK(msg["tool_calls"][0] ==
        Json::parse(R"({"index": 0, "id": "call_gZr1bZ8aKI5Wm_0_0-s14_CiQBjz1rX0exam",
      "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}})"));
  CHECK(msg["tool_calls"][1]["function"] ==
        Json::parse(R"({"name": "get_time", "arguments": "{}"})"));
  GeminiCallRef second = decode_gemini_call_id(msg["tool_calls"][1]["id"].get<std::string>());
  CHECK(second.upstream_id == "up-2");
  CHECK(second.thought_signature.empty());
  CHECK(decode_gemini_call_id(msg["tool_calls"][0]["id"].get<std::string>()).thought_signature ==
        "CiQBjz1rX0exam==");
}

TEST_CASE("gemini response: every finishReason maps to an OpenAI finish_reason") {
  struct Row {
    const char* gemini;
    const char* openai;
  };
  const Row rows[] = {{"STOP", "stop"},
                      {"MAX_TOKENS", "length"},
                      {"SAFETY", "content_filter"},
                      {"RECITATION", "content_filter"},
                      {"BLOCKLIST", "content_filter"},
                      {"PROHIBITED_CONTENT", "content_filter"},
                      {"SPII", "content_filter"},
                      {"IMAGE_SAFETY", "content_filter"},
                      {"IMAGE_PROHIBITED_CONTENT", "content_filter"},
                      {"IMAGE_RECITATION", "content_filter"},
                      {"MALFORMED_FUNCTION_CALL", "stop"},
                      {"UNEXPECTED_TOOL_CALL", "stop"},
                      {"TOO_MANY_TOOL_CALLS", "stop"},
                      {"LANGUAGE", "stop"},
                      {"OTHER", "stop"},
                      {"NO_IMAGE", "stop"},
                      {"IMAGE_OTHER", "stop"},
                      {"FINISH_REASON_UNSPECIFIED", "stop"},
                      {"SOMETHING_NEW", "stop"}};
  for (const Row& row : rows) {
    CAPTURE(row.gemini);
    Json out = reply_json(reply_with(R"([{"text": "x"}])", row.gemini));
    CHECK(out["choices"][0]["finish_reason"] == row.openai);
    CHECK(gemini_finish_reason(row.gemini, false) == row.openai);
  }
  CHECK(gemini_finish_reason("STOP", true) == "tool_calls");
  CHECK(gemini_finish_reason("MAX_TOKENS", true) == "length");
  CHECK(gemini_finish_reason("SAFETY", true) == "content_filter");
}

TEST_CASE("gemini response: usage adds tool-use prompt, thought and cached tokens") {
  Json usage = gemini_usage(Json::parse(R"({"promptTokenCount": 100, "toolUsePromptTokenCount": 5,
      "cachedContentTokenCount": 64, "candidatesTokenCount": 20, "thoughtsTokenCount": 30,
      "totalTokenCount": 155})"));
  CHECK(usage == Json::parse(R"({"prompt_tokens": 105, "completion_tokens": 50, "total_tokens": 155,
      "prompt_tokens_details": {"cached_tokens": 64},
      "completion_tokens_details": {"reasoning_tokens": 30}})"));
  Json no_total =
      gemini_usage(Json::parse(R"({"promptTokenCount": 3, "candidatesTokenCount": 4})"));
  CHECK(no_total["total_tokens"] == 7);
  ChatResponse r{reply_json(R"({"candidates": [{"content": {"parts": [{"text": "x"}]},
      "finishReason": "STOP"}], "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 4,
      "totalTokenCount": 7}})")};
  CHECK(r.usage().prompt_tokens == 3);
  CHECK(r.usage().completion_tokens == 4);
}

TEST_CASE("gemini response: several candidates become several choices") {
  Json out = reply_json(R"({"candidates": [
      {"content": {"parts": [{"text": "a"}]}, "finishReason": "STOP", "index": 0},
      {"content": {"parts": [{"text": "b"}]}, "finishReason": "MAX_TOKENS", "index": 1}]})");
  REQUIRE(out["choices"].size() == 2);
  CHECK(out["choices"][1]["index"] == 1);
  CHECK(out["choices"][1]["message"]["content"] == "b");
  CHECK(out["choices"][1]["finish_reason"] == "length");
  CHECK(out["id"] == "chatcmpl-gemini");
}

TEST_CASE("gemini response: logprobsResult becomes OpenAI logprobs") {
  Json out = reply_json(R"({"candidates": [{"content": {"parts": [{"text": "Hi"}]},
      "finishReason": "STOP", "logprobsResult": {
        "topCandidates": [{"candidates": [{"token": "Hi", "logProbability": -0.1},
                                          {"token": "Yo", "logProbability": -2.5}]}],
        "chosenCandidates": [{"token": "Hi", "logProbability": -0.1}]}}]})");
  CHECK(out["choices"][0]["logprobs"] == Json::parse(R"({"content": [
      {"token": "Hi", "logprob": -0.1, "bytes": [72, 105],
       "top_logprobs": [{"token": "Hi", "logprob": -0.1, "bytes": [72, 105]},
                        {"token": "Yo", "logprob": -2.5, "bytes": [89, 111]}]}],
      "refusal": null})"));
}

TEST_CASE("gemini response: a blocked prompt is a content_policy failure naming the reason") {
  Failure f = failure(R"({"promptFeedback": {"blockReason": "PROHIBITED_CONTENT",
      "safetyRatings": []}, "usageMetadata": {"promptTokenCount": 8, "totalTokenCount": 8},
      "modelVersion": "gemini-2.5-flash"})");
  CHECK(f.cls == FailureClass::kContentPolicy);
  CHECK(f.code == "content_filter");
  CHECK(f.type == "invalid_request_error");
  CHECK(f.message.find("PROHIBITED_CONTENT") != std::string::npos);
  CHECK(f.upstream_status == 0);
  CHECK(http_status_for(f) == 400);
}

TEST_CASE("gemini response: a 200 that is not an answer is a failure") {
  Failure not_json = failure("<html>oops</html>");
  CHECK(not_json.cls == FailureClass::kServer);
  CHECK(not_json.message.find("not JSON") != std::string::npos);
  Failure empty = failure(R"({"candidates": [], "modelVersion": "gemini-2.5-flash"})");
  CHECK(empty.cls == FailureClass::kServer);
  CHECK(empty.message.find("no candidates") != std::string::npos);
  Failure error = failure(R"({"error": {"code": 503, "message": "The model is overloaded.",
      "status": "UNAVAILABLE"}})");
  CHECK(error.cls == FailureClass::kOverloaded);
  CHECK(error.message == "The model is overloaded.");
  CHECK(error.upstream_status == 0);
  Failure wrapped = failure(R"([{"error": {"code": 429, "message": "slow down",
      "status": "RESOURCE_EXHAUSTED"}}])");
  CHECK(wrapped.cls == FailureClass::kRateLimit);
}

TEST_CASE("gemini response: a tool call's signature comes back on the next request") {
  const std::string sig = "CvYBAY89a1+example+opaque+bytes==";
  Json out = reply_json(R"({"candidates": [{"content": {"role": "model", "parts": [
      {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}, "id": "fc-1"},
       "thoughtSignature": ")" +
                        sig + R"("}]}, "finishReason": "STOP"}], "responseId": "abc"})");
  Json assistant = out["choices"][0]["message"];
  std::string id = assistant["tool_calls"][0]["id"].get<std::string>();
  Json next{{"model", "gemini/gemini-3-pro-preview"},
            {"messages",
             {{{"role", "user"}, {"content", "weather?"}},
              assistant,
              {{"role", "tool"}, {"tool_call_id", id}, {"content", "{\"temp_c\": 21}"}}}}};
  ProviderConfig provider;
  provider.base_url = "https://generativelanguage.googleapis.com/v1beta";
  AttemptTarget target{{"gemini", "gemini-3-pro-preview"}, &provider, nullptr, "k"};
  auto chat = parse_chat_request(next.dump());
  REQUIRE(chat.ok());
  auto built = gemini_adapter().build_request(*chat, target, {});
  REQUIRE(built.ok());
  Json contents = Json::parse(built->http.body)["contents"];
  CHECK(contents[1] == Json::parse(R"({"role": "model", "parts": [
      {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}, "id": "fc-1"},
       "thoughtSignature": ")" + sig +
                                   R"("}]})"));
  CHECK(contents[2] == Json::parse(R"({"role": "user", "parts": [
      {"functionResponse": {"name": "get_weather", "response": {"temp_c": 21}, "id": "fc-1"}}]})"));
}
