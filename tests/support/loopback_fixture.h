// Test support: the real Router, on the real clock and the real HttpTransport, in front of a
// FakeProviderServer on loopback. Providers "openai", "anthropic" and "gemini" (one key
// each, named NAME-1) point at the server, so its rules match them by wire format name.
// Timeouts and backoffs are tiny, so failure paths take milliseconds. Every wait is bounded;
// the destructor stops the router's transport before the server.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lib/config/config.h"
#include "lib/core/random.h"
#include "lib/core/real_clock.h"
#include "lib/router/health.h"
#include "lib/router/router.h"
#include "lib/transport/http_transport.h"
#include "mocks/fake_server.h"
#include "tests/support/router_fixture.h"

namespace understudy::testing {

// The key value of provider NAME in a LoopbackFixture (what the server must never log).
std::string loopback_key(const std::string& provider);

class LoopbackFixture final : public TransportResolver {
 public:
  explicit LoopbackFixture(std::vector<FaultRule> rules = {});
  ~LoopbackFixture() override;

  Transport& transport_for(const ProviderConfig&) override { return http_; }

  // Builds the router on first use; change `config` before that.
  Router& router();
  RouteResult complete(const std::string& model, const std::vector<std::string>& fallbacks = {},
                       const std::string& text = "hello there");
  RouteResult complete(const ChatRequest& request);
  RouteResult stream(CollectingStreamSink& sink, const std::string& model,
                     const std::vector<std::string>& fallbacks = {},
                     const std::string& text = "hello there");

  FakeProviderServer server;
  bool started = false;
  Config config;
  RealClock clock;
  SeededRandom random{7};
  HealthState health;
  RecordingSink events;

 private:
  HttpTransport http_;
  std::unique_ptr<Router> router_;
};

// A rule for provider (wire format) `provider` with one action.
FaultRule loopback_rule(const std::string& provider, FaultAction action, std::string name = "");

FaultAction error_action(int status, std::string error_type = "",
                         std::optional<Millis> retry_after = std::nullopt);
FaultAction stream_action(FaultAction::Kind kind, int after_tokens);

}  // namespace understudy::testing
