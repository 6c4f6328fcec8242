// FallbackPlan: the ordered chain of targets for one request (design §4).
//
// The chain is the request's model (or the route it names), then the request's own
// `fallbacks` if it sent any, else the route's remaining entries, else the config default
// for that model, else the config's default chain. Fallback entries may themselves be
// route aliases (expanded in place). Duplicates are dropped, first occurrence wins.
// Pure function of (config, request fields); thread-safe.
#pragma once

#include <string>
#include <vector>

#include "lib/config/config.h"
#include "lib/core/status.h"
#include "lib/model/model_ref.h"

namespace understudy {

struct FallbackPlan {
  std::string requested;          // what the caller asked for
  std::string route;              // the route alias used, "" if none
  std::vector<ModelRef> targets;  // [0] is the primary; never empty on success
  int duplicates_dropped = 0;
};

// Errors are invalid_argument naming the bad entry (field "model" or "fallbacks[i]") and
// listing the known providers (and routes, when a bare name matched nothing).
// `request_fallbacks` is null when the request had no `fallbacks` field.
Result<FallbackPlan> make_plan(const Config& config, const std::string& model,
                               const std::vector<std::string>* request_fallbacks);

// "openai, anthropic, gemini" (sorted), or "(none configured)".
std::string known_providers(const Config& config);

}  // namespace understudy
