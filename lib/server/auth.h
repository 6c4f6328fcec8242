// Caller authentication and direct keys for `serve` (docs/serve.md, "Access").
//
// The rule, from the config and the request's "Authorization: Bearer <token>":
//   * server.auth_tokens empty: no authentication. If direct keys are enabled (server-level
//     allow_direct_keys, or any provider's), a bearer token is passed to the router as the
//     direct key; providers that accept direct keys use it, the others use their own keys.
//   * server.auth_tokens set: a bearer token equal to one of them authenticates the caller,
//     who then uses the configured keys. Any other token is refused with 401, unless direct
//     keys are enabled: then it is taken as the caller's own provider key, and the request
//     may only reach providers that accept direct keys (check_direct_key_chain), because a
//     caller without a gateway token must never spend the gateway's keys.
// Tokens are compared in constant time. Neither tokens nor keys appear in any message.
// Pure functions.
#pragma once

#include <optional>
#include <string>

#include "lib/config/config.h"
#include "lib/core/status.h"
#include "lib/router/plan.h"

namespace understudy {

struct AuthOutcome {
  bool ok = false;
  std::string direct_key;    // "" when none
  bool direct_only = false;  // the caller may only reach providers accepting direct keys
  std::string error;         // when !ok: why, for the 401 message
};

// `authorization` is the raw Authorization header, if any.
AuthOutcome authenticate(const Config& config, const std::optional<std::string>& authorization);

// The token of "Bearer <token>" (scheme case-insensitive), or nullopt.
std::optional<std::string> bearer_token(const std::optional<std::string>& authorization);

// True when direct keys are enabled at all (server-level switch or any provider's).
bool direct_keys_enabled(const Config& config);

// A provider accepts the caller's key when it or [server] says allow_direct_keys.
bool provider_accepts_direct_keys(const Config& config, const ProviderConfig& provider);

// For direct_only callers: an error naming the first target whose provider does not accept
// direct keys, or OK.
Status check_direct_key_chain(const Config& config, const FallbackPlan& plan);

// [server] allow_direct_keys means every provider accepts direct keys; the router reads the
// provider-level flag only, so `serve` applies the server-level switch to every provider.
void apply_server_direct_keys(Config& config);

// Equal strings in time independent of where they differ.
bool constant_time_equals(const std::string& a, const std::string& b);

}  // namespace understudy
