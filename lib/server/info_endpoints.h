// The read-only endpoints of `serve`: GET /v1/models and GET /health (docs/serve.md).
//
// /v1/models lists, in OpenAI's list shape, every "provider/model" a provider advertises
// (its `models`) and every route alias (owned_by "understudy", with its chain). /health is
// liveness plus each provider's state: whole-provider and per-key cooldowns from the shared
// HealthState, and how many keys are usable now. Pure functions of their inputs.
#pragma once

#include <string>

#include "lib/config/config.h"
#include "lib/core/clock.h"
#include "lib/model/json.h"
#include "lib/router/health.h"

namespace understudy {

Json models_list(const Config& config);

// One entry of models_list by id ("provider/model" or a route alias), or null Json if unknown.
Json find_model(const Config& config, const std::string& id);

struct HealthInputs {
  bool draining = false;  // shutting down: /health answers 503
  std::int64_t uptime_ms = 0;
  int in_flight = 0;
  int queued = 0;
};

// {"status": "ok"|"draining", "uptime_ms", "in_flight", "queued", "providers": {NAME: {...}}}
// where each provider has "type", "state" ("ok", "cooling" or "no_keys"), "keys_total",
// "keys_available", "keys" (name, available, and cooling_ms / reason / missing), and
// "cooldown" when the whole provider is cooling.
Json health_report(const Config& config, const HealthState& health, TimePoint now,
                   const HealthInputs& inputs);

}  // namespace understudy
