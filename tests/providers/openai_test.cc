// The OpenAI adapter: request building and non-streaming response parsing
// (lib/providers/openai.h, wire-formats §2, §9). Classification and the stream decoder
// have their own files.
#include "lib/providers/openai.h"

#include <doctest/doctest.h>

#include <string>

#include "tests/support/adapter_target.h"

using namespace understudy;
using understudy::testing::AdapterTarget;

namespace {

const char* kKey = "sk-test-SECRET-0123456789";

const ProviderAdapter& adapter() { return openai_adapter(); }

struct Target : AdapterTarget {
  explicit Target(std::string base_url = "https://api.openai.com/v1", std::string key = kKey)
      : AdapterTarget("openai", std::move(base_url), "gpt-4o-mini", std::move(key)) {}
};

ChatRequest request(const std::string& bytes) {
  auto r = parse_chat_request(bytes);
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  return *r;
}

HttpRequest build(const Target& t, const ChatRequest& req, const BuildOptions& opts = {}) {
  auto built = adapter().build_request(req, t.target, opts);
  REQUIRE_MESSAGE(built.ok(), built.status().to_string());
  CHECK(built->dropped_params.empty());
  return built->http;
}

Json body_of(const HttpRequest& http) { return Json::parse(http.body); }

const char* kSimpleRequest =
    R"({"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]})";

}  // namespace

// ---- build_request ---------------------------------------------------------------------

TEST_CASE("openai build: model is rewritten, fallbacks removed, the rest passed through in order") {
  Target t;
  ChatRequest req = request(
      R"({"model":"smart","temperature":0.7,"messages":[{"role":"system","content":"Be brief."},)"
      R"({"role":"user","content":"Hello"}],"fallbacks":["anthropic/claude-haiku-4-5"],)"
      R"("x_vendor":{"b":1,"a":[true,null]},"max_completion_tokens":256,"seed":-1})");
  HttpRequest http = build(t, req);
  CHECK(http.body ==
        R"({"model":"gpt-4o-mini","temperature":0.7,"messages":[{"role":"system",)"
        R"("content":"Be brief."},{"role":"user","content":"Hello"}],)"
        R"("x_vendor":{"b":1,"a":[true,null]},"max_completion_tokens":256,"seed":-1})");
  CHECK(req.body["model"] == "smart");  // the caller's request is untouched
}

TEST_CASE("openai build: a non-streaming request drops stream and stream_options") {
  Target t;
  ChatRequest req = request(
      R"({"model":"openai/gpt-4o-mini","stream":false,"stream_options":{"include_usage":true},)"
      R"("messages":[{"role":"user","content":"Hello"}]})");
  Json body = body_of(build(t, req));
  CHECK_FALSE(body.contains("stream"));
  CHECK_FALSE(body.contains("stream_options"));
}

TEST_CASE("openai build: streaming adds stream:true and asks for usage when wanted") {
  Target t;
  BuildOptions opts;
  opts.stream = true;
  opts.want_usage = true;
  HttpRequest http = build(t, request(kSimpleRequest), opts);
  CHECK(http.body == R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}],)"
                     R"("stream":true,"stream_options":{"include_usage":true}})");
  CHECK(header_value(http.headers, "accept") == "text/event-stream");
  CHECK(header_value(http.headers, "accept-encoding") == "identity");
}

TEST_CASE("openai build: streaming keeps the caller's stream_options and their order") {
  Target t;
  BuildOptions opts;
  opts.stream = true;
  opts.want_usage = true;
  ChatRequest req = request(
      R"({"model":"a/b","stream":true,"stream_options":{"include_obfuscation":false},"n":1,)"
      R"("messages":[{"role":"user","content":"Hello"}]})");
  CHECK(build(t, req, opts).body ==
        R"({"model":"gpt-4o-mini","stream":true,"stream_options":{"include_obfuscation":false,)"
        R"("include_usage":true},"n":1,"messages":[{"role":"user","content":"Hello"}]})");

  opts.want_usage = false;
  Json without = body_of(build(t, request(kSimpleRequest), opts));
  CHECK(without["stream"] == true);
  CHECK_FALSE(without.contains("stream_options"));
}

TEST_CASE("openai build: an assistant prefix is appended as the final assistant message") {
  Target t;
  BuildOptions opts;
  opts.assistant_prefix = "Once upon a";
  Json body = body_of(build(t, request(kSimpleRequest), opts));
  REQUIRE(body["messages"].size() == 2);
  CHECK(body["messages"][0]["role"] == "user");
  CHECK(body["messages"][1] == Json{{"role", "assistant"}, {"content", "Once upon a"}});
  CHECK(body["messages"][1].dump() == R"({"role":"assistant","content":"Once upon a"})");
}

TEST_CASE("openai build: POST with JSON headers and a bearer key") {
  Target t;
  HttpRequest http = build(t, request(kSimpleRequest));
  CHECK(http.method == "POST");
  CHECK(header_value(http.headers, "content-type") == "application/json");
  CHECK(header_value(http.headers, "accept") == "application/json");
  CHECK_FALSE(header_value(http.headers, "accept-encoding").has_value());
  CHECK(header_value(http.headers, "authorization") == std::string("Bearer ") + kKey);
  CHECK(http.body.find(kKey) == std::string::npos);
}

TEST_CASE("openai build: no Authorization header without a key") {
  Target t("http://localhost:11434/v1", "");
  HttpRequest http = build(t, request(kSimpleRequest));
  CHECK_FALSE(header_value(http.headers, "authorization").has_value());
}

TEST_CASE("openai build: provider headers are added and override ours") {
  Target t;
  t.provider.headers = {{"HTTP-Referer", "https://example.com"},
                        {"X-Title", "understudy"},
                        {"authorization", "Bearer from-config"},
                        {"accept", "application/json; charset=utf-8"}};
  HttpRequest http = build(t, request(kSimpleRequest));
  CHECK(header_value(http.headers, "http-referer") == "https://example.com");
  CHECK(header_value(http.headers, "x-title") == "understudy");
  CHECK(header_value(http.headers, "authorization") == "Bearer from-config");
  CHECK(header_value(http.headers, "accept") == "application/json; charset=utf-8");
  int auth_headers = 0;
  for (const auto& [k, v] : http.headers) auth_headers += iequals(k, "authorization");
  CHECK(auth_headers == 1);
}

TEST_CASE("openai build: the URL is the base URL plus /chat/completions") {
  struct Case {
    const char* base_url;
    const char* base;
    const char* path;
  };
  for (const Case& c : {
           Case{"https://api.openai.com/v1", "https://api.openai.com", "/v1/chat/completions"},
           Case{"https://api.deepseek.com", "https://api.deepseek.com", "/chat/completions"},
           Case{"https://openrouter.ai/api/v1/", "https://openrouter.ai",
                "/api/v1/chat/completions"},
           Case{"http://localhost:11434/v1", "http://localhost:11434", "/v1/chat/completions"},
           Case{"https://api.groq.com/openai/v1", "https://api.groq.com",
                "/openai/v1/chat/completions"},
       }) {
    CAPTURE(c.base_url);
    Target t(c.base_url);
    HttpRequest http = build(t, request(kSimpleRequest));
    CHECK(http.base_url == c.base);
    CHECK(http.path == c.path);
  }
  CHECK(openai_chat_path("/v1") == "/v1/chat/completions");
  CHECK(openai_chat_path("") == "/chat/completions");
}

TEST_CASE("openai build: an invalid base_url is an error naming the provider and the URL") {
  Target t("api.openai.com/v1");
  auto built = adapter().build_request(request(kSimpleRequest), t.target, {});
  REQUIRE_FALSE(built.ok());
  CHECK(built.status().code() == StatusCode::kInvalidArgument);
  CHECK(built.status().message().find("provider openai") != std::string::npos);
  CHECK(built.status().message().find("\"api.openai.com/v1\"") != std::string::npos);
  CHECK(built.status().message().find(kKey) == std::string::npos);
}

TEST_CASE("openai adapter: type and default capabilities") {
  CHECK(adapter().type() == ProviderType::kOpenAI);
  Capabilities c = adapter().default_capabilities("gpt-4o");
  CHECK(c.streaming == true);
  CHECK(c.tools == true);
  CHECK(c.prefill == false);
}

// ---- parse_response --------------------------------------------------------------------

namespace {

const char* kGoodReply = R"({
  "id": "chatcmpl-B9xq2LrT0a", "object": "chat.completion", "created": 1755081600,
  "model": "gpt-4o-mini-2024-07-18",
  "choices": [{"index": 0, "message": {"role": "assistant",
      "content": "Hello! How can I help you today?", "refusal": null, "annotations": []},
      "logprobs": null, "finish_reason": "stop"}],
  "usage": {"prompt_tokens": 19, "completion_tokens": 9, "total_tokens": 28},
  "service_tier": "default", "system_fingerprint": "fp_5a1b2c3d4e"})";

ReplyOrFailure parse(int status, const std::string& body) {
  Target t;
  HttpResponse r;
  r.status = status;
  r.body = body;
  return adapter().parse_response(r, t.target);
}

}  // namespace

TEST_CASE("openai parse: a good reply is returned whole") {
  ReplyOrFailure r = parse(200, kGoodReply);
  REQUIRE(std::holds_alternative<ChatResponse>(r));
  const ChatResponse& resp = std::get<ChatResponse>(r);
  CHECK(resp.text() == "Hello! How can I help you today?");
  CHECK(resp.body["model"] == "gpt-4o-mini-2024-07-18");
  CHECK(resp.body["system_fingerprint"] == "fp_5a1b2c3d4e");
  Usage u = resp.usage();
  CHECK(u.prompt_tokens == 19);
  CHECK(u.completion_tokens == 9);
  CHECK(u.total_tokens == 28);
  CHECK(std::holds_alternative<ChatResponse>(parse(200, std::string("\n\n\n") + kGoodReply)));
}

TEST_CASE("openai parse: a 200 carrying an error object is a failure classified from it") {
  ReplyOrFailure r =
      parse(200, R"({"error":{"message":"The server had an error processing )"
                 R"(your request.","type":"server_error","param":null,"code":null}})");
  REQUIRE(std::holds_alternative<Failure>(r));
  Failure f = std::get<Failure>(r);
  CHECK(f.cls == FailureClass::kServer);
  CHECK(f.message == "The server had an error processing your request.");

  ReplyOrFailure limited =
      parse(200, R"({"error":{"message":"Rate limit reached",)"
                 R"("type":"rate_limit_error","code":"rate_limit_exceeded"}})");
  REQUIRE(std::holds_alternative<Failure>(limited));
  CHECK(std::get<Failure>(limited).cls == FailureClass::kRateLimit);
}

TEST_CASE("openai parse: OpenRouter's numeric error code in a 200 body gives the class") {
  ReplyOrFailure r = parse(200, R"({"error":{"code":429,"message":"Rate limit exceeded"}})");
  REQUIRE(std::holds_alternative<Failure>(r));
  Failure f = std::get<Failure>(r);
  CHECK(f.cls == FailureClass::kRateLimit);
  CHECK(f.code == "rate_limit_exceeded");
  CHECK(f.upstream_status == 0);  // the HTTP reply itself was a 200
}

TEST_CASE("openai parse: a 200 that is not JSON is a server failure with an excerpt") {
  ReplyOrFailure r = parse(200, "<html><body>Service Temporarily Unavailable</body></html>");
  REQUIRE(std::holds_alternative<Failure>(r));
  Failure f = std::get<Failure>(r);
  CHECK(f.cls == FailureClass::kServer);
  CHECK(f.message.find("not JSON") != std::string::npos);
  CHECK(f.message.find("Service Temporarily Unavailable") != std::string::npos);
  CHECK(f.upstream_status == 0);

  CHECK(std::holds_alternative<Failure>(parse(200, "")));
  CHECK(std::holds_alternative<Failure>(parse(200, "[1,2,3]")));
}

TEST_CASE("openai parse: a reply without choices is a server failure") {
  for (const char* body :
       {R"({"id":"x","object":"chat.completion","choices":[]})",
        R"({"id":"x","object":"chat.completion"})", R"({"id":"x","choices":{"0":{}}})"}) {
    CAPTURE(body);
    ReplyOrFailure r = parse(200, body);
    REQUIRE(std::holds_alternative<Failure>(r));
    CHECK(std::get<Failure>(r).cls == FailureClass::kServer);
    CHECK(std::get<Failure>(r).message.find("no choices") != std::string::npos);
  }
}

TEST_CASE("openai parse: a null error member does not make a good reply a failure") {
  Json j = Json::parse(kGoodReply);
  j["error"] = nullptr;
  CHECK(std::holds_alternative<ChatResponse>(parse(200, j.dump())));
}
