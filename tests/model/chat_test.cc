// parse_chat_request validation, and the response / chunk accessors (lib/model/chat.h).
#include "lib/model/chat.h"

#include <doctest/doctest.h>

#include <string>

using namespace understudy;

namespace {

constexpr const char* kHello = R"([{"role":"user","content":"hi"}])";

// A request body with `messages` and any extra top-level members (a JSON fragment).
std::string body_with(const std::string& messages, const std::string& extra = "") {
  std::string b = R"({"model":"openai/gpt-4o","messages":)" + messages;
  if (!extra.empty()) b += "," + extra;
  return b + "}";
}

ChatRequest parsed(const std::string& bytes) {
  auto r = parse_chat_request(bytes);
  REQUIRE_MESSAGE(r.ok(), bytes, " -> ", r.status().to_string());
  return *r;
}

Status rejected(const std::string& bytes) {
  auto r = parse_chat_request(bytes);
  REQUIRE_MESSAGE(!r.ok(), bytes, " was accepted");
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  return r.status();
}

bool mentions(const Status& s, const std::string& part) {
  return s.message().find(part) != std::string::npos;
}

}  // namespace

// ---- whole body ------------------------------------------------------------------------

TEST_CASE("chat request: a minimal request parses with defaults") {
  ChatRequest r = parsed(body_with(kHello));
  CHECK(r.model == "openai/gpt-4o");
  CHECK(r.fallbacks.empty());
  CHECK_FALSE(r.stream);
  CHECK_FALSE(r.include_usage);
  CHECK(r.body["messages"][0]["content"] == "hi");
}

TEST_CASE("chat request: invalid JSON reports the byte offset of the error") {
  Status s = rejected(R"({"model": })");
  CHECK(mentions(s, "not valid JSON"));
  CHECK(mentions(s, "byte offset 10"));  // the '}' where a value was expected
  CHECK(mentions(s, "line 1, column 11"));
  CHECK_FALSE(mentions(s, "json.exception"));
  CHECK(s.field().empty());

  CHECK(mentions(rejected(R"({"model":"a/b")"), "byte offset 14"));  // end of input
  CHECK(mentions(rejected(""), "byte offset 0"));
  CHECK(mentions(rejected("{\"model\":\"a/b\",\n\"messages\": [,]}"), "line 2"));
}

TEST_CASE("chat request: a body that is not an object is rejected") {
  for (const char* body : {"[]", "\"hello\"", "42", "null", "true"}) {
    CAPTURE(body);
    Status s = rejected(body);
    CHECK(mentions(s, "must be a JSON object"));
  }
}

// ---- model -----------------------------------------------------------------------------

TEST_CASE("chat request: model must be present, a string, and not empty") {
  Status missing = rejected(R"({"messages":[{"role":"user","content":"hi"}]})");
  CHECK(missing.field() == "model");
  CHECK(mentions(missing, "model is required"));

  Status null_model = rejected(R"({"model":null,"messages":[{"role":"user","content":"hi"}]})");
  CHECK(null_model.field() == "model");

  Status number = rejected(R"({"model":4,"messages":[{"role":"user","content":"hi"}]})");
  CHECK(number.field() == "model");
  CHECK(mentions(number, "non-empty string"));

  Status empty = rejected(R"({"model":"","messages":[{"role":"user","content":"hi"}]})");
  CHECK(empty.field() == "model");
  CHECK(mentions(empty, "non-empty string"));
}

TEST_CASE("chat request: a route alias without provider is accepted as the model") {
  ChatRequest r = parsed(R"({"model":"smart","messages":[{"role":"user","content":"hi"}]})");
  CHECK(r.model == "smart");
}

// ---- messages --------------------------------------------------------------------------

TEST_CASE("chat request: messages must be a non-empty array") {
  Status missing = rejected(R"({"model":"a/b"})");
  CHECK(missing.field() == "messages");
  CHECK(mentions(missing, "messages is required"));

  CHECK(rejected(R"({"model":"a/b","messages":null})").field() == "messages");

  Status object = rejected(body_with(R"({"role":"user"})"));
  CHECK(object.field() == "messages");
  CHECK(mentions(object, "must be an array"));

  Status empty = rejected(body_with("[]"));
  CHECK(empty.field() == "messages");
  CHECK(mentions(empty, "must not be empty"));
}

TEST_CASE("chat request: each message must be an object") {
  Status s = rejected(body_with(R"([{"role":"user","content":"hi"}, "hello"])"));
  CHECK(s.field() == "messages[1]");
  CHECK(mentions(s, "messages[1] must be an object"));
}

TEST_CASE("chat request: a message role must be a known string") {
  Status missing = rejected(body_with(R"([{"content":"hi"}])"));
  CHECK(missing.field() == "messages[0].role");
  CHECK(mentions(missing, "required"));

  Status number = rejected(body_with(R"([{"role":1,"content":"hi"}])"));
  CHECK(number.field() == "messages[0].role");

  Status unknown =
      rejected(body_with(R"([{"role":"user","content":"a"},{"role":"robot","content":"b"}])"));
  CHECK(unknown.field() == "messages[1].role");
  CHECK(mentions(unknown, "\"robot\""));
  CHECK(mentions(unknown, "system, developer, user, assistant, tool"));

  Status upper = rejected(body_with(R"([{"role":"User","content":"hi"}])"));
  CHECK(upper.field() == "messages[0].role");
}

TEST_CASE("chat request: every documented role is accepted") {
  ChatRequest r = parsed(body_with(R"([
    {"role":"system","content":"be brief"},
    {"role":"developer","content":"be brief"},
    {"role":"user","content":"hi"},
    {"role":"assistant","content":"hello"},
    {"role":"tool","tool_call_id":"call_1","content":"42"},
    {"role":"function","name":"f","content":"42"}])"));
  CHECK(r.body["messages"].size() == 6);
}

TEST_CASE("chat request: content is required except for an assistant with tool calls") {
  Status user = rejected(body_with(R"([{"role":"user"}])"));
  CHECK(user.field() == "messages[0].content");
  CHECK(mentions(user, "messages[0].content is required"));

  CHECK(rejected(body_with(R"([{"role":"user","content":null}])")).field() ==
        "messages[0].content");
  CHECK(rejected(body_with(R"([{"role":"assistant"}])")).field() == "messages[0].content");

  parsed(body_with(R"([{"role":"user","content":"weather?"},
    {"role":"assistant","tool_calls":[{"id":"call_1","type":"function",
      "function":{"name":"get_weather","arguments":"{}"}}]}])"));
  parsed(body_with(R"([{"role":"user","content":"weather?"},
    {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
      "function":{"name":"get_weather","arguments":"{}"}}]}])"));
  parsed(body_with(R"([{"role":"user","content":"x"},
    {"role":"assistant","function_call":{"name":"f","arguments":"{}"}}])"));

  Status user_with_calls =
      rejected(body_with(R"([{"role":"user","tool_calls":[{"id":"call_1"}]}])"));
  CHECK(user_with_calls.field() == "messages[0].content");
}

TEST_CASE("chat request: content must be a string or an array of typed parts") {
  Status number = rejected(body_with(R"([{"role":"user","content":5}])"));
  CHECK(number.field() == "messages[0].content");
  CHECK(mentions(number, "string or an array"));
  CHECK(rejected(body_with(R"([{"role":"user","content":{"type":"text"}}])")).field() ==
        "messages[0].content");

  ChatRequest ok = parsed(body_with(R"([{"role":"user","content":[
    {"type":"text","text":"what is this?"},
    {"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}])"));
  CHECK(ok.body["messages"][0]["content"].size() == 2);
  parsed(body_with(R"([{"role":"user","content":""}])"));
  parsed(body_with(R"([{"role":"user","content":[]}])"));
}

TEST_CASE("chat request: a bad content part names its index") {
  Status not_object =
      rejected(body_with(R"([{"role":"user","content":[{"type":"text","text":"a"},"b"]}])"));
  CHECK(not_object.field() == "messages[0].content[1]");
  CHECK(mentions(not_object, "messages[0].content[1] must be an object with a string \"type\""));

  CHECK(rejected(body_with(R"([{"role":"user","content":[{"text":"a"}]}])")).field() ==
        "messages[0].content[0]");
  CHECK(rejected(body_with(R"([{"role":"user","content":[{"type":7}]}])")).field() ==
        "messages[0].content[0]");
}

TEST_CASE("chat request: a tool message needs a string tool_call_id") {
  Status missing = rejected(body_with(R"([{"role":"user","content":"x"},
    {"role":"tool","content":"42"}])"));
  CHECK(missing.field() == "messages[1].tool_call_id");
  CHECK(mentions(missing, "role \"tool\""));
  CHECK(rejected(body_with(R"([{"role":"tool","tool_call_id":7,"content":"42"}])")).field() ==
        "messages[0].tool_call_id");
}

TEST_CASE("chat request: the first bad message is the one reported") {
  Status s = rejected(body_with(R"([{"role":"user","content":"ok"},
    {"role":"user","content":5}, {"role":"robot","content":"x"}])"));
  CHECK(s.field() == "messages[1].content");
}

// ---- gateway fields --------------------------------------------------------------------

TEST_CASE("chat request: fallbacks are read in order") {
  ChatRequest r = parsed(
      body_with(kHello, R"("fallbacks":["anthropic/claude-haiku-4-5","gemini/gemini-2.5-flash"])"));
  CHECK(r.fallbacks ==
        std::vector<std::string>{"anthropic/claude-haiku-4-5", "gemini/gemini-2.5-flash"});
  CHECK(parsed(body_with(kHello, R"("fallbacks":null)")).fallbacks.empty());
  CHECK(parsed(body_with(kHello, R"("fallbacks":[])")).fallbacks.empty());
}

TEST_CASE("chat request: fallbacks must be an array of non-empty strings") {
  Status not_array = rejected(body_with(kHello, R"("fallbacks":"anthropic/claude")"));
  CHECK(not_array.field() == "fallbacks");
  CHECK(mentions(not_array, "must be an array"));

  Status number = rejected(body_with(kHello, R"("fallbacks":["a/b", 3])"));
  CHECK(number.field() == "fallbacks[1]");
  CHECK(mentions(number, "fallbacks[1] must be a string"));

  Status empty = rejected(body_with(kHello, R"("fallbacks":["a/b", "c/d", ""])"));
  CHECK(empty.field() == "fallbacks[2]");
  CHECK(mentions(empty, "fallbacks[2] is empty"));
}

TEST_CASE("chat request: stream must be a boolean") {
  CHECK(parsed(body_with(kHello, R"("stream":true)")).stream);
  CHECK_FALSE(parsed(body_with(kHello, R"("stream":false)")).stream);
  CHECK_FALSE(parsed(body_with(kHello, R"("stream":null)")).stream);
  for (const char* bad : {R"("stream":"true")", R"("stream":1)", R"("stream":{})"}) {
    CAPTURE(bad);
    Status s = rejected(body_with(kHello, bad));
    CHECK(s.field() == "stream");
    CHECK(mentions(s, "stream must be a boolean"));
  }
}

TEST_CASE("chat request: stream_options.include_usage is read and type-checked") {
  ChatRequest r =
      parsed(body_with(kHello, R"("stream":true,"stream_options":{"include_usage":true})"));
  CHECK(r.stream);
  CHECK(r.include_usage);
  CHECK_FALSE(
      parsed(body_with(kHello, R"("stream_options":{"include_usage":false})")).include_usage);
  CHECK_FALSE(parsed(body_with(kHello, R"("stream_options":{})")).include_usage);
  CHECK_FALSE(parsed(body_with(kHello, R"("stream_options":null)")).include_usage);

  Status not_object = rejected(body_with(kHello, R"("stream_options":true)"));
  CHECK(not_object.field() == "stream_options");

  Status bad_flag = rejected(body_with(kHello, R"("stream_options":{"include_usage":"yes"})"));
  CHECK(bad_flag.field() == "stream_options.include_usage");
  CHECK(mentions(bad_flag, "must be a boolean"));
}

TEST_CASE("chat request: unknown fields are kept in the body in their original order") {
  const std::string bytes =
      R"({"temperature":0.25,"model":"openai/gpt-4o","x_vendor":{"b":1,"a":[true,null]},)"
      R"("messages":[{"role":"user","content":"hi","name":"bob"}],"max_completion_tokens":256,)"
      R"("fallbacks":["anthropic/claude-haiku-4-5"],"seed":-7,"stop":["\n\n"],)"
      R"("logit_bias":{"50256":-100}})";
  ChatRequest r = parsed(bytes);
  CHECK(r.body.dump() == bytes);
  CHECK(r.body["temperature"].get<double>() == 0.25);
  CHECK(r.body["seed"] == -7);
  CHECK(r.body["x_vendor"]["a"][1].is_null());
}

// ---- responses and chunks --------------------------------------------------------------

TEST_CASE("chat response: text() reads choices[0].message.content") {
  ChatResponse r{Json::parse(R"({"choices":[{"index":0,"message":{"role":"assistant",
      "content":"Hello! How can I help you today?"},"finish_reason":"stop"},
      {"index":1,"message":{"role":"assistant","content":"second"}}]})")};
  CHECK(r.text() == "Hello! How can I help you today?");
}

TEST_CASE("chat response: text() joins text parts and ignores other parts") {
  ChatResponse r{Json::parse(R"({"choices":[{"message":{"role":"assistant","content":[
      {"type":"text","text":"Hel"},{"type":"refusal","refusal":"no"},
      {"type":"text","text":"lo"},{"type":"text","text":5}]}}]})")};
  CHECK(r.text() == "Hello");
}

TEST_CASE("chat response: text() skips parts whose type is not a string instead of throwing") {
  // `ask --via` reads replies from any URL it is pointed at: they must not crash it.
  ChatResponse r{Json::parse(R"({"choices":[{"message":{"role":"assistant","content":[
      {"type":5,"text":"x"},{"type":null},"plain",{"type":"text","text":"ok"}]}}]})")};
  CHECK(r.text() == "ok");
}

TEST_CASE("chat response: text() is empty when there is no text to read") {
  CHECK(ChatResponse{Json::object()}.text().empty());
  CHECK(ChatResponse{Json::parse(R"({"choices":[]})")}.text().empty());
  CHECK(ChatResponse{Json::parse(R"({"choices":"x"})")}.text().empty());
  CHECK(ChatResponse{Json::parse(R"({"choices":[{"finish_reason":"stop"}]})")}.text().empty());
  CHECK(ChatResponse{Json::parse(R"({"choices":[{"message":{"content":null,
      "tool_calls":[{"id":"call_1"}]}}]})")}
            .text()
            .empty());
}

TEST_CASE("chat response: usage() reads the usage object when there is one") {
  ChatResponse with{Json::parse(R"({"choices":[],"usage":{"prompt_tokens":19,
      "completion_tokens":9,"total_tokens":28}})")};
  Usage u = with.usage();
  CHECK(u.present);
  CHECK(u.prompt_tokens == 19);
  CHECK(u.completion_tokens == 9);
  CHECK(u.total_tokens == 28);
  CHECK_FALSE(ChatResponse{Json::parse(R"({"choices":[]})")}.usage().present);
}

TEST_CASE("usage: absent or null fields count as zero and the total is derived") {
  Usage u = usage_from_json(Json::parse(R"({"prompt_tokens":10,"completion_tokens":null})"));
  CHECK(u.present);
  CHECK(u.prompt_tokens == 10);
  CHECK(u.completion_tokens == 0);
  CHECK(u.total_tokens == 10);

  Usage derived = usage_from_json(Json::parse(R"({"prompt_tokens":3,"completion_tokens":4})"));
  CHECK(derived.total_tokens == 7);

  Usage given =
      usage_from_json(Json::parse(R"({"prompt_tokens":3,"completion_tokens":4,"total_tokens":9})"));
  CHECK(given.total_tokens == 9);

  CHECK_FALSE(usage_from_json(Json()).present);
  CHECK_FALSE(usage_from_json(Json::parse("[1,2]")).present);
  Usage strings = usage_from_json(Json::parse(R"({"prompt_tokens":"3"})"));
  CHECK(strings.present);
  CHECK(strings.prompt_tokens == 0);
}

TEST_CASE("chunk: content, refusal and tool calls count as content; role and finish do not") {
  auto chunk = [](const char* delta, const char* finish = "null") {
    return Json::parse(
        std::string(R"({"object":"chat.completion.chunk","choices":[{"index":0,"delta":)") + delta +
        R"(,"finish_reason":)" + finish + "}]}");
  };
  CHECK(chunk_has_content(chunk(R"({"content":"Hello"})")));
  CHECK(chunk_has_content(chunk(R"({"refusal":"I can't"})")));
  CHECK(chunk_has_content(chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"{"}}]})")));
  CHECK_FALSE(chunk_has_content(chunk(R"({"role":"assistant","content":""})")));
  CHECK_FALSE(chunk_has_content(chunk(R"({"role":"assistant","content":null})")));
  CHECK_FALSE(chunk_has_content(chunk(R"({})", R"("stop")")));
  CHECK_FALSE(chunk_has_content(chunk(R"({"tool_calls":[]})")));
  CHECK_FALSE(chunk_has_content(Json::parse(R"({"choices":[],"usage":{"total_tokens":3}})")));
  CHECK_FALSE(chunk_has_content(Json::parse(R"({"error":{"message":"x"}})")));
  CHECK_FALSE(chunk_has_content(Json::parse(R"({"choices":[{"delta":"text"}]})")));
  CHECK_FALSE(chunk_has_content(Json::parse(R"({"choices":[5]})")));
}

TEST_CASE("chunk: chunk_text and chunk_finish_reason read the first choice") {
  Json text = Json::parse(
      R"({"choices":[{"index":0,"delta":{"content":" you today?"},"finish_reason":null}]})");
  CHECK(chunk_text(text) == " you today?");
  CHECK(chunk_finish_reason(text).empty());

  Json done = Json::parse(R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})");
  CHECK(chunk_text(done).empty());
  CHECK(chunk_finish_reason(done) == "stop");

  Json tools = Json::parse(R"({"choices":[{"delta":{},"finish_reason":"tool_calls"}]})");
  CHECK(chunk_finish_reason(tools) == "tool_calls");

  Json usage_only = Json::parse(R"({"choices":[],"usage":{"total_tokens":28}})");
  CHECK(chunk_text(usage_only).empty());
  CHECK(chunk_finish_reason(usage_only).empty());
  CHECK(chunk_text(Json::parse(R"({"choices":[{"delta":{"content":null}}]})")).empty());
  CHECK(chunk_finish_reason(Json::parse(R"({"choices":[7]})")).empty());
}

TEST_CASE("chat request: a body nested deeper than the limit is rejected before it is parsed") {
  // 200 KB of brackets once parsed fine and then overflowed the stack when the body was
  // copied for the upstream request: serve crashed.
  Status deep =
      rejected(body_with(kHello, R"("x":)" + std::string(100000, '[') + std::string(100000, ']')));
  CHECK(mentions(deep, "more than 256 levels deep"));
  CHECK(mentions(deep, "byte offset 328"));
  // Nesting that real requests use (tool schemas, content parts) is far below the limit.
  ChatRequest ok =
      parsed(body_with(kHello, R"("x":)" + std::string(200, '[') + std::string(200, ']')));
  CHECK(ok.body["x"].is_array());
}

TEST_CASE("chat response: text() skips parts whose type is not a string") {
  ChatResponse r{Json::parse(R"({"choices":[{"message":{"content":[
    {"type":5,"text":"no"},{"type":"text","text":"yes"}]}}]})")};
  std::string text;
  CHECK_NOTHROW(text = r.text());
  CHECK(text == "yes");
}
