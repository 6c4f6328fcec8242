// The OpenAI adapter's pass-through fast path (lib/providers/openai.cc, json_splice.h): a
// request parsed from bytes is rewritten by splicing those bytes, and a reply's own bytes go
// back to the caller. Both must give exactly what editing and dumping the tree gives.
#include <doctest/doctest.h>

#include <string>
#include <variant>
#include <vector>

#include "lib/providers/openai.h"
#include "tests/support/adapter_target.h"

using namespace understudy;
using understudy::testing::AdapterTarget;

namespace {

struct Target : AdapterTarget {
  explicit Target(std::string model = "gpt-4o-mini")
      : AdapterTarget("openai", "https://api.openai.com/v1", std::move(model), "sk-test") {}
};

ChatRequest request(const std::string& bytes) {
  auto r = parse_chat_request(bytes);
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  return *r;
}

std::string build_body(const Target& t, const ChatRequest& req, const BuildOptions& opts) {
  auto built = openai_adapter().build_request(req, t.target, opts);
  REQUIRE_MESSAGE(built.ok(), built.status().to_string());
  return built->http.body;
}

// The same request without its raw bytes: the adapter must edit the parsed tree.
ChatRequest tree_only(ChatRequest req) {
  req.raw.clear();
  return req;
}

const char* kRequests[] = {
    R"({"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]})",
    R"( {"messages" : [{"role":"user","content":"caf\u00e9 \"quoted\" }{"}], "model":"smart",)"
    R"( "fallbacks":["anthropic/claude-haiku-4-5"], "temperature": 1.50 })",
    R"({"model":"a/b","stream":false,"stream_options":null,"n":1,)"
    R"("messages":[{"role":"user","content":"x"}],"fallbacks":null})",
    R"({"model":"a/b","stream":true,"stream_options":{"include_usage":true},)"
    R"("messages":[{"role":"user","content":"x"}],"tools":[{"type":"function",)"
    R"("function":{"name":"f","parameters":{"type":"object","properties":{}}}}]})",
    R"({"model":"a/b","stream":true,"stream_options":{"include_obfuscation":false},)"
    R"("messages":[{"role":"user","content":"x"}]})",
};

}  // namespace

TEST_CASE("openai splice: the spliced body is the same document as the edited tree") {
  Target t;
  for (const char* bytes : kRequests) {
    for (int mode = 0; mode < 3; ++mode) {
      BuildOptions opts;
      opts.stream = mode > 0;
      opts.want_usage = mode == 2;
      CAPTURE(bytes);
      CAPTURE(mode);
      ChatRequest req = request(bytes);
      Json spliced = Json::parse(build_body(t, req, opts));
      Json tree = Json::parse(build_body(t, tree_only(req), opts));
      CHECK(spliced == tree);  // ordered: the member order must match too
      CHECK(spliced.dump() == tree.dump());
    }
  }
}

TEST_CASE("openai splice: untouched values keep the caller's exact bytes") {
  Target t;
  ChatRequest req = request(kRequests[1]);
  std::string body = build_body(t, req, {});
  CHECK(body.find(R"("temperature":1.50)") != std::string::npos);  // not re-spelled as 1.5
  CHECK(body.find(R"(caf\u00e9 \"quoted\" }{)") != std::string::npos);
  CHECK(body.find("fallbacks") == std::string::npos);
  CHECK(body.find(R"("model":"gpt-4o-mini")") != std::string::npos);
}

TEST_CASE("openai splice: a parameter the model's policy renames still takes the tree path") {
  Target t("o3-mini");
  ChatRequest req = request(
      R"({"model":"openai/o3-mini","max_tokens":50,"messages":[{"role":"user","content":"x"}]})");
  auto built = openai_adapter().build_request(req, t.target, {});
  REQUIRE(built.ok());
  Json body = Json::parse(built->http.body);
  CHECK_FALSE(body.contains("max_tokens"));
  CHECK(body["max_completion_tokens"] == 50);
}

TEST_CASE("openai splice: a reply's own bytes are kept for the caller unless it has extra_fields") {
  Target t;
  HttpResponse r;
  r.status = 200;
  r.body = R"({"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini",)"
           R"("choices":[{"index":0,"message":{"role":"assistant","content":"hi"},)"
           R"("finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1}})";
  ReplyOrFailure plain = openai_adapter().parse_response(r, t.target);
  REQUIRE(std::holds_alternative<ChatResponse>(plain));
  CHECK(std::get<ChatResponse>(plain).raw == r.body);

  r.body.insert(r.body.size() - 1, R"(,"extra_fields":{"provider":"upstream-gateway"})");
  ReplyOrFailure chained = openai_adapter().parse_response(r, t.target);
  REQUIRE(std::holds_alternative<ChatResponse>(chained));
  CHECK(std::get<ChatResponse>(chained).raw.empty());
}
