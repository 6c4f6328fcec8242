#include "lib/sim/scenario.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lib/config/config_table.h"
#include "lib/config/fault_rule_toml.h"
#include "lib/config/provider_toml.h"
#include "lib/config/suggest.h"
#include "lib/config/toml_fields.h"
#include "lib/router/plan.h"
#include "lib/sim/expect_toml.h"
#include "lib/sim/traffic_toml.h"

namespace understudy {

namespace {

// The scenario's own top-level keys; everything else is the gateway config schema.
const std::vector<std::string> kScenarioKeys = {
    "name", "description", "seed", "virtual_time_only", "config", "traffic", "faults", "expect"};
// Gateway config sections a scenario may define inline.
const std::vector<std::string> kInlineConfigKeys = {"providers", "routes", "fallback"};
// Gateway config sections that mean nothing to simulate.
const std::vector<std::string> kUnusedConfigKeys = {"server", "ask"};

std::vector<std::string> concat(const std::vector<std::string>& a,
                                const std::vector<std::string>& b) {
  std::vector<std::string> out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

std::string file_stem(const std::string& file) {
  return std::filesystem::path(file).stem().string();
}

void read_header(TomlFields& f, Scenario& s) {
  s.name = file_stem(s.file);
  f.read_string("name", s.name);
  f.read_string("description", s.description);
  std::int64_t seed = 0;
  if (f.read_int("seed", seed, 0)) s.seed = static_cast<std::uint64_t>(seed);
  if (f.read_string("virtual_time_only", s.virtual_time_only) && s.virtual_time_only.empty()) {
    f.error("virtual_time_only",
            "give the reason the scenario only makes sense in virtual time, e.g. "
            "\"expects exact 30 s timeout latencies\"");
  }
}

void reject_unused_sections(TomlFields& f) {
  for (const std::string& key : kUnusedConfigKeys) {
    if (f.has(key)) {
      f.error(key, "[" + key +
                       "] has no effect in a scenario: simulate hands its requests straight to "
                       "the router; remove it");
    }
  }
}

// `config = "path"`: the providers, routes and fallbacks come from that file.
void load_named_config(TomlFields& f, const ConfigFileLoader& load_config, Scenario& s,
                       bool& config_ok) {
  std::string path;
  if (!f.read_string("config", path)) return;
  std::filesystem::path p(path);
  if (p.is_relative()) p = std::filesystem::path(s.file).parent_path() / p;
  s.config_path = p.lexically_normal().string();
  if (!file_is_readable(s.config_path)) {
    f.error("config", "cannot read the config file \"" + s.config_path +
                          "\" (a relative path is resolved against the scenario's directory)");
    return;
  }
  LoadResult loaded = load_config(s.config_path, simulation_env());
  f.errors().insert(f.errors().end(), loaded.errors.begin(), loaded.errors.end());
  s.config = std::move(loaded.config);
  config_ok = loaded.ok();
}

void load_inline_config(const toml::table& root, TomlFields& f, Scenario& s, bool& config_ok) {
  if (!f.has("providers")) {
    f.reject_unknown(concat(concat(kScenarioKeys, kInlineConfigKeys), kUnusedConfigKeys));
    f.error_here(
        "no providers: define them inline with [providers.NAME] tables (the understudy.toml "
        "schema) or name a config with config = \"path/to/understudy.toml\"");
    return;
  }
  LoadResult loaded =
      parse_config_table(root, s.file, simulation_env(), concat(kScenarioKeys, kUnusedConfigKeys));
  f.errors().insert(f.errors().end(), loaded.errors.begin(), loaded.errors.end());
  s.config = std::move(loaded.config);
  config_ok = loaded.ok();
}

void read_config(const toml::table& root, TomlFields& f, const ConfigFileLoader& load_config,
                 Scenario& s, bool& config_ok) {
  reject_unused_sections(f);
  if (!f.has("config")) {
    load_inline_config(root, f, s, config_ok);
    return;
  }
  f.reject_unknown(concat(concat(kScenarioKeys, kInlineConfigKeys), kUnusedConfigKeys));
  for (const std::string& key : kInlineConfigKeys) {
    if (f.has(key)) {
      f.error(key, "this scenario takes its config from config = \"...\": define [" + key +
                       "] in that file, or drop `config` and define everything inline");
    }
  }
  load_named_config(f, load_config, s, config_ok);
}

void read_faults(TomlFields& f, Scenario& s, bool config_ok) {
  const toml::node* node = f.find("faults");
  if (!node) return;
  parse_fault_rules(*node, s.file, "faults", s.faults, f.errors());
  if (!config_ok) return;
  std::vector<std::string> names;
  for (const auto& [name, p] : s.config.providers) names.push_back(name);
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    for (const std::string& provider : s.faults[i].providers) {
      if (provider.find_first_of("*?[") != std::string::npos || s.config.provider(provider)) {
        continue;
      }
      f.errors().push_back(diagnostic_at_origin(
          false, s.faults[i].origin, "faults[" + std::to_string(i) + "].providers",
          "unknown provider \"" + provider + "\"" + suggestion_suffix(provider, names)));
    }
  }
}

void sort_diagnostics(std::vector<Diagnostic>& errors, const std::string& file) {
  std::stable_sort(errors.begin(), errors.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    auto key = [&](const Diagnostic& d) {
      return std::make_pair(d.file != file, d.line > 0 ? d.line : INT32_MAX);
    };
    return key(a) < key(b);
  });
}

}  // namespace

bool Expectations::empty() const {
  return !success_rate && served_by.empty() && !max_attempts && !latency_p50_ms &&
         !latency_p95_ms && !latency_p99_ms && !ttft_p50_ms && !ttft_p95_ms && !ttft_p99_ms &&
         !slowest_ms_at_least && !caller_error_contains && !max_retries && !max_fallbacks &&
         failures_by_class.empty() && failed_attempts_by_class.empty() && !outcomes;
}

std::int64_t Scenario::total_requests() const {
  std::int64_t n = 0;
  for (const TrafficGroup& g : traffic) n += g.count;
  return n;
}

std::vector<FaultRule> Scenario::all_fault_rules() const {
  std::vector<FaultRule> rules = faults;
  rules.insert(rules.end(), config.faults.begin(), config.faults.end());
  return rules;
}

EnvLookup simulation_env() {
  return [](const std::string&) -> std::optional<std::string> { return "sim-placeholder"; };
}

ScenarioLoad parse_scenario(const std::string& text, const std::string& file,
                            const ConfigFileLoader& load_config) {
  ScenarioLoad out;
  Scenario& s = out.scenario;
  s.file = file;
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    Diagnostic d = make_error(file, static_cast<int>(e.source().begin.line), "",
                              "TOML syntax error: " + std::string(e.description()));
    d.column = static_cast<int>(e.source().begin.column);
    out.errors.push_back(std::move(d));
    return out;
  }
  TomlFields f(root, "", file, out.errors);
  read_header(f, s);
  bool config_ok = false;
  read_config(root, f, load_config, s, config_ok);
  read_faults(f, s, config_ok);
  read_traffic(f, config_ok ? &s.config : nullptr, s.traffic);
  if (const toml::table* t = f.read_table("expect")) {
    TomlFields e(*t, "expect", file, out.errors);
    if (config_ok) {
      parse_expectations(e, s.config, s.total_requests(), s.expect);
    } else {
      e.reject_unknown(expectation_keys());  // the rest needs the providers
    }
  }
  sort_diagnostics(out.errors, file);
  return out;
}

ScenarioLoad load_scenario_file(const std::string& path) {
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path, ec)) {
    ScenarioLoad out;
    out.scenario.file = path;
    out.errors.push_back(make_error(path, 0, "", "cannot read the scenario file"));
    return out;
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path);
}

std::string scenario_diagnostic_text(const Diagnostic& d, const std::string& scenario_file) {
  std::string text = d.to_string();
  const std::string prefix = "config ";
  if (!d.warning && d.file == scenario_file && text.starts_with(prefix)) {
    text = "scenario " + text.substr(prefix.size());
  }
  return text;
}

}  // namespace understudy
