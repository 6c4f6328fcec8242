// Golden translation tests: OpenAI chat requests -> Anthropic Messages requests.
#include "lib/providers/anthropic_request.h"

#include <doctest/doctest.h>

#include "tests/providers/anthropic_test_support.h"

namespace understudy {
namespace {

using testing::build_anthropic;
using testing::build_error;
using testing::canon;
using Names = std::vector<std::string>;

TEST_CASE("anthropic request: text with a system prompt, url and headers") {
  auto b = build_anthropic(R"({
    "model": "anthropic/claude-sonnet-4-5",
    "messages": [{"role": "system", "content": "You are a concise assistant."},
                 {"role": "user", "content": "Hello"}],
    "max_completion_tokens": 256, "temperature": 0.7})");
  CHECK(canon(b.body) == canon(R"({
    "model": "claude-sonnet-4-5", "max_tokens": 256,
    "system": "You are a concise assistant.",
    "messages": [{"role": "user", "content": "Hello"}],
    "temperature": 0.7})"));
  CHECK(b.built.dropped_params.empty());
  const HttpRequest& h = b.built.http;
  CHECK(h.method == "POST");
  CHECK(h.base_url == "https://api.anthropic.com");
  CHECK(h.path == "/v1/messages");
  CHECK(header_value(h.headers, "x-api-key") == "sk-ant-test-secret");
  CHECK(header_value(h.headers, "anthropic-version") == "2023-06-01");
  CHECK(header_value(h.headers, "content-type") == "application/json");
  CHECK_FALSE(header_value(h.headers, "authorization").has_value());
  CHECK(h.body.find("sk-ant-test-secret") == std::string::npos);
}

TEST_CASE("anthropic request: system and developer messages anywhere join the system prompt") {
  auto b = build_anthropic(R"({"model": "a/b", "messages": [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Hi"},
    {"role": "developer", "content": [{"type": "text", "text": "Answer in French."}]},
    {"role": "user", "content": "Again"},
    {"role": "assistant", "content": "Bonjour !"},
    {"role": "user", "content": [{"type": "text", "text": "Bye"}, {"type": "text", "text": ""}]}]})");
  CHECK(canon(b.body) == canon(R"({
    "model": "claude-sonnet-4-5", "max_tokens": 8192,
    "system": "Be brief.\n\nAnswer in French.",
    "messages": [
      {"role": "user", "content": [{"type": "text", "text": "Hi"}, {"type": "text", "text": "Again"}]},
      {"role": "assistant", "content": "Bonjour !"},
      {"role": "user", "content": "Bye"}]})"));
}

TEST_CASE("anthropic request: max_tokens comes from the caller, the config or the model default") {
  const char* none = R"({"model": "a/b", "messages": [{"role": "user", "content": "x"}]})";
  CHECK(build_anthropic(none).body["max_tokens"] == 8192);
  CHECK(build_anthropic(none, "claude-3-haiku-20240307").body["max_tokens"] == 4096);
  CHECK(build_anthropic(none, "claude-3-5-haiku-latest").body["max_tokens"] == 8192);
  ProviderConfig configured = testing::anthropic_provider();
  configured.default_max_tokens = 1000;
  CHECK(build_anthropic(none, "claude-sonnet-4-5", {}, configured).body["max_tokens"] == 1000);
  CHECK(build_anthropic(R"({"model": "a/b", "max_tokens": 300,
                            "messages": [{"role": "user", "content": "x"}]})")
            .body["max_tokens"] == 300);
  auto both = build_anthropic(R"({"model": "a/b", "max_tokens": 300, "max_completion_tokens": 200,
                                  "messages": [{"role": "user", "content": "x"}]})");
  CHECK(both.body["max_tokens"] == 200);
  CHECK(both.built.dropped_params.empty());
  Status bad = build_error(R"({"model": "a/b", "max_tokens": "many",
                               "messages": [{"role": "user", "content": "x"}]})");
  CHECK(bad.field() == "max_tokens");
  CHECK(anthropic_default_max_tokens("claude-opus-4-1") == 8192);
  CHECK(anthropic_default_max_tokens("claude-2.1") == 4096);
}

TEST_CASE("anthropic request: tools, tool calls and tool results round-trip") {
  auto b = build_anthropic(R"({"model": "a/b",
    "messages": [
      {"role": "user", "content": "Weather in Paris and Rome?"},
      {"role": "assistant", "content": "Let me check.", "tool_calls": [
        {"id": "call_1", "type": "function",
         "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
        {"id": "call.2:x", "type": "function",
         "function": {"name": "get_time", "arguments": ""}}]},
      {"role": "tool", "tool_call_id": "call_1", "content": "18C, sunny"},
      {"role": "tool", "tool_call_id": "call.2:x", "content": [{"type": "text", "text": "14:02"}]},
      {"role": "user", "content": "Thanks. Summarize."}],
    "tools": [
      {"type": "function", "function": {"name": "get_weather", "description": "Current weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                       "required": ["city"]}, "strict": true}},
      {"type": "function", "function": {"name": "get_time"}}],
    "tool_choice": "required", "parallel_tool_calls": false})");
  CHECK(canon(b.body) == canon(R"({
    "model": "claude-sonnet-4-5", "max_tokens": 8192,
    "messages": [
      {"role": "user", "content": "Weather in Paris and Rome?"},
      {"role": "assistant", "content": [
        {"type": "text", "text": "Let me check."},
        {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Paris"}},
        {"type": "tool_use", "id": "call_2_x", "name": "get_time", "input": {}}]},
      {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "call_1", "content": "18C, sunny"},
        {"type": "tool_result", "tool_use_id": "call_2_x",
         "content": [{"type": "text", "text": "14:02"}]},
        {"type": "text", "text": "Thanks. Summarize."}]}],
    "tools": [
      {"name": "get_weather", "description": "Current weather",
       "input_schema": {"type": "object", "properties": {"city": {"type": "string"}},
                        "required": ["city"]}, "strict": true},
      {"name": "get_time", "input_schema": {"type": "object", "properties": {}}}],
    "tool_choice": {"type": "any", "disable_parallel_tool_use": true}})"));
  CHECK(b.built.dropped_params.empty());
}

TEST_CASE("anthropic request: every tool_choice form") {
  const char* fmt = R"({"model": "a/b", "messages": [{"role": "user", "content": "x"}],
    "tools": [{"type": "function", "function": {"name": "f"}},
              {"type": "function", "function": {"name": "g"}}], "tool_choice": %s})";
  auto with = [&](const char* choice) {
    std::string body(fmt);
    body.replace(body.find("%s"), 2, choice);
    return build_anthropic(body.c_str()).body;
  };
  CHECK(canon(with(R"("auto")")["tool_choice"]) == canon(R"({"type": "auto"})"));
  CHECK(canon(with(R"("none")")["tool_choice"]) == canon(R"({"type": "none"})"));
  CHECK(canon(with(R"({"type": "function", "function": {"name": "g"}})")["tool_choice"]) ==
        canon(R"({"type": "tool", "name": "g"})"));
  Json allowed = with(R"({"type": "allowed_tools", "allowed_tools": {"mode": "required",
                          "tools": [{"type": "function", "function": {"name": "g"}}]}})");
  CHECK(canon(allowed["tool_choice"]) == canon(R"({"type": "any"})"));
  REQUIRE(allowed["tools"].size() == 1);
  CHECK(allowed["tools"][0]["name"] == "g");
}

TEST_CASE("anthropic request: tool_choice without tools is dropped and reported") {
  auto b = build_anthropic(R"({"model": "a/b", "messages": [{"role": "user", "content": "x"}],
                               "tool_choice": "auto", "parallel_tool_calls": false})");
  CHECK_FALSE(b.body.contains("tool_choice"));
  CHECK_FALSE(b.body.contains("tools"));
  CHECK(b.built.dropped_params == Names{"tool_choice"});
}

TEST_CASE("anthropic request: images as base64 and as URL, PDFs as documents") {
  auto b = build_anthropic(R"({"model": "a/b", "messages": [{"role": "user", "content": [
    {"type": "text", "text": "Compare these."},
    {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "high"}},
    {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
    {"type": "file", "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBERi0="}}]}]})");
  CHECK(canon(b.body["messages"]) == canon(R"([{"role": "user", "content": [
    {"type": "text", "text": "Compare these."},
    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
    {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
    {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0="}}]}])"));
}

TEST_CASE("anthropic request: content anthropic cannot take is refused, naming the field") {
  Status audio = build_error(R"({"model": "a/b", "messages": [{"role": "user", "content": [
    {"type": "input_audio", "input_audio": {"data": "AAA=", "format": "wav"}}]}]})");
  CHECK(audio.code() == StatusCode::kInvalidArgument);
  CHECK(audio.field() == "messages[0].content[0].type");
  CHECK(audio.message().find("input_audio") != std::string::npos);
  Status tiff = build_error(R"({"model": "a/b", "messages": [{"role": "user", "content": [
    {"type": "image_url", "image_url": {"url": "data:image/tiff;base64,AAA="}}]}]})");
  CHECK(tiff.field() == "messages[0].content[0].image_url.url");
  Status n =
      build_error(R"({"model": "a/b", "n": 2, "messages": [{"role": "user", "content": "x"}]})");
  CHECK(n.field() == "n");
  Status custom = build_error(R"({"model": "a/b", "messages": [{"role": "user", "content": "x"}],
    "tools": [{"type": "custom", "custom": {"name": "grammar"}}]})");
  CHECK(custom.field() == "tools[0].type");
  Status args = build_error(R"({"model": "a/b", "messages": [
    {"role": "user", "content": "x"},
    {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function",
      "function": {"name": "f", "arguments": "{\"city\": "}}]},
    {"role": "tool", "tool_call_id": "c1", "content": "ok"}]})");
  CHECK(args.field() == "messages[1].tool_calls[0].function.arguments");
  Status no_id = build_error(R"({"model": "a/b", "messages": [
    {"role": "user", "content": "x"}, {"role": "tool", "tool_call_id": "", "content": "1"}]})");
  CHECK(no_id.field() == "messages[1].tool_call_id");
  Status legacy = build_error(R"({"model": "a/b", "messages": [
    {"role": "user", "content": "x"}, {"role": "function", "name": "f", "content": "1"}]})");
  CHECK(legacy.field() == "messages[1].role");
}

TEST_CASE("anthropic request: stop becomes stop_sequences") {
  auto one = build_anthropic(R"({"model": "a/b", "stop": "END",
                                 "messages": [{"role": "user", "content": "x"}]})");
  CHECK(canon(one.body["stop_sequences"]) == canon(R"(["END"])"));
  auto many = build_anthropic(R"({"model": "a/b", "stop": ["a", "", "b"],
                                  "messages": [{"role": "user", "content": "x"}]})");
  CHECK(canon(many.body["stop_sequences"]) == canon(R"(["a", "b"])"));
  CHECK_FALSE(one.body.contains("stop"));
}

TEST_CASE("anthropic request: JSON mode") {
  auto schema = build_anthropic(R"({"model": "a/b", "messages": [{"role": "user", "content": "x"}],
    "response_format": {"type": "json_schema", "json_schema": {"name": "person", "strict": true,
      "schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}})");
  CHECK(canon(schema.body["output_config"]) == canon(R"({"format": {"type": "json_schema",
    "schema": {"type": "object", "properties": {"name": {"type": "string"}}}}})"));
  CHECK_FALSE(schema.body.contains("response_format"));

  auto object = build_anthropic(R"({"model": "a/b", "response_format": {"type": "json_object"},
    "messages": [{"role": "system", "content": "Extract."}, {"role": "user", "content": "x"}]})");
  CHECK(object.body["system"] == std::string("Extract.\n\n") + kAnthropicJsonObjectInstruction);
  CHECK_FALSE(object.body.contains("output_config"));

  auto text = build_anthropic(R"({"model": "a/b", "response_format": {"type": "text"},
                                  "messages": [{"role": "user", "content": "x"}]})");
  CHECK_FALSE(text.body.contains("system"));
  CHECK(text.built.dropped_params.empty());
}

TEST_CASE("anthropic request: OpenAI-only parameters are dropped and listed") {
  auto b = build_anthropic(R"({"model": "a/b", "messages": [{"role": "user", "content": "x"}],
    "seed": 7, "presence_penalty": 0.5, "frequency_penalty": 0.1, "logit_bias": {"1": 2},
    "logprobs": true, "top_logprobs": 3, "reasoning_effort": "low", "metadata": {"k": "v"},
    "store": true, "service_tier": "flex", "modalities": ["text"], "prediction": null,
    "n": 1, "user": "end-user-42", "temperature": 1.6, "top_p": 0.9, "x_vendor_flag": true,
    "stream_options": {"include_usage": true}})",
                           "claude-3-5-sonnet-latest");
  CHECK(b.built.dropped_params == Names{"seed", "presence_penalty", "frequency_penalty",
                                        "logit_bias", "logprobs", "top_logprobs",
                                        "reasoning_effort", "metadata", "store", "service_tier",
                                        "modalities", "x_vendor_flag"});
  CHECK(canon(b.body) == canon(R"({"model": "claude-3-5-sonnet-latest", "max_tokens": 8192,
    "messages": [{"role": "user", "content": "x"}], "temperature": 1.0, "top_p": 0.9,
    "metadata": {"user_id": "end-user-42"}})"));
}

TEST_CASE("anthropic request: defaults and nulls are not reported as dropped") {
  auto b = build_anthropic(R"({"model": "a/b", "messages": [{"role": "user", "content": "x"}],
    "n": 1, "logprobs": false, "store": false, "seed": null, "safety_identifier": "sid-1",
    "user": "u-2"})");
  CHECK(b.built.dropped_params.empty());
  CHECK(canon(b.body["metadata"]) == canon(R"({"user_id": "sid-1"})"));
}

TEST_CASE("anthropic request: the per-model parameter policy runs first") {
  auto opus = build_anthropic(R"({"model": "a/b", "temperature": 0.2, "top_p": 0.5,
    "messages": [{"role": "user", "content": "x"}]})",
                              "claude-opus-4-7");
  CHECK_FALSE(opus.body.contains("temperature"));
  CHECK_FALSE(opus.body.contains("top_p"));
  CHECK(opus.built.dropped_params == Names{"temperature", "top_p"});
  auto sonnet = build_anthropic(R"({"model": "a/b", "temperature": 0.2, "top_p": 0.5,
    "messages": [{"role": "user", "content": "x"}]})",
                                "claude-sonnet-4-5");
  CHECK(sonnet.body["temperature"] == 0.2);
  CHECK_FALSE(sonnet.body.contains("top_p"));
  CHECK(sonnet.built.dropped_params == Names{"top_p"});
}

TEST_CASE("anthropic request: the conversation starts with a user turn") {
  auto b = build_anthropic(R"({"model": "a/b", "messages": [
    {"role": "system", "content": "S"}, {"role": "assistant", "content": "Hi, I am here."},
    {"role": "user", "content": "ok"}]})");
  CHECK(canon(b.body["messages"]) == canon(R"([{"role": "user", "content": "."},
    {"role": "assistant", "content": "Hi, I am here."}, {"role": "user", "content": "ok"}])"));
}

TEST_CASE("anthropic request: an assistant prefix becomes the final turn without trailing space") {
  BuildOptions continuation;
  continuation.assistant_prefix = "Once upon a time \n";
  auto b = build_anthropic(
      R"({"model": "a/b", "messages": [{"role": "user", "content": "Tell a story"}]})",
      "claude-sonnet-4-5", continuation);
  CHECK(canon(b.body["messages"]) == canon(R"([{"role": "user", "content": "Tell a story"},
    {"role": "assistant", "content": "Once upon a time"}])"));
  continuation.assistant_prefix = "   ";
  auto blank =
      build_anthropic(R"({"model": "a/b", "messages": [{"role": "user", "content": "x"}]})",
                      "claude-sonnet-4-5", continuation);
  CHECK(blank.body["messages"].size() == 1);
}

TEST_CASE("anthropic request: streaming asks for SSE") {
  BuildOptions stream;
  stream.stream = true;
  stream.want_usage = true;
  auto b = build_anthropic(
      R"({"model": "a/b", "stream": true, "messages": [{"role": "user", "content": "x"}]})",
      "claude-sonnet-4-5", stream);
  CHECK(b.body["stream"] == true);
  CHECK_FALSE(b.body.contains("stream_options"));
  CHECK(header_value(b.built.http.headers, "accept") == "text/event-stream");
  auto plain = build_anthropic(
      R"({"model": "a/b", "stream": true, "messages": [{"role": "user", "content": "x"}]})");
  CHECK_FALSE(plain.body.contains("stream"));
}

TEST_CASE("anthropic request: configured headers come last and override, an empty key sends none") {
  ProviderConfig p = testing::anthropic_provider();
  p.base_url = "http://127.0.0.1:9999/anthropic/v1/";
  p.headers = {{"anthropic-version", "2099-01-01"}, {"anthropic-beta", "feature-x"}};
  auto req =
      parse_chat_request(R"({"model": "a/b", "messages": [{"role": "user", "content": "x"}]})");
  REQUIRE(req.ok());
  auto built = anthropic_adapter().build_request(*req, testing::anthropic_target(p, "m", ""), {});
  REQUIRE(built.ok());
  CHECK(built->http.base_url == "http://127.0.0.1:9999");
  CHECK(built->http.path == "/anthropic/v1/messages");
  CHECK(header_value(built->http.headers, "anthropic-version") == "2099-01-01");
  CHECK(header_value(built->http.headers, "anthropic-beta") == "feature-x");
  CHECK_FALSE(header_value(built->http.headers, "x-api-key").has_value());
  p.base_url = "not a url";
  CHECK_FALSE(anthropic_adapter().build_request(*req, testing::anthropic_target(p, "m"), {}).ok());
}

}  // namespace
}  // namespace understudy
