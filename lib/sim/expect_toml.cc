#include "lib/sim/expect_toml.h"

#include "lib/config/suggest.h"
#include "lib/sim/outcome.h"

namespace understudy {

namespace {

const std::vector<std::string> kKeys = {
    "success_rate",   "served_by",      "served_by_tolerance", "max_attempts",
    "latency_p50_ms", "latency_p95_ms", "latency_p99_ms",      "ttft_p50_ms",
    "ttft_p95_ms",    "ttft_p99_ms",    "slowest_ms_at_least", "caller_error_contains",
    "max_retries",    "max_fallbacks",  "failures_by_class",   "failed_attempts_by_class",
    "outcomes"};

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

// An integer is a count, a float a share of all requests.
bool read_served_value(TomlFields& f, const toml::node& node, const std::string& path,
                       ServedByExpectation& e) {
  if (node.is_integer()) {
    std::int64_t n = 0;
    if (!f.node_int(node, path, n, 0, kNoMax)) return false;
    e.share = false;
    e.value = static_cast<double>(n);
    return true;
  }
  if (node.is_floating_point()) {
    e.share = true;
    e.value = node.as_floating_point()->get();
    if (e.value >= 0 && e.value <= 1) return true;
    f.error_at(node, path,
               "a share must be between 0 and 1 (write an integer for a count), got " +
                   format_number(e.value));
    return false;
  }
  f.type_error(node, path,
               "an integer (a count), a float between 0 and 1 (a share), or a table "
               "{ count = N } / { share = X } with an optional tolerance");
  return false;
}

// { count = N } or { share = X }, each with an optional tolerance in the same unit.
bool read_served_table(TomlFields& f, const toml::table& t, const std::string& path,
                       ServedByExpectation& e) {
  TomlFields entry(t, path, f.file(), f.errors());
  entry.reject_unknown({"count", "share", "tolerance"});
  if (entry.has("count") == entry.has("share")) {
    entry.error_here("give exactly one of count (an integer) or share (0..1)");
    return false;
  }
  bool ok = true;
  if (entry.has("count")) {
    std::int64_t n = 0;
    ok = entry.read_int("count", n, 0);
    e.value = static_cast<double>(n);
  } else {
    e.share = true;
    ok = entry.read_number("share", e.value, 0, 1);
  }
  double tolerance = 0;
  if (entry.read_number("tolerance", tolerance, 0, e.share ? 1 : 1e12)) e.tolerance = tolerance;
  return ok;
}

void read_served_by(TomlFields& f, const Config& config, Expectations& out) {
  const toml::table* t = f.read_table("served_by");
  if (!t) return;
  for (auto&& [key, node] : *t) {
    std::string target(key.str());
    std::string path = join_key(f.path_of("served_by"), target);
    if (!valid_target(f, node, path, target, config)) continue;
    ServedByExpectation e{target, false, 0, std::nullopt};
    std::size_t errors_before = f.errors().size();
    bool ok = node.is_table() ? read_served_table(f, *node.as_table(), path, e)
                              : read_served_value(f, node, path, e);
    if (ok && f.errors().size() == errors_before) out.served_by.push_back(e);
  }
}

// A table of failure class -> exact count.
void read_class_counts(TomlFields& f, const char* key,
                       std::vector<std::pair<FailureClass, std::int64_t>>& out) {
  const toml::table* t = f.read_table(key);
  if (!t) return;
  for (auto&& [class_key, node] : *t) {
    std::string name(class_key.str());
    std::string path = join_key(f.path_of(key), name);
    std::optional<FailureClass> cls = parse_failure_class(name);
    if (!cls) {
      f.error_at(node, path,
                 "unknown failure class \"" + name + "\"" +
                     suggestion_suffix(name, failure_class_names()));
      continue;
    }
    std::int64_t n = 0;
    if (f.node_int(node, path, n, 0, kNoMax)) out.emplace_back(*cls, n);
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
  read_optional_int(f, "slowest_ms_at_least", 0, out.slowest_ms_at_least);
  std::string text;
  if (f.read_string("caller_error_contains", text)) {
    if (text.empty()) {
      f.error("caller_error_contains", "must not be empty");
    } else {
      out.caller_error_contains = text;
    }
  }
  read_optional_int(f, "max_retries", 0, out.max_retries);
  read_optional_int(f, "max_fallbacks", 0, out.max_fallbacks);
  read_class_counts(f, "failures_by_class", out.failures_by_class);
  read_class_counts(f, "failed_attempts_by_class", out.failed_attempts_by_class);
  read_outcomes(f, config, total_requests, out);
}

}  // namespace understudy
