// Test support: a Router wired to in-process fakes on a VirtualClock, plus builders for
// configs and fault rules. Nothing here opens a socket or really sleeps.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lib/config/config.h"
#include "lib/core/random.h"
#include "lib/core/virtual_clock.h"
#include "lib/router/health.h"
#include "lib/router/router.h"
#include "mocks/fault_hook.h"
#include "mocks/scripted_transport.h"

namespace understudy::testing {

// Adds a provider with `keys` keys named NAME-1, NAME-2... (values "sk-NAME-i").
ProviderConfig& add_provider(Config& config, const std::string& name,
                             ProviderType type = ProviderType::kOpenAI, int keys = 1);

// A rule that answers `provider` (all its models) with HTTP `status`.
FaultRule error_rule(const std::string& provider, int status,
                     std::optional<Millis> retry_after = std::nullopt);

// Records every event.
class RecordingSink final : public EventSink {
 public:
  void on_attempt(const RequestRecord& r, const AttemptRecord& a) override;
  void on_request(const RequestRecord& r) override;
  std::vector<AttemptRecord> attempts;
  std::vector<RequestRecord> requests;

 private:
  std::mutex mu_;
};

// Collects a stream as the caller would see it.
class CollectingStreamSink final : public StreamSink {
 public:
  bool on_commit(const RequestRecord& record) override;
  bool on_chunk(const Json& chunk) override;
  void on_error(const Json& error) override;
  void on_done() override { done = true; }
  std::string text() const;  // concatenated delta.content

  bool committed = false;
  RequestRecord commit_record;
  std::vector<Json> chunks;
  std::optional<Json> error;
  bool done = false;
  int stop_after_chunks = -1;  // >= 0: pretend the caller left after this many chunks
};

class HealthyTransports final : public TransportResolver {
 public:
  HealthyTransports(Clock& clock, Random& random) : transport_(clock, random) {}
  Transport& transport_for(const ProviderConfig&) override { return transport_; }

 private:
  ScriptedTransport transport_;
};

struct RouterFixture {
  RouterFixture();
  Config config;
  VirtualClock clock;
  SeededRandom random{42};
  HealthState health;
  RecordingSink events;
  HealthyTransports transports{clock, random};
  std::vector<FaultRule> faults;

  // Builds the router (and the fault hook from `faults`) on first use.
  Router& router();
  RouteResult complete(const std::string& model, const std::vector<std::string>& fallbacks = {},
                       const std::string& text = "hello there", RequestContext ctx = {});
  RouteResult stream(CollectingStreamSink& sink, const std::string& model,
                     const std::vector<std::string>& fallbacks = {},
                     const std::string& text = "hello there", RequestContext ctx = {});

 private:
  std::unique_ptr<FaultHook> hook_;
  std::unique_ptr<Router> router_;
};

// A ChatRequest for `model` with one user message.
ChatRequest make_request(const std::string& model, const std::vector<std::string>& fallbacks,
                         const std::string& text, bool stream = false);

}  // namespace understudy::testing
