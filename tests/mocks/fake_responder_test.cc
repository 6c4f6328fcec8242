// The decisions of the fake provider server without a socket (mocks/fake_responder.h,
// mocks/fake_validate.h): credentials and their fingerprints, rule matching on the server's
// view of a request, and the plans it builds.
#include "mocks/fake_responder.h"

#include <doctest/doctest.h>

#include "mocks/fake_validate.h"
#include "tests/support/fake_http_client.h"

using namespace understudy;
using namespace understudy::testing;

namespace {

FaultRule status_rule(std::vector<std::string> providers, int status) {
  FaultRule r;
  r.name = "r" + std::to_string(status);
  r.providers = std::move(providers);
  FaultAction a;
  a.kind = FaultAction::Kind::kError;
  a.status = status;
  r.actions = {a};
  return r;
}

int plan_status(const ResponsePlan& p) {
  for (const PlanStep& s : p.steps) {
    if (s.kind == PlanStep::Kind::kHead) return s.status;
  }
  return 0;
}

}  // namespace

TEST_CASE("fake validate: credentials are found where each format carries them") {
  auto cred = find_credential(WireFormat::kOpenAI, openai_request("x", false, "sk-abc"));
  REQUIRE(cred.has_value());
  CHECK(cred->header == "authorization");
  CHECK(cred->value == "sk-abc");
  HttpRequest basic = openai_request("x");
  basic.headers = {{"Authorization", "Basic dXNlcjpwdw=="}};
  CHECK_FALSE(find_credential(WireFormat::kOpenAI, basic).has_value());
  CHECK(find_credential(WireFormat::kAnthropic, anthropic_request("x"))->header == "x-api-key");
  HttpRequest query;
  query.path = "/v1beta/models/m:streamGenerateContent?alt=sse&key=AIza-1";
  auto q = find_credential(WireFormat::kGemini, query);
  REQUIRE(q.has_value());
  CHECK(q->header == "key");
  CHECK(q->value == "AIza-1");
}

TEST_CASE("fake validate: fingerprints are the first 8 hex chars of SHA-256") {
  CHECK(credential_fingerprint("abc") == "ba7816bf");
  CHECK(credential_fingerprint("abd") != credential_fingerprint("abc"));
  CHECK(redact_key_query("/v1beta/models/m:x?alt=sse&key=secret&b=1") ==
        "/v1beta/models/m:x?alt=sse&key=[redacted]&b=1");
  CHECK(redact_key_query("/v1/messages") == "/v1/messages");
}

TEST_CASE("fake responder: the credential is checked before the body") {
  FakeResponder responder({}, "", 1);
  HttpRequest req = anthropic_request("hi");
  req.headers = {{"content-type", "application/json"}};
  req.body = "{not json";
  FakeResponse r = responder.respond(req, 0, Millis(0));
  CHECK(plan_status(r.plan) == 401);
  CHECK(r.rejection == "x-api-key header is required");
  CHECK(r.body == "{not json");  // logged as text when it is not JSON
}

TEST_CASE("fake responder: a rule naming the server applies to every format") {
  FakeResponder named({status_rule({"edge-*"}, 502)}, "edge-1", 1);
  CHECK(plan_status(named.respond(openai_request("a"), 0, Millis(0)).plan) == 502);
  CHECK(plan_status(named.respond(gemini_request("a"), 1, Millis(0)).plan) == 502);
  FakeResponder unnamed({status_rule({"edge-*"}, 502)}, "", 1);
  CHECK(plan_status(unnamed.respond(openai_request("a"), 0, Millis(0)).plan) == 200);
}

TEST_CASE("fake responder: request windows, time windows and reset") {
  FaultRule window = status_rule({"openai"}, 500);
  window.request_from = 1;
  window.request_to = 2;
  FaultRule later = status_rule({"anthropic"}, 503);
  later.after = Millis(1000);
  later.times = 1;
  FakeResponder responder({window, later}, "", 1);
  CHECK(plan_status(responder.respond(openai_request("a"), 0, Millis(0)).plan) == 200);
  CHECK(plan_status(responder.respond(openai_request("a"), 1, Millis(0)).plan) == 500);
  CHECK(plan_status(responder.respond(openai_request("a"), 2, Millis(0)).plan) == 200);
  CHECK(plan_status(responder.respond(anthropic_request("a"), 3, Millis(999)).plan) == 200);
  CHECK(plan_status(responder.respond(anthropic_request("a"), 4, Millis(1000)).plan) == 503);
  CHECK(plan_status(responder.respond(anthropic_request("a"), 5, Millis(2000)).plan) == 200);
  responder.reset();  // the `times` budget starts over
  FakeResponse again = responder.respond(anthropic_request("a"), 0, Millis(1500));
  CHECK(plan_status(again.plan) == 503);
  CHECK(again.attempt == 1);
}

TEST_CASE("fake responder: unknown paths get 404 and other methods 405") {
  FakeResponder responder({}, "", 1);
  HttpRequest unknown = openai_request("a");
  unknown.path = "/v1/embeddings";
  FakeResponse r = responder.respond(unknown, 0, Millis(0));
  CHECK(plan_status(r.plan) == 404);
  CHECK(r.format.empty());
  HttpRequest get = openai_request("a");
  get.method = "GET";
  FakeResponse g = responder.respond(get, 1, Millis(0));
  CHECK(plan_status(g.plan) == 405);
  CHECK(g.format == "openai");
}

TEST_CASE(
    "fake responder: fields of the wrong type get the provider's answer, never an exception") {
  FakeResponder responder({}, "", 1);
  auto respond_with = [&](HttpRequest req, const std::string& body) {
    req.body = body;
    FakeResponse r;
    CHECK_NOTHROW(r = responder.respond(req, 0, Millis(0)));
    return r;
  };
  const std::string hi = R"([{"role":"user","content":"hi"}])";
  // OpenAI: a model that is not a string is a 400 like the real API's, not an abort.
  FakeResponse model = respond_with(openai_request("x"), R"({"model":5,"messages":)" + hi + "}");
  CHECK(plan_status(model.plan) == 400);
  CHECK(model.rejection == "you must provide a model parameter");
  FakeResponse role =
      respond_with(openai_request("x"), R"({"model":"m","messages":[{"role":5,"content":"hi"}]})");
  CHECK(plan_status(role.plan) == 400);
  // Flags of the wrong type read as false.
  FakeResponse stream = respond_with(
      openai_request("x"), R"({"model":"m","stream":"yes","stream_options":{"include_usage":1},)"
                           R"("messages":)" +
                               hi + "}");
  CHECK(plan_status(stream.plan) == 200);
  CHECK_FALSE(stream.stream);
  // Anthropic: a content block whose type is not a string is answered, not thrown on.
  FakeResponse block = respond_with(
      anthropic_request("x"),
      R"({"model":"m","max_tokens":9,"messages":[{"role":"user","content":[{"type":5}]}]})");
  CHECK(plan_status(block.plan) != 0);
  // Gemini: contents entries that are not objects are skipped, the rest is answered.
  FakeResponse gemini =
      respond_with(gemini_request("x"), R"({"contents":[5,{"parts":[{"text":"hi"}]}]})");
  CHECK(plan_status(gemini.plan) == 200);
}
