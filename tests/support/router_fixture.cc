#include "tests/support/router_fixture.h"

namespace understudy::testing {

ProviderConfig& add_provider(Config& config, const std::string& name, ProviderType type, int keys) {
  ProviderConfig p;
  p.name = name;
  p.type = type;
  p.base_url = type == ProviderType::kGemini ? "https://fake-" + name + ".test/v1beta"
                                             : "https://fake-" + name + ".test/v1";
  for (int i = 1; i <= keys; ++i) {
    KeyConfig k;
    k.name = name + "-" + std::to_string(i);
    k.source = "literal";
    k.value = "sk-" + name + "-secret-" + std::to_string(i);
    k.present = true;
    p.keys.push_back(k);
  }
  p.needs_key = keys > 0;
  return config.providers[name] = p;
}

FaultRule error_rule(const std::string& provider, int status, std::optional<Millis> retry_after) {
  FaultRule r;
  r.name = provider + "-" + std::to_string(status);
  r.providers = {provider};
  FaultAction a;
  a.kind = FaultAction::Kind::kError;
  a.status = status;
  a.retry_after = retry_after;
  r.actions = {a};
  return r;
}

void RecordingSink::on_attempt(const RequestRecord&, const AttemptRecord& a) {
  std::lock_guard<std::mutex> lock(mu_);
  attempts.push_back(a);
}

void RecordingSink::on_request(const RequestRecord& r) {
  std::lock_guard<std::mutex> lock(mu_);
  requests.push_back(r);
}

bool CollectingStreamSink::on_commit(const RequestRecord& record) {
  committed = true;
  commit_record = record;
  return stop_after_chunks != 0;
}

bool CollectingStreamSink::on_chunk(const Json& chunk) {
  chunks.push_back(chunk);
  return stop_after_chunks < 0 || static_cast<int>(chunks.size()) < stop_after_chunks;
}

void CollectingStreamSink::on_error(const Json& e) { error = e; }

std::string CollectingStreamSink::text() const {
  std::string out;
  for (const Json& c : chunks) out += chunk_text(c);
  return out;
}

RouterFixture::RouterFixture() { config.source = "<test>"; }

Router& RouterFixture::router() {
  if (!router_) {
    hook_ = std::make_unique<FaultHook>(faults, clock, random);
    RouterDeps deps;
    deps.config = &config;
    deps.clock = &clock;
    deps.random = &random;
    deps.transports = &transports;
    deps.health = &health;
    deps.events = &events;
    deps.hooks = {hook_.get()};
    router_ = std::make_unique<Router>(deps);
  }
  return *router_;
}

ChatRequest make_request(const std::string& model, const std::vector<std::string>& fallbacks,
                         const std::string& text, bool stream) {
  Json body{{"model", model},
            {"messages", Json::array({Json{{"role", "user"}, {"content", text}}})}};
  if (!fallbacks.empty()) body["fallbacks"] = fallbacks;
  if (stream) body["stream"] = true;
  auto r = parse_chat_request(body.dump());
  return std::move(r).value();
}

RouteResult RouterFixture::complete(const std::string& model,
                                    const std::vector<std::string>& fallbacks,
                                    const std::string& text, RequestContext ctx) {
  ChatRequest req = make_request(model, fallbacks, text);
  return router().complete(req, ctx);
}

RouteResult RouterFixture::stream(CollectingStreamSink& sink, const std::string& model,
                                  const std::vector<std::string>& fallbacks,
                                  const std::string& text, RequestContext ctx) {
  ChatRequest req = make_request(model, fallbacks, text, true);
  return router().stream(req, ctx, sink);
}

}  // namespace understudy::testing
