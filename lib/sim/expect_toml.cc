#include "lib/sim/expect_toml.h"

#include "lib/config/suggest.h"
#include "lib/sim/outcome.h"

namespace understudy {

namespace {

const std::vector<std::string> kKeys = {
    "success_rate",   "served_by",      "served_by_tolerance", "max_attempts", "latency_p50_ms",
    "latency_p95_ms", "latency_p99_ms", "ttft_p50_ms",         "ttft_p95_ms",  "ttft_p99_ms",
    "max_retries",    "max_fallbacks",  "failures_by_class",   "outcomes"};

void read_optional_int(TomlFields& f, const char* key, std::int64_t min,
                       std::optional<std::int64_t>& out) {
  std::int64_t v = 0;
  if (f.read_int(key, v, min)) out = v;
}

// A served_by key is a provider or provider/model; the provider must be configured.
bool valid_target(TomlFields& f, const toml::node& node, const std::string& path,
                  const std::string& target, const Config& config) {
  std::string problem = outcome_notation_problem(target, config);
  if (problem.empty() && target.find(':') == std::string::npos) return true;
  if (problem.empty()) problem = "\"" + target + "\" is not a provider or provider/model";
  f.error_at(node, path, problem);
  return false;
}

void read_served_by(TomlFields& f, const Config& config, Expectations& out) {
  const toml::table* t = f.read_table("served_by");
  if (!t) return;
  for (auto&& [key, node] : *t) {
    std::string target(key.str());
    std::string path = join_key(f.path_of("served_by"), target);
    if (!valid_target(f, node, path, target, config)) continue;
    ServedByExpectation e{target, false, 0};
    if (node.is_integer()) {
      std::int64_t n = 0;
      if (!f.node_int(node, path, n, 0, kNoMax)) continue;
      e.value = static_cast<double>(n);
    } else if (node.is_floating_point()) {
      e.share = true;
      e.value = node.as_floating_point()->get();
      if (!(e.value >= 0 && e.value <= 1)) {
        f.error_at(node, path,
                   "a share must be between 0 and 1 (write an integer for a count), got " +
                       format_number(e.value));
        continue;
      }
    } else {
      f.type_error(node, path, "an integer (a count) or a float between 0 and 1 (a share)");
      continue;
    }
    out.served_by.push_back(e);
  }
}

std::vector<std::string> class_names() {
  std::vector<std::string> names;
  for (FailureClass c : kAllFailureClasses) names.push_back(failure_class_name(c));
  return names;
}

void read_failures_by_class(TomlFields& f, Expectations& out) {
  const toml::table* t = f.read_table("failures_by_class");
  if (!t) return;
  for (auto&& [key, node] : *t) {
    std::string name(key.str());
    std::string path = join_key(f.path_of("failures_by_class"), name);
    std::optional<FailureClass> cls = parse_failure_class(name);
    if (!cls) {
      f.error_at(node, path,
                 "unknown failure class \"" + name + "\"" + suggestion_suffix(name, class_names()));
      continue;
    }
    std::int64_t n = 0;
    if (f.node_int(node, path, n, 0, kNoMax)) out.failures_by_class.emplace_back(*cls, n);
  }
}

void read_outcomes(TomlFields& f, const Config& config, std::int64_t total, Expectations& out) {
  std::vector<std::string> outcomes;
  if (!f.read_strings("outcomes", outcomes)) return;
  const toml::array& array = *f.find("outcomes")->as_array();
  bool ok = true;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    std::string problem = outcome_notation_problem(outcomes[i], config);
    if (problem.empty()) continue;
    f.error_at(*array.get(i), index_path(f.path_of("outcomes"), i), problem);
    ok = false;
  }
  if (static_cast<std::int64_t>(outcomes.size()) != total) {
    f.error("outcomes", "lists " + std::to_string(outcomes.size()) +
                            " outcomes but the traffic sends " + std::to_string(total) +
                            " requests: give exactly one per request, in request order");
    ok = false;
  }
  if (ok) out.outcomes = std::move(outcomes);
}

}  // namespace

const std::vector<std::string>& expectation_keys() { return kKeys; }

void parse_expectations(TomlFields& f, const Config& config, std::int64_t total_requests,
                        Expectations& out) {
  f.reject_unknown(kKeys);
  double rate = 0;
  if (f.read_number("success_rate", rate, 0, 1)) out.success_rate = rate;
  read_served_by(f, config, out);
  f.read_number("served_by_tolerance", out.served_by_tolerance, 0, 1e12);
  read_optional_int(f, "max_attempts", 1, out.max_attempts);
  read_optional_int(f, "latency_p50_ms", 0, out.latency_p50_ms);
  read_optional_int(f, "latency_p95_ms", 0, out.latency_p95_ms);
  read_optional_int(f, "latency_p99_ms", 0, out.latency_p99_ms);
  read_optional_int(f, "ttft_p50_ms", 0, out.ttft_p50_ms);
  read_optional_int(f, "ttft_p95_ms", 0, out.ttft_p95_ms);
  read_optional_int(f, "ttft_p99_ms", 0, out.ttft_p99_ms);
  read_optional_int(f, "max_retries", 0, out.max_retries);
  read_optional_int(f, "max_fallbacks", 0, out.max_fallbacks);
  read_failures_by_class(f, out);
  read_outcomes(f, config, total_requests, out);
}

}  // namespace understudy
