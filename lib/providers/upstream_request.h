// What every adapter's build_request starts and ends with: the provider's base URL split
// into the request's base and path prefix, the standard headers (JSON content type, Accept,
// identity encoding for streams, the auth header when a key is used, fixed per-format
// headers), the provider's own `headers` applied last so they override, and the usual
// capability set. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "lib/config/config.h"
#include "lib/core/status.h"
#include "lib/transport/http.h"

namespace understudy {

// A POST to the provider's base (scheme://host:port) with path = base path + `path_suffix`.
// An in-process mock provider without a base_url gets a placeholder "http://mock.invalid/v1".
// Error: invalid_argument naming the provider and its base_url.
Result<HttpRequest> start_upstream_request(const ProviderConfig& provider,
                                           const std::string& path_suffix);

struct AuthHeader {
  std::string name;    // "Authorization", "x-api-key", "x-goog-api-key"
  std::string prefix;  // "Bearer " or ""
};

// Adds the standard headers to `req`; `key_value` "" sends no auth header.
void add_upstream_headers(HttpRequest& req, bool stream, const AuthHeader& auth,
                          const std::string& key_value, const ProviderConfig& provider,
                          const Headers& fixed = {});

// Streaming, tools, vision and JSON mode on; `prefill` and `context_window` as given.
Capabilities standard_capabilities(bool prefill, std::optional<std::int64_t> context_window);

}  // namespace understudy
