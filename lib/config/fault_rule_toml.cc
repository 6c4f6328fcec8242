#include "lib/config/fault_rule_toml.h"

#include <regex>

#include "lib/config/fault_action_kind.h"
#include "lib/config/suggest.h"
#include "lib/config/toml_fields.h"

namespace understudy {

namespace {

using Kind = FaultAction::Kind;

const std::vector<std::string> kConditionKeys = {
    "name",          "enabled",  "priority",     "probability",     "providers",       "models",
    "keys",          "attempts", "request_from", "request_to",      "after_ms",        "until_ms",
    "message_regex", "times",    "stream_only",  "non_stream_only", "allow_fallbacks", "responses"};
// What happens: per rule, or per [[faults.responses]] entry.
const std::vector<std::string> kOutcomeKeys = {
    "action", "status", "error_type", "error_code", "message", "retry_after_ms", "content"};
// How it is timed: per rule (the default for every response) or per response.
const std::vector<std::string> kTimingKeys = {"latency_ms", "latency", "first_token_delay_ms",
                                              "token_interval_ms", "after_tokens"};

constexpr double kMaxLatencyMs = 1e9;  // about 11 days: anything larger is a typo

std::vector<std::string> concat(std::initializer_list<const std::vector<std::string>*> lists) {
  std::vector<std::string> out;
  for (const auto* l : lists) out.insert(out.end(), l->begin(), l->end());
  return out;
}

// Reads a required number of a latency table; false (with an error) when absent or invalid.
bool required_number(TomlFields& f, const char* key, double min, double& out) {
  if (!f.has(key)) {
    f.error_here(std::string("missing ") + key);
    return false;
  }
  return f.read_number(key, out, min, kMaxLatencyMs);
}

void read_latency_table(TomlFields& l, LatencySpec& out) {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kTypes = {
      {"fixed", {"type", "ms"}},
      {"uniform", {"type", "min_ms", "max_ms"}},
      {"normal", {"type", "mean_ms", "stddev_ms"}},
      {"lognormal", {"type", "median_ms", "sigma"}}};
  std::string type;
  if (!l.has("type")) {
    l.error_here("missing type (fixed, uniform, normal or lognormal)");
    return;
  }
  if (!l.read_string("type", type)) return;
  const std::vector<std::string>* keys = nullptr;
  for (const auto& [name, k] : kTypes) {
    if (name == type) keys = &k;
  }
  if (!keys) {
    l.error("type", "unknown latency type \"" + type + "\"" +
                        suggestion_suffix(type, {"fixed", "uniform", "normal", "lognormal"}));
    return;
  }
  l.reject_unknown(*keys);
  double a = 0, b = 0;
  bool ok = required_number(l, (*keys)[1].c_str(), type == "lognormal" ? 1 : 0, a);
  if (type != "fixed") ok = required_number(l, (*keys)[2].c_str(), 0, b) && ok;
  if (!ok) return;
  if (type == "uniform" && a > b) {
    l.error("min_ms", "min_ms must not exceed max_ms");
    return;
  }
  if (type == "fixed") out.kind = LatencySpec::Kind::kFixed;
  if (type == "uniform") out.kind = LatencySpec::Kind::kUniform;
  if (type == "normal") out.kind = LatencySpec::Kind::kNormal;
  if (type == "lognormal") out.kind = LatencySpec::Kind::kLognormal;
  out.a = a;
  out.b = b;
}

void read_timing(TomlFields& f, FaultAction& a) {
  if (f.has("latency_ms") && f.has("latency")) {
    f.error("latency", "give either latency_ms or a latency table, not both");
  } else if (std::int64_t ms = 0; f.read_int("latency_ms", ms, 0)) {
    a.latency = LatencySpec{LatencySpec::Kind::kFixed, static_cast<double>(ms), 0};
  } else if (const toml::table* t = f.read_table("latency")) {
    TomlFields l(*t, f.path_of("latency"), f.file(), f.errors());
    read_latency_table(l, a.latency);
  }
  Millis ms{0};
  if (f.read_millis("first_token_delay_ms", ms, 0)) a.first_token_delay = ms;
  if (f.read_millis("token_interval_ms", ms, 0)) a.token_interval = ms;
  f.read_int("after_tokens", a.after_tokens, 0, 1000000);
}

// Draft of one action: which of `action` and `status` were given decide its kind.
struct ActionDraft {
  FaultAction action;
  bool has_action = false;
  bool has_status = false;
};

void read_action_kind(TomlFields& f, ActionDraft& d) {
  std::string name;
  if (!f.read_string("action", name)) {
    d.has_action = f.has("action");  // wrong type: already reported, do not report twice
    return;
  }
  d.has_action = true;
  if (auto kind = parse_fault_action_kind(name)) {
    d.action.kind = *kind;
    return;
  }
  f.error("action",
          "unknown action \"" + name + "\"" + suggestion_suffix(name, fault_action_names()));
}

void read_outcome(TomlFields& f, ActionDraft& d) {
  read_action_kind(f, d);
  d.has_status = f.has("status");
  f.read_int("status", d.action.status, 100, 599);
  f.read_string("error_type", d.action.error_type);
  f.read_string("error_code", d.action.error_code);
  f.read_string("message", d.action.message);
  f.read_string("content", d.action.content);
  Millis ms{0};
  if (f.read_millis("retry_after_ms", ms, 0)) d.action.retry_after = ms;
}

// Decides the kind: `status` without `action` means "error"; neither is an error.
bool finish_action(TomlFields& f, ActionDraft& d) {
  Kind kind = d.action.kind;
  if (!d.has_action) {
    if (!d.has_status) {
      f.error_here("no action: set action = \"error\" with a status, or another action (" +
                   join_names(fault_action_names()) + ")");
      return false;
    }
    d.action.kind = Kind::kError;
    return true;
  }
  if (kind == Kind::kError && !d.has_status) {
    f.error("action", "action \"error\" needs a status (100..599), e.g. status = 503");
    return false;
  }
  if (d.has_status && kind != Kind::kError && kind != Kind::kStreamError) {
    f.error("status", "status is only used by action \"error\" or \"stream_error\"");
    return false;
  }
  return true;
}

void read_attempts(TomlFields& f, std::vector<int>& out) {
  const toml::node* node = f.find("attempts");
  if (!node) return;
  std::int64_t n = 0;
  if (node->is_integer()) {
    if (f.node_int(*node, f.path_of("attempts"), n, 1, 1000000)) out = {static_cast<int>(n)};
    return;
  }
  const toml::array* array = node->as_array();
  if (!array) {
    f.type_error(*node, f.path_of("attempts"), "an integer or an array of integers");
    return;
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    if (f.node_int(*array->get(i), index_path(f.path_of("attempts"), i), n, 1, 1000000)) {
      out.push_back(static_cast<int>(n));
    }
  }
}

void read_windows(TomlFields& f, FaultRule& rule) {
  std::int64_t v = 0;
  if (f.read_int("request_from", v, 0)) rule.request_from = v;
  if (f.read_int("request_to", v, 0)) rule.request_to = v;
  if (rule.request_from && rule.request_to && *rule.request_from >= *rule.request_to) {
    f.error("request_to", "request_to must be greater than request_from (the range is [from, to))");
  }
  Millis ms{0};
  if (f.read_millis("after_ms", ms, 0)) rule.after = ms;
  if (f.read_millis("until_ms", ms, 0)) rule.until = ms;
  if (rule.after && rule.until && *rule.after >= *rule.until) {
    f.error("until_ms", "until_ms must be greater than after_ms");
  }
}

void read_message_regex(TomlFields& f, FaultRule& rule) {
  if (!f.read_string("message_regex", rule.message_regex)) return;
  try {
    std::regex compiled(rule.message_regex, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    f.error("message_regex", std::string("invalid regular expression: ") + e.what());
  }
}

void read_conditions(TomlFields& f, FaultRule& rule) {
  rule.name = f.path();
  f.read_string("name", rule.name);
  f.read_bool("enabled", rule.enabled);
  f.read_int("priority", rule.priority, -1000000, 1000000);
  f.read_number("probability", rule.probability, 0, 1);
  f.read_strings("providers", rule.providers);
  f.read_strings("models", rule.models);
  f.read_strings("keys", rule.keys);
  read_attempts(f, rule.attempts);
  read_windows(f, rule);
  read_message_regex(f, rule);
  std::int64_t times = 0;
  if (f.read_int("times", times, 1)) rule.times = times;
  f.read_bool("stream_only", rule.stream_only);
  f.read_bool("non_stream_only", rule.non_stream_only);
  if (rule.stream_only && rule.non_stream_only) {
    f.error("non_stream_only", "stream_only and non_stream_only cannot both be true");
  }
  f.read_bool("allow_fallbacks", rule.allow_fallbacks);
}

void read_responses(TomlFields& f, const toml::array& responses, const FaultAction& defaults,
                    FaultRule& rule) {
  for (const std::string& key : kOutcomeKeys) {
    if (f.has(key)) {
      f.error(key, "a rule with [[faults.responses]] takes its outcomes from them: move \"" + key +
                       "\" into each response");
    }
  }
  if (responses.empty()) f.error("responses", "responses is empty: give at least one");
  const std::vector<std::string> keys = concat({&kOutcomeKeys, &kTimingKeys});
  std::vector<std::string> allowed = keys;
  allowed.push_back("weight");
  for (std::size_t i = 0; i < responses.size(); ++i) {
    const toml::node& node = *responses.get(i);
    std::string path = index_path(f.path_of("responses"), i);
    if (!node.is_table()) {
      f.type_error(node, path, "a table");
      continue;
    }
    TomlFields r(*node.as_table(), path, f.file(), f.errors());
    r.reject_unknown(allowed);
    ActionDraft d;
    d.action = defaults;
    r.read_number("weight", d.action.weight, 0, 1e9);
    read_outcome(r, d);
    read_timing(r, d.action);
    if (finish_action(r, d)) rule.actions.push_back(d.action);
  }
}

}  // namespace

const std::vector<std::string>& fault_rule_keys() {
  static const std::vector<std::string> keys =
      concat({&kConditionKeys, &kOutcomeKeys, &kTimingKeys});
  return keys;
}

const std::vector<std::string>& fault_action_names() { return fault_action_kind_names(); }

void parse_fault_rule(const toml::table& table, const std::string& source, const std::string& path,
                      FaultRule& out, std::vector<Diagnostic>& errors) {
  TomlFields f(table, path, source, errors);
  f.reject_unknown(fault_rule_keys());
  out.origin = origin_string(source, f.line());
  read_conditions(f, out);
  ActionDraft top;
  read_timing(f, top.action);
  if (f.has("responses")) {
    if (const toml::array* responses = f.read_array("responses")) {
      read_responses(f, *responses, top.action, out);
    }
    return;
  }
  read_outcome(f, top);
  if (finish_action(f, top)) out.actions.push_back(top.action);
}

void parse_fault_rules(const toml::node& node, const std::string& source, const std::string& path,
                       std::vector<FaultRule>& out, std::vector<Diagnostic>& errors) {
  const toml::array* array = node.as_array();
  if (!array) {
    errors.push_back(make_error(
        source, line_of(node), path,
        "expected an array of tables ([[" + path + "]]), got " + toml_type_phrase(node.type())));
    return;
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& item = *array->get(i);
    std::string item_path = index_path(path, i);
    if (!item.is_table()) {
      errors.push_back(make_error(source, line_of(item), item_path,
                                  "expected a table, got " + toml_type_phrase(item.type())));
      continue;
    }
    FaultRule rule;
    std::size_t before = errors.size();
    parse_fault_rule(*item.as_table(), source, item_path, rule, errors);
    if (errors.size() == before) out.push_back(std::move(rule));
  }
}

}  // namespace understudy
