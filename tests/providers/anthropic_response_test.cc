// Golden translation tests: Anthropic Messages replies -> OpenAI chat.completion.
#include "lib/providers/anthropic_response.h"

#include <doctest/doctest.h>

#include "tests/providers/anthropic_test_support.h"

namespace understudy {
namespace {

using testing::canon;

ReplyOrFailure parse(const std::string& body, int status = 200) {
  ProviderConfig p = testing::anthropic_provider();
  HttpResponse r{status, {{"content-type", "application/json"}}, body};
  return anthropic_adapter().parse_response(r, testing::anthropic_target(p, "claude-sonnet-4-5"));
}

Json completion(const std::string& body) {
  ReplyOrFailure r = parse(body);
  REQUIRE(std::holds_alternative<ChatResponse>(r));
  return std::get<ChatResponse>(r).body;
}

TEST_CASE("anthropic response: a text message becomes a chat.completion") {
  Json c = completion(R"({"id": "msg_01H8vQp3xYgWz5Rk2LmN7aTc", "type": "message",
    "role": "assistant", "model": "claude-sonnet-4-5-20250929",
    "content": [{"type": "text", "text": "Hello! How can I help you today?", "citations": null}],
    "stop_reason": "end_turn", "stop_sequence": null,
    "usage": {"input_tokens": 14, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
              "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
              "output_tokens": 12, "service_tier": "standard", "server_tool_use": null}})");
  CHECK(canon(c) == canon(R"({"id": "msg_01H8vQp3xYgWz5Rk2LmN7aTc", "object": "chat.completion",
    "created": 0, "model": "claude-sonnet-4-5-20250929",
    "choices": [{"index": 0, "message": {"role": "assistant",
                 "content": "Hello! How can I help you today?"},
                 "logprobs": null, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 14, "completion_tokens": 12, "total_tokens": 26,
              "prompt_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
              "completion_tokens_details": {"reasoning_tokens": 0}}})"));
}

TEST_CASE("anthropic response: tool_use blocks become tool_calls") {
  Json c = completion(R"({"id": "msg_2", "type": "message", "role": "assistant", "model": "m",
    "content": [{"type": "thinking", "thinking": "hmm", "signature": "sig"},
                {"type": "text", "text": "Checking."},
                {"type": "tool_use", "id": "toolu_01Qm", "name": "get_weather", "input": {"city": "Paris"}},
                {"type": "tool_use", "id": "toolu_02Zx", "name": "get_time", "input": {}}],
    "stop_reason": "tool_use", "usage": {"input_tokens": 5, "output_tokens": 30}})");
  CHECK(canon(c["choices"][0]) == canon(R"({"index": 0, "message": {"role": "assistant",
    "content": "Checking.",
    "tool_calls": [
      {"id": "toolu_01Qm", "type": "function",
       "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
      {"id": "toolu_02Zx", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}]},
    "logprobs": null, "finish_reason": "tool_calls"})"));
}

TEST_CASE("anthropic response: content is null when the reply is only tool calls") {
  Json c = completion(R"({"id": "msg_3", "type": "message", "model": "m",
    "content": [{"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"a": 1}}],
    "stop_reason": "tool_use", "usage": {"input_tokens": 1, "output_tokens": 2}})");
  CHECK(c["choices"][0]["message"]["content"].is_null());
  CHECK(c["choices"][0]["message"]["tool_calls"].size() == 1);
}

TEST_CASE("anthropic response: every stop_reason maps to a finish_reason") {
  const std::pair<const char*, const char*> table[] = {
      {"\"end_turn\"", "stop"},          {"\"stop_sequence\"", "stop"},
      {"\"max_tokens\"", "length"},      {"\"model_context_window_exceeded\"", "length"},
      {"\"tool_use\"", "tool_calls"},    {"\"refusal\"", "content_filter"},
      {"\"pause_turn\"", "stop"},        {"null", "stop"},
      {"\"some_future_reason\"", "stop"}};
  for (const auto& [stop_reason, finish] : table) {
    CAPTURE(stop_reason);
    Json c = completion(std::string(R"({"id": "m", "type": "message", "model": "m",
      "content": [{"type": "text", "text": "x"}], "usage": {"input_tokens": 1, "output_tokens": 1},
      "stop_reason": )") +
                        stop_reason + "}");
    CHECK(c["choices"][0]["finish_reason"] == finish);
  }
}

TEST_CASE("anthropic response: usage counts cache reads and writes into the prompt") {
  Json c = completion(R"({"id": "m", "type": "message", "content": [], "stop_reason": "end_turn",
    "usage": {"input_tokens": 10, "cache_creation_input_tokens": 20, "cache_read_input_tokens": 30,
              "output_tokens": 5, "output_tokens_details": {"thinking_tokens": 2}}})");
  CHECK(canon(c["usage"]) == canon(R"({"prompt_tokens": 60, "completion_tokens": 5,
    "total_tokens": 65, "prompt_tokens_details": {"cached_tokens": 30, "cache_write_tokens": 20},
    "completion_tokens_details": {"reasoning_tokens": 2}})"));
  CHECK(c["model"] == "claude-sonnet-4-5");  // the reply named no model: the requested one
  CHECK(c["choices"][0]["message"]["content"] == "");
}

TEST_CASE("anthropic response: a 2xx body that is not a message is a failure") {
  ReplyOrFailure html = parse("<html>502 Bad Gateway</html>");
  REQUIRE(std::holds_alternative<Failure>(html));
  CHECK(std::get<Failure>(html).cls == FailureClass::kServer);
  CHECK(std::get<Failure>(html).message.find("not JSON") != std::string::npos);

  ReplyOrFailure error = parse(R"({"type": "error", "error": {"type": "overloaded_error",
                                   "message": "Overloaded"}})");
  REQUIRE(std::holds_alternative<Failure>(error));
  CHECK(std::get<Failure>(error).cls == FailureClass::kOverloaded);
  CHECK(std::get<Failure>(error).message == "Overloaded");

  ReplyOrFailure shapeless = parse(R"({"id": "x", "type": "message"})");
  REQUIRE(std::holds_alternative<Failure>(shapeless));
  CHECK(std::get<Failure>(shapeless).cls == FailureClass::kServer);
}

TEST_CASE("anthropic adapter: default capabilities") {
  Capabilities c = anthropic_adapter().default_capabilities("claude-sonnet-4-5");
  CHECK(c.streaming == true);
  CHECK(c.tools == true);
  CHECK(c.vision == true);
  CHECK(c.json_mode == true);
  CHECK(c.prefill == true);
  CHECK(c.context_window == 200000);
  CHECK(adapter_for(ProviderType::kAnthropic).type() == ProviderType::kAnthropic);
  ProviderConfig p = testing::anthropic_provider();
  CHECK(effective_capabilities(p, "claude-haiku-4-5").prefill);
}

}  // namespace
}  // namespace understudy
