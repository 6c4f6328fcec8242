#include "tests/support/loopback_fixture.h"

#include "mocks/fault_action_json.h"

namespace understudy::testing {

namespace {

FakeServerOptions server_options(std::vector<FaultRule> rules) {
  FakeServerOptions o;
  o.rules = std::move(rules);
  o.seed = 11;
  return o;
}

void add_loopback_provider(Config& config, const std::string& name, ProviderType type,
                           const std::string& base_url) {
  ProviderConfig& p = add_provider(config, name, type, 1);
  p.base_url = base_url;
  p.keys[0].value = loopback_key(name);
  p.retry.backoff_initial = Millis(10);
  p.retry.backoff_max = Millis(40);
  p.retry.rate_limit_cooldown = Millis(200);
  p.timeouts.connect = Millis(1000);
  p.timeouts.headers = Millis(3000);
  p.timeouts.first_token = Millis(3000);
  p.timeouts.stream_idle = Millis(3000);
}

}  // namespace

std::string loopback_key(const std::string& provider) {
  return "sk-" + provider + "-loopback-secret-0123456789";
}

LoopbackFixture::LoopbackFixture(std::vector<FaultRule> rules)
    : server(server_options(std::move(rules))) {
  started = server.start().ok();
  config.source = "<loopback>";
  config.fallback.deadline = Millis(15000);
  std::string base = server.base_url();
  add_loopback_provider(config, "openai", ProviderType::kOpenAI, base + "/v1");
  add_loopback_provider(config, "anthropic", ProviderType::kAnthropic, base + "/v1");
  add_loopback_provider(config, "gemini", ProviderType::kGemini, base + "/v1beta");
}

LoopbackFixture::~LoopbackFixture() {
  router_.reset();
  server.stop();
}

Router& LoopbackFixture::router() {
  if (!router_) {
    RouterDeps deps;
    deps.config = &config;
    deps.clock = &clock;
    deps.random = &random;
    deps.transports = this;
    deps.health = &health;
    deps.events = &events;
    router_ = std::make_unique<Router>(deps);
  }
  return *router_;
}

RouteResult LoopbackFixture::complete(const std::string& model,
                                      const std::vector<std::string>& fallbacks,
                                      const std::string& text) {
  return complete(make_request(model, fallbacks, text));
}

RouteResult LoopbackFixture::complete(const ChatRequest& request) {
  return router().complete(request, RequestContext{});
}

RouteResult LoopbackFixture::stream(CollectingStreamSink& sink, const std::string& model,
                                    const std::vector<std::string>& fallbacks,
                                    const std::string& text) {
  ChatRequest req = make_request(model, fallbacks, text, true);
  return router().stream(req, RequestContext{}, sink);
}

FaultRule loopback_rule(const std::string& provider, FaultAction action, std::string name) {
  FaultRule r;
  std::string what =
      action.status ? std::to_string(action.status) : fault_action_kind_name(action.kind);
  r.name = name.empty() ? provider + "-" + what : std::move(name);
  r.providers = {provider};
  r.actions = {std::move(action)};
  return r;
}

FaultAction error_action(int status, std::string error_type, std::optional<Millis> retry_after) {
  FaultAction a;
  a.kind = FaultAction::Kind::kError;
  a.status = status;
  a.error_type = std::move(error_type);
  a.retry_after = retry_after;
  return a;
}

FaultAction stream_action(FaultAction::Kind kind, int after_tokens) {
  FaultAction a;
  a.kind = kind;
  a.after_tokens = after_tokens;
  return a;
}

}  // namespace understudy::testing
