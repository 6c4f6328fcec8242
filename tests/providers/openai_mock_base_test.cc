// A `type = "mock"` provider has no base_url (check shows "(in-process)"); its requests
// must still build, since the in-process ScriptedTransport answers them.
#include <doctest/doctest.h>

#include "lib/providers/openai.h"

namespace understudy {
namespace {

Result<BuiltRequest> build_for(const ProviderConfig& p) {
  auto req = parse_chat_request(R"({"model":"m/x","messages":[{"role":"user","content":"hi"}]})");
  REQUIRE(req.ok());
  AttemptTarget t{ModelRef{p.name, "x"}, &p, nullptr, ""};
  return adapter_for(p.type).build_request(*req, t, BuildOptions{});
}

TEST_CASE("openai adapter: an in-process mock provider needs no base_url") {
  ProviderConfig mock;
  mock.name = "healthy";
  mock.type = ProviderType::kMock;
  auto built = build_for(mock);
  REQUIRE(built.ok());
  CHECK(built->http.path == "/v1/chat/completions");
  CHECK(built->http.body == R"({"model":"x","messages":[{"role":"user","content":"hi"}]})");
}

TEST_CASE("openai adapter: a real provider without base_url is still an error") {
  ProviderConfig real;
  real.name = "custom";
  real.type = ProviderType::kOpenAI;
  auto built = build_for(real);
  REQUIRE_FALSE(built.ok());
  CHECK(built.status().message() == "provider custom: invalid base_url \"\"");
}

}  // namespace
}  // namespace understudy
