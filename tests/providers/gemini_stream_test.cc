// Stream translation: recorded Gemini SSE sequences -> the exact OpenAI chunk sequence.
#include "lib/providers/gemini_stream.h"

#include <doctest/doctest.h>

#include "lib/providers/gemini.h"

using namespace understudy;

namespace {

// One line per event: "chunk <json>", "failure <class> <status> <message>", "skipped", "end".
std::vector<std::string> describe(const std::vector<StreamEvent>& events) {
  std::vector<std::string> out;
  for (const StreamEvent& e : events) {
    switch (e.kind) {
      case StreamEvent::Kind::kChunk:
        out.push_back("chunk " + e.chunk.dump());
        break;
      case StreamEvent::Kind::kFailure:
        out.push_back(std::string("failure ") + failure_class_name(e.failure.cls) + " " +
                      std::to_string(e.failure.upstream_status) + " " + e.failure.message);
        break;
      case StreamEvent::Kind::kSkipped:
        out.push_back("skipped");
        break;
      case StreamEvent::Kind::kEnd:
        out.push_back("end");
        break;
    }
  }
  return out;
}

// Feeds `body` in pieces of `step` bytes (0 = all at once), then finishes.
std::vector<std::string> decode(const std::string& body, size_t step = 0) {
  auto decoder = new_gemini_stream_decoder("gemini-2.5-flash");
  std::vector<StreamEvent> events;
  if (step == 0) step = body.size() + 1;
  for (size_t i = 0; i < body.size(); i += step) decoder->feed(body.substr(i, step), events);
  decoder->finish(events);
  return describe(events);
}

std::string crlf(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '\n')
      out += "\r\n";
    else
      out.push_back(c);
  }
  return out;
}

const std::string kHello =
    R"(data: {"candidates": [{"content": {"parts": [{"text": "Hello!"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 2,"totalTokenCount": 2,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 2}]},"modelVersion": "gemini-2.5-flash","responseId": "Y2HdaPq7BJ6xkdUPn4mW8Qk"}

data: {"candidates": [{"content": {"parts": [{"text": " How can I help you today?"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 2,"totalTokenCount": 2,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 2}]},"modelVersion": "gemini-2.5-flash","responseId": "Y2HdaPq7BJ6xkdUPn4mW8Qk"}

data: {"candidates": [{"content": {"parts": [{"text": ""}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 2,"candidatesTokenCount": 9,"thoughtsTokenCount": 31,"totalTokenCount": 42,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 2}]},"modelVersion": "gemini-2.5-flash","responseId": "Y2HdaPq7BJ6xkdUPn4mW8Qk"}

)";

const std::string kHead =
    R"({"id":"chatcmpl-Y2HdaPq7BJ6xkdUPn4mW8Qk","object":"chat.completion.chunk","created":0,"model":"gemini-2.5-flash",)";

std::string chunk(const std::string& choices_and_rest) {
  return "chunk " + kHead + choices_and_rest;
}

const std::vector<std::string> kHelloExpected = {
    chunk(
        R"("choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]})"),
    chunk(
        R"("choices":[{"index":0,"delta":{"content":"Hello!"},"logprobs":null,"finish_reason":null}]})"),
    chunk(
        R"("choices":[{"index":0,"delta":{"content":" How can I help you today?"},"logprobs":null,"finish_reason":null}]})"),
    chunk(R"("choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]})"),
    chunk(
        R"("choices":[],"usage":{"prompt_tokens":2,"completion_tokens":40,"total_tokens":42,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":31}}})"),
    "end"};

}  // namespace

TEST_CASE("gemini stream: the wire-formats transcript becomes the exact OpenAI chunks") {
  CHECK(decode(kHello) == kHelloExpected);
}

TEST_CASE("gemini stream: any split of the bytes gives the same chunks") {
  CHECK(decode(kHello, 1) == kHelloExpected);
  CHECK(decode(kHello, 7) == kHelloExpected);
  CHECK(decode(kHello, 64) == kHelloExpected);
}

TEST_CASE("gemini stream: CRLF line ends, fed byte by byte, give the same chunks") {
  CHECK(decode(crlf(kHello)) == kHelloExpected);
  CHECK(decode(crlf(kHello), 1) == kHelloExpected);
}

TEST_CASE("gemini stream: a function call arrives whole as one tool_calls delta") {
  std::string body =
      R"(data: {"candidates": [{"content": {"parts": [{"functionCall": {"name": "get_weather","args": {"city": "Paris"}},"thoughtSignature": "CiQBjz1rX0exam=="}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 61,"candidatesTokenCount": 15,"thoughtsTokenCount": 40,"totalTokenCount": 116},"modelVersion": "gemini-2.5-flash","responseId": "Zr1bZ8aKI5WmjMcP4fGxqA0"}

)";
  const std::string head =
      R"(chunk {"id":"chatcmpl-Zr1bZ8aKI5WmjMcP4fGxqA0","object":"chat.completion.chunk","created":0,"model":"gemini-2.5-flash",)";
  std::vector<std::string> expected = {
      head +
          R"("choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]})",
      head +
          R"("choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_gZr1bZ8aKI5Wm_0_0-s14_CiQBjz1rX0exam","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"logprobs":null,"finish_reason":null}]})",
      head + R"("choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]})",
      head +
          R"("choices":[],"usage":{"prompt_tokens":61,"completion_tokens":55,"total_tokens":116,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":40}}})",
      "end"};
  CHECK(decode(body) == expected);
  CHECK(decode(body, 3) == expected);
}

TEST_CASE("gemini stream: tool call indexes count up across events") {
  std::string body =
      R"(data: {"candidates": [{"content": {"parts": [{"text": "Checking."}, {"functionCall": {"name": "a", "args": {}}}]}}], "responseId": "r"}

data: {"candidates": [{"content": {"parts": [{"functionCall": {"name": "b", "args": {"x": 1}}}]}, "finishReason": "STOP"}], "responseId": "r"}

)";
  std::vector<std::string> got = decode(body);
  REQUIRE(got.size() == 6);  // role, text, call a, call b, finish, end (no usage seen)
  CHECK(got[1].find(R"("delta":{"content":"Checking."})") != std::string::npos);
  CHECK(
      got[2].find(
          R"("tool_calls":[{"index":0,"id":"call_gr_0_0","type":"function","function":{"name":"a","arguments":"{}"}}])") !=
      std::string::npos);
  CHECK(
      got[3].find(
          R"("tool_calls":[{"index":1,"id":"call_gr_0_1","type":"function","function":{"name":"b","arguments":"{\"x\":1}"}}])") !=
      std::string::npos);
  CHECK(got[4].find(R"("finish_reason":"tool_calls")") != std::string::npos);
  CHECK(got[5] == "end");
}

TEST_CASE("gemini stream: keep-alive comments, unknown fields and parts are ignored") {
  std::string body =
      ": keep-alive\n\n"
      R"(data: {"candidates": [{"content": {"parts": [{"executableCode": {"code": "1+1"}}, {"text": "thinking", "thought": true}, {"text": "Hi"}]}, "index": 0, "safetyRatings": []}], "someNewField": {"x": 1}, "responseId": "r"})"
      "\nid: 7\nretry: 100\n\n"
      R"(data: {"candidates": [{"content": {"parts": [{"text": "", "thoughtSignature": "AAAA"}]}, "finishReason": "STOP", "index": 0}], "responseId": "r"})"
      "\n\n";
  std::vector<std::string> got = decode(body);
  REQUIRE(got.size() == 4);
  CHECK(got[0].find(R"("delta":{"role":"assistant","content":""})") != std::string::npos);
  CHECK(got[1].find(R"("delta":{"content":"Hi"})") != std::string::npos);
  CHECK(got[2].find(R"("finish_reason":"stop")") != std::string::npos);
  CHECK(got[3] == "end");
}

TEST_CASE("gemini stream: a malformed event is skipped and the stream goes on") {
  std::string body = "data: {\"candidates\": [\n\n" + kHello;
  std::vector<std::string> expected = kHelloExpected;
  expected.insert(expected.begin(), "skipped");
  CHECK(decode(body) == expected);
}

TEST_CASE("gemini stream: an error event mid-stream is a classified failure and ends it") {
  std::string body =
      kHello.substr(0, kHello.find("\n\n") + 2) +
      R"(data: {"error": {"code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"}})"
      "\n\n" +
      kHello.substr(kHello.find("\n\n") + 2);
  std::vector<std::string> got = decode(body);
  REQUIRE(got.size() == 3);
  CHECK(got[0] == kHelloExpected[0]);
  CHECK(got[1] == kHelloExpected[1]);
  CHECK(got[2] == "failure overloaded 0 The model is overloaded. Please try again later.");
}

TEST_CASE("gemini stream: a pretty-printed error without data: is a failure, any split") {
  std::string body = kHello.substr(0, kHello.find("\n\n") + 2) +
                     "{\n"
                     "  \"error\": {\n"
                     "    \"code\": 429,\n"
                     "    \"message\": \"Resource has been exhausted {e.g. check quota}.\",\n"
                     "    \"status\": \"RESOURCE_EXHAUSTED\"\n"
                     "  }\n"
                     "}\n";
  for (size_t step : {0, 1, 5}) {
    CAPTURE(step);
    std::vector<std::string> got = decode(crlf(body), step);
    REQUIRE(got.size() == 3);
    CHECK(got[2] == "failure rate_limit 0 Resource has been exhausted {e.g. check quota}.");
  }
}

TEST_CASE("gemini stream: a stream cut before finishReason is a network failure") {
  std::string body = kHello.substr(0, kHello.rfind("data:"));
  std::vector<std::string> got = decode(body);
  REQUIRE(got.size() == 4);
  CHECK(got[2] == kHelloExpected[2]);
  CHECK(got[3] == "failure network 0 upstream stream ended before the message finished");
  CHECK(decode("") == std::vector<std::string>{
                          "failure network 0 upstream stream ended before the message finished"});
}

TEST_CASE("gemini stream: the last event may end without its blank line") {
  std::string body = kHello.substr(0, kHello.size() - 2);
  CHECK(decode(body) == kHelloExpected);
}

TEST_CASE("gemini stream: a blocked prompt is a content_policy failure") {
  std::string body =
      R"(data: {"promptFeedback": {"blockReason": "SAFETY", "safetyRatings": []}, "usageMetadata": {"promptTokenCount": 5, "totalTokenCount": 5}, "modelVersion": "gemini-2.5-flash"})"
      "\n\n";
  CHECK(decode(body) == std::vector<std::string>{"failure content_policy 0 gemini blocked the "
                                                 "prompt (promptFeedback.blockReason SAFETY)"});
}

TEST_CASE("gemini stream: parts after the finish are dropped; the last usage wins") {
  std::string body =
      R"(data: {"candidates": [{"content": {"parts": [{"text": "Hi"}]}, "finishReason": "MAX_TOKENS"}], "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2}, "responseId": "r"})"
      "\n\n"
      R"(data: {"candidates": [{"content": {"parts": [{"text": "late"}]}}], "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 5, "totalTokenCount": 6}, "responseId": "r"})"
      "\n\n";
  std::vector<std::string> got = decode(body);
  REQUIRE(got.size() == 5);
  CHECK(got[2].find(R"("finish_reason":"length")") != std::string::npos);
  CHECK(got[3].find(R"("usage":{"prompt_tokens":1,"completion_tokens":5,"total_tokens":6)") !=
        std::string::npos);
  CHECK(got[4] == "end");
}

TEST_CASE("gemini stream: several candidates stream as several choices") {
  std::string body =
      R"(data: {"candidates": [{"content": {"parts": [{"text": "A"}]}, "index": 0}, {"content": {"parts": [{"text": "B"}]}, "index": 1}], "responseId": "r"})"
      "\n\n"
      R"(data: {"candidates": [{"content": {"parts": [{"text": "!"}]}, "finishReason": "STOP", "index": 1}], "responseId": "r"})"
      "\n\n";
  std::vector<std::string> cut = decode(body);
  REQUIRE(cut.size() == 7);
  CHECK(cut[2].find(R"("index":1,"delta":{"role":"assistant","content":""})") != std::string::npos);
  CHECK(cut[5].find(R"("index":1,"delta":{},"logprobs":null,"finish_reason":"stop")") !=
        std::string::npos);
  CHECK(cut[6].rfind("failure network", 0) == 0);  // candidate 0 never finished
  body +=
      R"(data: {"candidates": [{"content": {"parts": []}, "finishReason": "STOP", "index": 0}], "responseId": "r"})"
      "\n\n";
  std::vector<std::string> done = decode(body);
  CHECK(done.back() == "end");
}

TEST_CASE("gemini stream: the adapter hands out this decoder for the target's model") {
  ProviderConfig provider;
  provider.type = ProviderType::kGemini;
  AttemptTarget target{{"gemini", "models/gemini-2.5-pro"}, &provider, nullptr, ""};
  auto decoder = gemini_adapter().new_stream_decoder(target);
  std::vector<StreamEvent> events;
  decoder->feed("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"x\"}]}}]}\n\n",
                events);
  REQUIRE(events.size() == 2);
  CHECK(events[0].chunk["model"] == "gemini-2.5-pro");
  CHECK(events[1].chunk["choices"][0]["delta"]["content"] == "x");
}
