// lint_config: warnings about a config that loads but is unlikely to do what its author
// wants. Used by `understudy check` (and by `serve` at start-up, to log them).
//
// Warns about: a chain whose targets are all on one provider; a target on a provider with
// no usable key for that model (no key present, or the keys' model filters exclude it);
// duplicate entries in a chain; an unreachable route (its name contains "/", so requests
// naming it parse as provider/model, or none of its targets has a usable key).
// Chains are resolved with make_plan (lib/router/plan.h), exactly as requests will be.
// Pure function of the Config.
#pragma once

#include <string>
#include <vector>

#include "lib/config/config.h"
#include "lib/config/diagnostics.h"

namespace understudy {

std::vector<Diagnostic> lint_config(const Config& config);

// True when `provider` can authenticate a request for `model`: it needs no key, or a key
// that is present and whose model filter admits the model, or callers may bring their own.
bool has_usable_key(const Config& config, const ProviderConfig& provider, const std::string& model);

}  // namespace understudy
