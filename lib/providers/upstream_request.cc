#include "lib/providers/upstream_request.h"

namespace understudy {

Result<HttpRequest> start_upstream_request(const ProviderConfig& provider,
                                           const std::string& path_suffix) {
  // An in-process mock (type = "mock") needs no URL: its requests never leave the process
  // (check shows its base_url as "(in-process)"), so any well-formed address will do.
  bool in_process = provider.type == ProviderType::kMock && provider.base_url.empty();
  auto url = split_url(in_process ? "http://mock.invalid/v1" : provider.base_url);
  if (!url) {
    return invalid_argument("provider " + provider.name + ": invalid base_url \"" +
                            provider.base_url + "\"");
  }
  HttpRequest req;
  req.method = "POST";
  req.base_url = url->base;
  req.path = url->path + path_suffix;
  return req;
}

void add_upstream_headers(HttpRequest& req, bool stream, const AuthHeader& auth,
                          const std::string& key_value, const ProviderConfig& provider,
                          const Headers& fixed) {
  Headers& h = req.headers;
  h.emplace_back("Content-Type", "application/json");
  for (const auto& kv : fixed) h.push_back(kv);
  h.emplace_back("Accept", stream ? "text/event-stream" : "application/json");
  if (stream) h.emplace_back("Accept-Encoding", "identity");
  if (!key_value.empty()) h.emplace_back(auth.name, auth.prefix + key_value);
  for (const auto& [k, v] : provider.headers) set_header(h, k, v);
}

Capabilities standard_capabilities(bool prefill, std::optional<std::int64_t> context_window) {
  Capabilities c;
  c.streaming = true;
  c.tools = true;
  c.vision = true;
  c.json_mode = true;
  c.prefill = prefill;
  c.context_window = context_window;
  return c;
}

}  // namespace understudy
