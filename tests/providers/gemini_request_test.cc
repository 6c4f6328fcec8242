// Golden tests: OpenAI chat request -> Gemini generateContent request.
#include "lib/providers/gemini_request.h"

#include <doctest/doctest.h>

#include "lib/providers/gemini.h"
#include "lib/providers/gemini_contents.h"
#include "lib/providers/gemini_ids.h"

using namespace understudy;

namespace {

ProviderConfig gemini_provider() {
  ProviderConfig p;
  p.name = "gemini";
  p.type = ProviderType::kGemini;
  p.base_url = "https://generativelanguage.googleapis.com/v1beta";
  return p;
}

ChatRequest chat(const Json& body) {
  auto parsed = parse_chat_request(body.dump());
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().to_string());
  return *parsed;
}

struct Built {
  BuiltRequest req;
  Json body;
};

Built build(const Json& body, BuildOptions options = {}, std::string model = "gemini-2.5-flash",
            std::string key = "AIza-test-key") {
  static ProviderConfig provider = gemini_provider();
  AttemptTarget target{{"gemini", model}, &provider, nullptr, key};
  auto r = gemini_adapter().build_request(chat(body), target, options);
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  return Built{*r, Json::parse(r->http.body)};
}

Status build_error(const Json& body) {
  static ProviderConfig provider = gemini_provider();
  AttemptTarget target{{"gemini", "gemini-2.5-flash"}, &provider, nullptr, "k"};
  auto r = gemini_adapter().build_request(chat(body), target, {});
  REQUIRE_FALSE(r.ok());
  return r.status();
}

Json user(const char* text) { return Json{{"role", "user"}, {"content", text}}; }

}  // namespace

TEST_CASE("gemini request: system and user text become systemInstruction and a user turn") {
  Built b =
      build({{"model", "gemini/gemini-2.5-flash"},
             {"messages",
              {{{"role", "system"}, {"content", "You are a concise assistant."}}, user("Hello")}},
             {"max_completion_tokens", 256},
             {"temperature", 0.7}});
  Json expected = Json::parse(R"({
    "contents": [{"role": "user", "parts": [{"text": "Hello"}]}],
    "systemInstruction": {"parts": [{"text": "You are a concise assistant."}]},
    "generationConfig": {"maxOutputTokens": 256, "temperature": 0.7}
  })");
  CHECK(b.body == expected);
  CHECK(b.req.dropped_params.empty());
  CHECK(b.req.http.method == "POST");
  CHECK(b.req.http.base_url == "https://generativelanguage.googleapis.com");
  CHECK(b.req.http.path == "/v1beta/models/gemini-2.5-flash:generateContent");
}

TEST_CASE("gemini request: key goes in x-goog-api-key and provider headers override") {
  ProviderConfig provider = gemini_provider();
  provider.headers = {{"X-Goog-Api-Client", "understudy"}, {"Accept", "application/x-test"}};
  AttemptTarget target{{"gemini", "gemini-2.5-flash"}, &provider, nullptr, "AIza-secret"};
  auto r = gemini_adapter().build_request(chat({{"model", "m"}, {"messages", {user("hi")}}}),
                                          target, {});
  REQUIRE(r.ok());
  const Headers& h = r->http.headers;
  CHECK(header_value(h, "x-goog-api-key") == "AIza-secret");
  CHECK_FALSE(header_value(h, "Authorization").has_value());
  CHECK(header_value(h, "Content-Type") == "application/json");
  CHECK(header_value(h, "Accept") == "application/x-test");
  CHECK(header_value(h, "X-Goog-Api-Client") == "understudy");
  CHECK(r->http.body.find("AIza-secret") == std::string::npos);

  target.key_value = "";
  auto no_key = gemini_adapter().build_request(chat({{"model", "m"}, {"messages", {user("hi")}}}),
                                               target, {});
  REQUIRE(no_key.ok());
  CHECK_FALSE(header_value(no_key->http.headers, "x-goog-api-key").has_value());
}

TEST_CASE("gemini request: streaming uses streamGenerateContent?alt=sse") {
  BuildOptions opts;
  opts.stream = true;
  Built b = build({{"model", "m"},
                   {"messages", {user("hi")}},
                   {"stream", true},
                   {"stream_options", {{"include_usage", true}}}},
                  opts);
  CHECK(b.req.http.path == "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
  CHECK(header_value(b.req.http.headers, "Accept") == "text/event-stream");
  CHECK(header_value(b.req.http.headers, "Accept-Encoding") == "identity");
  CHECK_FALSE(b.body.contains("stream"));
  CHECK(b.req.dropped_params.empty());  // stream and stream_options are the gateway's
}

TEST_CASE("gemini request: a model given as models/x is not prefixed twice") {
  CHECK(gemini_method_path("/v1beta", "models/gemini-2.5-pro", false) ==
        "/v1beta/models/gemini-2.5-pro:generateContent");
  CHECK(gemini_method_path("/v1beta", "tunedModels/my-tune", true) ==
        "/v1beta/tunedModels/my-tune:streamGenerateContent?alt=sse");
  CHECK(gemini_method_path("", "odd model?", false) == "/models/odd%20model%3F:generateContent");
  Built b = build({{"model", "m"}, {"messages", {user("hi")}}}, {}, "models/gemini-2.5-flash");
  CHECK(b.req.http.path == "/v1beta/models/gemini-2.5-flash:generateContent");
}

TEST_CASE("gemini request: consecutive same-role turns merge and assistant becomes model") {
  Built b = build({{"model", "m"},
                   {"messages",
                    {user("one"),
                     user("two"),
                     {{"role", "assistant"}, {"content", "three"}},
                     {{"role", "developer"}, {"content", "be brief"}},
                     user("four")}}});
  Json expected = Json::parse(R"([
    {"role": "user", "parts": [{"text": "one"}, {"text": "two"}]},
    {"role": "model", "parts": [{"text": "three"}]},
    {"role": "user", "parts": [{"text": "four"}]}
  ])");
  CHECK(b.body["contents"] == expected);
  CHECK(b.body["systemInstruction"] == Json::parse(R"({"parts": [{"text": "be brief"}]})"));
}

TEST_CASE("gemini request: generationConfig fields are camelCase") {
  Built b = build({{"model", "m"},
                   {"messages", {user("hi")}},
                   {"max_tokens", 100},
                   {"top_p", 0.9},
                   {"stop", "END"},
                   {"n", 2},
                   {"presence_penalty", 0.5},
                   {"frequency_penalty", -0.5},
                   {"seed", 42},
                   {"logprobs", true},
                   {"top_logprobs", 3}});
  Json expected = Json::parse(R"({
    "maxOutputTokens": 100, "topP": 0.9, "stopSequences": ["END"], "candidateCount": 2,
    "presencePenalty": 0.5, "frequencyPenalty": -0.5, "seed": 42,
    "responseLogprobs": true, "logprobs": 3
  })");
  CHECK(b.body["generationConfig"] == expected);
  CHECK(b.req.dropped_params.empty());
}

TEST_CASE("gemini request: max_completion_tokens wins over max_tokens; stop arrays pass") {
  Built b = build({{"model", "m"},
                   {"messages", {user("hi")}},
                   {"max_tokens", 10},
                   {"max_completion_tokens", 20},
                   {"stop", {"a", "b"}}});
  CHECK(b.body["generationConfig"] ==
        Json::parse(R"({"maxOutputTokens": 20, "stopSequences": ["a", "b"]})"));
}

TEST_CASE("gemini request: JSON mode maps to responseMimeType and responseJsonSchema") {
  Built obj = build({{"model", "m"},
                     {"messages", {user("json please")}},
                     {"response_format", {{"type", "json_object"}}}});
  CHECK(obj.body["generationConfig"] == Json::parse(R"({"responseMimeType": "application/json"})"));
  Json schema = Json::parse(R"({"type": "object", "properties": {"a": {"type": "integer"}},
                                "required": ["a"], "additionalProperties": false})");
  Built sch =
      build({{"model", "m"},
             {"messages", {user("json please")}},
             {"response_format",
              {{"type", "json_schema"},
               {"json_schema", {{"name", "thing"}, {"strict", true}, {"schema", schema}}}}}});
  CHECK(sch.body["generationConfig"]["responseMimeType"] == "application/json");
  CHECK(sch.body["generationConfig"]["responseJsonSchema"] == schema);
  Built text =
      build({{"model", "m"}, {"messages", {user("hi")}}, {"response_format", {{"type", "text"}}}});
  CHECK_FALSE(text.body.contains("generationConfig"));
  Status bad = build_error(
      {{"model", "m"}, {"messages", {user("hi")}}, {"response_format", {{"type", "yaml"}}}});
  CHECK(bad.field() == "response_format.type");
}

TEST_CASE("gemini request: parameters Gemini cannot take are dropped and listed") {
  Built b = build({{"model", "m"},
                   {"messages", {user("hi")}},
                   {"logit_bias", {{"50256", -100}}},
                   {"user", "u-1"},
                   {"parallel_tool_calls", false},
                   {"store", true},
                   {"metadata", {{"k", "v"}}},
                   {"service_tier", "auto"},
                   {"temperature", nullptr},
                   {"fallbacks", {"openai/gpt-4o"}}});
  CHECK(b.req.dropped_params == std::vector<std::string>{"logit_bias", "user",
                                                         "parallel_tool_calls", "store", "metadata",
                                                         "service_tier"});
  CHECK(b.body == Json::parse(R"({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]})"));
}

TEST_CASE("gemini request: reasoning_effort becomes thinkingConfig where the model thinks") {
  Json body{{"model", "m"}, {"messages", {user("hi")}}, {"reasoning_effort", "low"}};
  CHECK(build(body, {}, "gemini-2.5-flash").body["generationConfig"]["thinkingConfig"] ==
        Json::parse(R"({"thinkingBudget": 1024})"));
  CHECK(build(body, {}, "gemini-3-pro-preview").body["generationConfig"]["thinkingConfig"] ==
        Json::parse(R"({"thinkingLevel": "LOW"})"));
  body["reasoning_effort"] = "none";
  CHECK(build(body, {}, "gemini-2.5-pro").body["generationConfig"]["thinkingConfig"] ==
        Json::parse(R"({"thinkingBudget": 128})"));
  CHECK(build(body, {}, "gemini-2.5-flash").body["generationConfig"]["thinkingConfig"] ==
        Json::parse(R"({"thinkingBudget": 0})"));
  body["reasoning_effort"] = "high";
  CHECK(build(body, {}, "gemini-3-flash").body["generationConfig"]["thinkingConfig"] ==
        Json::parse(R"({"thinkingLevel": "HIGH"})"));
  Built old = build(body, {}, "gemini-2.0-flash");
  CHECK_FALSE(old.body.contains("generationConfig"));
  CHECK(old.req.dropped_params == std::vector<std::string>{"reasoning_effort"});
}

TEST_CASE("gemini request: tools become functionDeclarations with the schema untouched") {
  Json params = Json::parse(R"({"type": "object", "properties": {"city": {"type": "string"}},
                                "required": ["city"], "additionalProperties": false,
                                "$defs": {"x": {"type": "string"}}})");
  Built b = build({{"model", "m"},
                   {"messages", {user("weather in Paris?")}},
                   {"tools",
                    {{{"type", "function"},
                      {"function",
                       {{"name", "get_weather"},
                        {"description", "Current weather for a city"},
                        {"parameters", params},
                        {"strict", true}}}},
                     {{"type", "function"}, {"function", {{"name", "now"}}}}}},
                   {"tool_choice", "required"}});
  Json expected_tools = Json::array({{{"functionDeclarations",
                                       {{{"name", "get_weather"},
                                         {"description", "Current weather for a city"},
                                         {"parametersJsonSchema", params}},
                                        {{"name", "now"}}}}}});
  CHECK(b.body["tools"] == expected_tools);
  CHECK(b.body["toolConfig"] == Json::parse(R"({"functionCallingConfig": {"mode": "ANY"}})"));
  CHECK(b.req.dropped_params == std::vector<std::string>{"tools[].function.strict"});
}

TEST_CASE("gemini request: every tool_choice form maps to functionCallingConfig") {
  Json tools = Json::parse(R"([{"type": "function", "function": {"name": "a"}},
                               {"type": "function", "function": {"name": "b"}}])");
  auto config = [&](const Json& choice) {
    Built b = build(
        {{"model", "m"}, {"messages", {user("hi")}}, {"tools", tools}, {"tool_choice", choice}});
    return b.body;
  };
  CHECK(config("auto")["toolConfig"]["functionCallingConfig"] == Json{{"mode", "AUTO"}});
  CHECK(config("none")["toolConfig"]["functionCallingConfig"] == Json{{"mode", "NONE"}});
  CHECK(
      config(Json::parse(R"({"type": "function", "function": {"name": "b"}})"))["toolConfig"] ==
      Json::parse(R"({"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["b"]}})"));
  Json required = Json::parse(R"({"type": "allowed_tools", "allowed_tools": {"mode": "required",
                                  "tools": [{"type": "function", "function": {"name": "a"}}]}})");
  CHECK(
      config(required)["toolConfig"] ==
      Json::parse(R"({"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["a"]}})"));
  Json allowed_auto = required;
  allowed_auto["allowed_tools"]["mode"] = "auto";
  Json body = config(allowed_auto);
  CHECK(body["toolConfig"]["functionCallingConfig"] == Json{{"mode", "AUTO"}});
  CHECK(body["tools"][0]["functionDeclarations"] == Json::parse(R"([{"name": "a"}])"));

  Built no_tools = build({{"model", "m"}, {"messages", {user("hi")}}, {"tool_choice", "none"}});
  CHECK_FALSE(no_tools.body.contains("toolConfig"));
  CHECK(no_tools.req.dropped_params == std::vector<std::string>{"tool_choice"});
  Status custom = build_error({{"model", "m"},
                               {"messages", {user("hi")}},
                               {"tools", tools},
                               {"tool_choice", {{"type", "custom"}, {"custom", {{"name", "x"}}}}}});
  CHECK(custom.field() == "tool_choice");
  Status custom_tool = build_error(
      {{"model", "m"},
       {"messages", {user("hi")}},
       {"tools", Json::parse(R"([{"type": "custom", "custom": {"name": "grammar"}}])")}});
  CHECK(custom_tool.field() == "tools[0].type");
}

TEST_CASE("gemini request: a tool call and its result round-trip with name, id and signature") {
  std::string id = encode_gemini_call_id(gemini_call_stem("resp1", 0, 0),
                                         GeminiCallRef{"fc-77", "CiQBjz1rX0example=="});
  Built b = build(
      {{"model", "m"},
       {"messages",
        {user("weather in Paris and Rome?"),
         {{"role", "assistant"},
          {"content", nullptr},
          {"tool_calls",
           {{{"id", id},
             {"type", "function"},
             {"function", {{"name", "get_weather"}, {"arguments", "{\"city\":\"Paris\"}"}}}},
            {{"id", "call_plain2"},
             {"type", "function"},
             {"function", {{"name", "get_weather"}, {"arguments", "{\"city\":\"Rome\"}"}}}}}}},
         {{"role", "tool"}, {"tool_call_id", id}, {"content", "{\"temp_c\": 21}"}},
         {{"role", "tool"}, {"tool_call_id", "call_plain2"}, {"content", "sunny"}},
         user("thanks")}}});
  Json expected = Json::parse(R"([
    {"role": "user", "parts": [{"text": "weather in Paris and Rome?"}]},
    {"role": "model", "parts": [
      {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}, "id": "fc-77"},
       "thoughtSignature": "CiQBjz1rX0example=="},
      {"functionCall": {"name": "get_weather", "args": {"city": "Rome"}}}]},
    {"role": "user", "parts": [
      {"functionResponse": {"name": "get_weather", "response": {"temp_c": 21}, "id": "fc-77"}},
      {"functionResponse": {"name": "get_weather", "response": {"output": "sunny"}}},
      {"text": "thanks"}]}
  ])");
  CHECK(b.body["contents"] == expected);
}

TEST_CASE("gemini request: a caller's id that decodes to non-text bytes is not sent upstream") {
  // Once, the decoded bytes went into functionCall.id and the request could not be serialized.
  const char* id = "call_x-i4_____";
  Built b = build({{"model", "m"},
                   {"messages",
                    {user("hi"),
                     {{"role", "assistant"},
                      {"content", nullptr},
                      {"tool_calls",
                       {{{"id", id},
                         {"type", "function"},
                         {"function", {{"name", "lookup"}, {"arguments", "{}"}}}}}}},
                     {{"role", "tool"}, {"tool_call_id", id}, {"content", "1"}}}}});
  const Json& model_turn = b.body["contents"][1];
  CHECK_FALSE(model_turn["parts"][0]["functionCall"].contains("id"));
  CHECK_FALSE(b.body["contents"][2]["parts"][0]["functionResponse"].contains("id"));
}

TEST_CASE("gemini request: unsigned function calls from another provider get the bypass value") {
  Built b =
      build({{"model", "m"},
             {"messages",
              {user("hi"),
               {{"role", "assistant"},
                {"content", "Let me check."},
                {"tool_calls",
                 {{{"id", "toolu_01Qm4Wd8"},
                   {"type", "function"},
                   {"function", {{"name", "lookup"}, {"arguments", ""}}}}}}},
               {{"role", "tool"}, {"tool_call_id", "toolu_01Qm4Wd8"}, {"content", "[1, 2]"}}}}});
  Json expected = Json::parse(R"([
    {"role": "user", "parts": [{"text": "hi"}]},
    {"role": "model", "parts": [
      {"text": "Let me check."},
      {"functionCall": {"name": "lookup", "args": {}},
       "thoughtSignature": "skip_thought_signature_validator"}]},
    {"role": "user", "parts": [
      {"functionResponse": {"name": "lookup", "response": {"output": "[1, 2]"}}}]}
  ])");
  CHECK(b.body["contents"] == expected);
}

TEST_CASE("gemini request: a tool result without a matching call is a named error") {
  Status s = build_error(
      {{"model", "m"},
       {"messages",
        {user("hi"), {{"role", "tool"}, {"tool_call_id", "call_x"}, {"content", "1"}}}}});
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.field() == "messages[1].tool_call_id");
  CHECK(s.message().find("call_x") != std::string::npos);
}

TEST_CASE("gemini request: tool call arguments must be a JSON object") {
  Status s = build_error({{"model", "m"},
                          {"messages",
                           {user("hi"),
                            {{"role", "assistant"},
                             {"tool_calls",
                              {{{"id", "c1"},
                                {"type", "function"},
                                {"function", {{"name", "f"}, {"arguments", "{not json"}}}}}}}}}});
  CHECK(s.field() == "messages[1].tool_calls[0].function.arguments");
}

TEST_CASE("gemini request: images become inlineData or fileData, never downloaded") {
  Built b = build(
      {{"model", "m"},
       {"messages",
        {{{"role", "user"},
          {"content",
           {{{"type", "text"}, {"text", "compare"}},
            {{"type", "image_url"}, {"image_url", {{"url", "data:image/png;base64,iVBORw0KGgo="}}}},
            {{"type", "image_url"},
             {"image_url",
              {{"url", "https://example.com/photos/cat.WEBP?size=large"}, {"detail", "high"}}}},
            {{"type", "image_url"}, {"image_url", {{"url", "http://example.com/img"}}}}}}}}}});
  Json expected = Json::parse(R"([{"role": "user", "parts": [
    {"text": "compare"},
    {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}},
    {"fileData": {"mimeType": "image/webp", "fileUri": "https://example.com/photos/cat.WEBP?size=large"}},
    {"fileData": {"mimeType": "image/jpeg", "fileUri": "http://example.com/img"}}
  ]}])");
  CHECK(b.body["contents"] == expected);
}

TEST_CASE("gemini request: audio and inline documents are inlineData; bad media are named") {
  Built b = build(
      {{"model", "m"},
       {"messages",
        {{{"role", "user"},
          {"content",
           {{{"type", "input_audio"}, {"input_audio", {{"data", "UklGRg=="}, {"format", "wav"}}}},
            {{"type", "file"},
             {"file",
              {{"filename", "r.pdf"}, {"file_data", "data:application/pdf;base64,JVBERi0="}}}},
            {{"type", "file"}, {"file", {{"filename", "notes.txt"}, {"file_data", "aGk="}}}}}}}}}});
  Json expected = Json::parse(R"([{"role": "user", "parts": [
    {"inlineData": {"mimeType": "audio/wav", "data": "UklGRg=="}},
    {"inlineData": {"mimeType": "application/pdf", "data": "JVBERi0="}},
    {"inlineData": {"mimeType": "text/plain", "data": "aGk="}}
  ]}])");
  CHECK(b.body["contents"] == expected);

  auto with_part = [](const Json& part) {
    return Json{{"model", "m"},
                {"messages", {{{"role", "user"}, {"content", Json::array({part})}}}}};
  };
  CHECK(build_error(with_part({{"type", "file"}, {"file", {{"file_id", "file-abc"}}}})).field() ==
        "messages[0].content[0].file");
  CHECK(build_error(with_part({{"type", "image_url"}, {"image_url", {{"url", "ftp://x/y.png"}}}}))
            .field() == "messages[0].content[0].image_url.url");
  CHECK(build_error(
            with_part({{"type", "image_url"}, {"image_url", {{"url", "data:image/png,abc"}}}}))
            .field() == "messages[0].content[0].image_url.url");
  CHECK(build_error(with_part({{"type", "video_url"}})).field() == "messages[0].content[0].type");
}

TEST_CASE("gemini request: an assistant prefix becomes a final model turn") {
  BuildOptions opts;
  opts.assistant_prefix = "Once upon a";
  Built b = build({{"model", "m"}, {"messages", {user("tell a story")}}}, opts);
  CHECK(b.body["contents"].back() ==
        Json::parse(R"({"role": "model", "parts": [{"text": "Once upon a"}]})"));
  CHECK(b.body["contents"].size() == 2);
}

TEST_CASE("gemini request: a system-only conversation is sent as a user turn") {
  Built b = build({{"model", "m"}, {"messages", {{{"role", "system"}, {"content", "Say hi."}}}}});
  CHECK(b.body["contents"] == Json::parse(R"([{"role": "user", "parts": [{"text": "Say hi."}]}])"));
  CHECK_FALSE(b.body.contains("systemInstruction"));
}

TEST_CASE("gemini request: image URL media types are guessed from the extension") {
  CHECK(guess_image_mime_type("https://x/a.png") == "image/png");
  CHECK(guess_image_mime_type("https://x/a.jpeg#frag") == "image/jpeg");
  CHECK(guess_image_mime_type("https://x/a.gif") == "image/gif");
  CHECK(guess_image_mime_type("https://x/a.heic") == "image/heic");
  CHECK(guess_image_mime_type("https://x.png/photo") == "image/jpeg");
}
