#include "lib/config/check_report.h"

#include "lib/config/config_lint.h"
#include "lib/config/key_path.h"
#include "lib/core/duration.h"
#include "lib/router/plan.h"

namespace understudy {

namespace {

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string ms(Millis m) { return format_millis(m.count()); }

std::string describe_source(const Config& config, const ConfigLocation& where) {
  if (where.path.empty()) {
    return "source: zero-config (no --config, no $UNDERSTUDY_CONFIG, no ./understudy.toml): "
           "presets whose API key variable is set, plus ollama\n";
  }
  std::string format =
      where.path.size() >= 5 && where.path.compare(where.path.size() - 5, 5, ".json") == 0
          ? "Bifrost config.json"
          : "understudy TOML";
  return "source: " + config.source + " (" + format + ", from " + where.how + ")\n";
}

std::string describe_key(const KeyConfig& key) {
  std::string line =
      "      " + key.name + "  " + key.source + "  " + (key.present ? "<set>" : "<missing>");
  if (key.weight != 1.0) line += "  weight " + format_number(key.weight);
  if (!key.models.empty()) line += "  models " + join(key.models);
  return line + "\n";
}

std::string describe_provider(const Config& config, const ProviderConfig& p) {
  std::string out = "  " + p.name + ": type " + provider_type_name(p.type);
  if (!p.preset.empty()) out += " (preset " + p.preset + ")";
  out += ", base_url " + (p.base_url.empty() ? std::string("(in-process)") : p.base_url) + "\n";
  const TimeoutPolicy& t = p.timeouts;
  out += "    timeouts: connect " + ms(t.connect) + ", headers " + ms(t.headers) +
         ", first token " + ms(t.first_token) + ", stream idle " + ms(t.stream_idle) + "\n";
  const RetryPolicy& r = p.retry;
  out += "    retries: max " + std::to_string(r.max_retries) + ", backoff " +
         ms(r.backoff_initial) + " .. " + ms(r.backoff_max) + ", jitter " +
         format_number(r.jitter) + ", 429 cooldown " + ms(r.rate_limit_cooldown) + "\n";
  if (!p.tls_verify) out += "    tls: certificate verification OFF\n";
  if (!p.ca_file.empty()) out += "    tls: extra CA " + p.ca_file + "\n";
  if (!p.models.empty()) out += "    models: " + join(p.models) + "\n";
  if (!p.headers.empty()) {
    std::vector<std::string> names;
    for (const auto& [name, value] : p.headers) names.push_back(name);
    out += "    headers: " + join(names) + " (values hidden)\n";
  }
  if (!p.needs_key) {
    out += "    keys: none needed\n";
  } else if (p.keys.empty()) {
    bool direct = p.allow_direct_keys || config.server.allow_direct_keys;
    out += std::string("    keys: none") + (direct ? " (callers bring their own)" : "") + "\n";
  } else {
    out += "    keys:\n";
    for (const KeyConfig& key : p.keys) out += describe_key(key);
  }
  return out;
}

std::string resolved_chain(const Config& config, const std::string& model, bool skip_first) {
  auto plan = make_plan(config, model, nullptr);
  if (!plan.ok()) return "(cannot resolve: " + plan.status().message() + ")";
  std::vector<std::string> names;
  for (std::size_t i = skip_first ? 1 : 0; i < plan->targets.size(); ++i) {
    names.push_back(plan->targets[i].str());
  }
  return names.empty() ? "(no fallbacks)" : join(names, " -> ");
}

std::string describe_routing(const Config& config) {
  std::string out = "routes (" + std::to_string(config.routes.size()) + "):\n";
  for (const auto& [name, route] : config.routes) {
    std::string chain = looks_like_model_ref(name)
                            ? "(unreachable: the name contains \"/\") " + join(route.chain, " -> ")
                            : resolved_chain(config, name, false);
    out += "  " + name + " -> " + chain + "\n";
  }
  const FallbackConfig& f = config.fallback;
  out += "fallback: deadline " + ms(f.deadline) + ", on_content_policy " +
         (f.on_content_policy ? "true" : "false") + "\n";
  for (const auto& [primary, chain] : f.chains) {
    out += "  " + primary + " -> " + resolved_chain(config, primary, true) + "\n";
  }
  out += "  any other model -> " +
         (f.default_chain.empty() ? std::string("(no fallbacks)") : join(f.default_chain, " -> ")) +
         "\n";
  if (!config.ask.model.empty()) {
    out += "ask: " + config.ask.model;
    if (!config.ask.fallbacks.empty()) out += " -> " + join(config.ask.fallbacks, " -> ");
    out += "\n";
  }
  return out;
}

std::string describe_server(const ServerConfig& s) {
  return "server: " + s.host + ":" + std::to_string(s.port) + ", auth tokens " +
         std::to_string(s.auth_tokens.size()) + ", max_concurrent " +
         std::to_string(s.max_concurrent) + ", max_queue " + std::to_string(s.max_queue) +
         (s.drop_excess ? " (drop excess)" : "") + ", max body " +
         std::to_string(s.max_body_bytes) + " bytes\n";
}

std::string describe_faults(const std::vector<FaultRule>& faults) {
  int enabled = 0;
  for (const FaultRule& r : faults) enabled += r.enabled ? 1 : 0;
  return "faults: " + std::to_string(faults.size()) + " rule" + (faults.size() == 1 ? "" : "s") +
         " (" + std::to_string(enabled) + " enabled)\n";
}

std::string describe_list(const char* title, const std::vector<Diagnostic>& list) {
  std::string out = std::string(title) + " (" + std::to_string(list.size()) + ")" +
                    (list.empty() ? "" : ":") + "\n";
  for (const Diagnostic& d : list) out += "  " + d.to_string() + "\n";
  return out;
}

}  // namespace

CheckReport build_check_report(const LoadResult& result, const ConfigLocation& where) {
  const Config& config = result.config;
  CheckReport report;
  std::vector<Diagnostic> warnings = result.warnings;
  if (result.ok()) {
    std::vector<Diagnostic> lint = lint_config(config);
    warnings.insert(warnings.end(), lint.begin(), lint.end());
    sort_by_line(warnings);
  }
  std::string& out = report.text;
  out += describe_source(config, where);
  out += describe_server(config.server);
  out += "providers (" + std::to_string(config.providers.size()) + "):\n";
  for (const auto& [name, p] : config.providers) out += describe_provider(config, p);
  out += describe_routing(config);
  out += describe_faults(config.faults);
  out += describe_list("warnings", warnings);
  out += describe_list("errors", result.errors);
  report.valid = result.ok();
  report.warnings = static_cast<int>(warnings.size());
  report.errors = static_cast<int>(result.errors.size());
  out += report.valid ? "config is valid\n"
                      : "config is INVALID: " + std::to_string(report.errors) + " error" +
                            (report.errors == 1 ? "" : "s") + "\n";
  return report;
}

}  // namespace understudy
