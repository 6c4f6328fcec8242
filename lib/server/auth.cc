#include "lib/server/auth.h"

#include <cctype>

namespace understudy {

bool constant_time_equals(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

std::optional<std::string> bearer_token(const std::optional<std::string>& authorization) {
  if (!authorization) return std::nullopt;
  const std::string& h = *authorization;
  static const std::string kScheme = "bearer";
  if (h.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(h[i])) != kScheme[i]) return std::nullopt;
  }
  if (h[kScheme.size()] != ' ') return std::nullopt;
  std::size_t start = h.find_first_not_of(' ', kScheme.size());
  if (start == std::string::npos) return std::nullopt;
  std::size_t end = h.find_last_not_of(" \t");
  return h.substr(start, end - start + 1);
}

bool direct_keys_enabled(const Config& config) {
  if (config.server.allow_direct_keys) return true;
  for (const auto& [name, p] : config.providers) {
    if (p.allow_direct_keys) return true;
  }
  return false;
}

bool provider_accepts_direct_keys(const Config& config, const ProviderConfig& provider) {
  return provider.allow_direct_keys || config.server.allow_direct_keys;
}

AuthOutcome authenticate(const Config& config, const std::optional<std::string>& authorization) {
  AuthOutcome out;
  std::optional<std::string> token = bearer_token(authorization);
  bool direct = direct_keys_enabled(config);
  const std::vector<std::string>& tokens = config.server.auth_tokens;
  if (tokens.empty()) {
    out.ok = true;
    if (direct && token) out.direct_key = *token;
    return out;
  }
  if (!token) {
    out.error = authorization ? "the Authorization header is not \"Bearer <token>\""
                              : "missing bearer token: send \"Authorization: Bearer <token>\" "
                                "with one of the gateway's auth tokens";
    return out;
  }
  bool known = false;
  for (const std::string& t : tokens) known = constant_time_equals(t, *token) || known;
  if (known) {
    out.ok = true;
    return out;
  }
  if (!direct) {
    out.error = "invalid bearer token: it is not one of the gateway's auth tokens";
    return out;
  }
  out.ok = true;
  out.direct_key = *token;
  out.direct_only = true;
  return out;
}

Status check_direct_key_chain(const Config& config, const FallbackPlan& plan) {
  for (std::size_t i = 0; i < plan.targets.size(); ++i) {
    const ModelRef& t = plan.targets[i];
    const ProviderConfig* p = config.provider(t.provider);
    if (p && provider_accepts_direct_keys(config, *p)) continue;
    return Status(StatusCode::kFailedPrecondition,
                  "the bearer token is not a gateway auth token, so it was taken as your own "
                  "provider key; provider \"" +
                      t.provider + "\" (chain entry " + std::to_string(i) + ", " + t.str() +
                      ") does not accept direct keys. Use a gateway token, or a chain of "
                      "providers with allow_direct_keys = true");
  }
  return Status::Ok();
}

void apply_server_direct_keys(Config& config) {
  if (!config.server.allow_direct_keys) return;
  for (auto& [name, p] : config.providers) p.allow_direct_keys = true;
}

}  // namespace understudy
