#include "mocks/fault_action_json.h"

#include <cmath>
#include <utility>
#include <vector>

#include "lib/config/json_fields.h"
#include "lib/config/suggest.h"

namespace understudy {

namespace {

using Kind = FaultAction::Kind;

const std::vector<std::string> kKeys = {"action",
                                        "weight",
                                        "status",
                                        "error_type",
                                        "error_code",
                                        "message",
                                        "content",
                                        "retry_after_ms",
                                        "latency_ms",
                                        "latency",
                                        "after_tokens",
                                        "token_interval_ms",
                                        "first_token_delay_ms"};

constexpr double kMaxMs = 1e9;  // the limit of the TOML rules, too

struct LatencyKeys {
  LatencySpec::Kind kind;
  const char* type;
  const char* a;
  const char* b;  // nullptr for fixed
};
const LatencyKeys kLatencyKeys[] = {
    {LatencySpec::Kind::kFixed, "fixed", "ms", nullptr},
    {LatencySpec::Kind::kUniform, "uniform", "min_ms", "max_ms"},
    {LatencySpec::Kind::kNormal, "normal", "mean_ms", "stddev_ms"},
    {LatencySpec::Kind::kLognormal, "lognormal", "median_ms", "sigma"},
};

Json latency_to_json(const LatencySpec& l) {
  for (const LatencyKeys& k : kLatencyKeys) {
    if (k.kind != l.kind) continue;
    Json j{{"type", k.type}, {k.a, l.a}};
    if (k.b) j[k.b] = l.b;
    return j;
  }
  return nullptr;
}

void read_latency(JsonFields& f, LatencySpec& out) {
  std::string type;
  if (!f.read_string("type", type)) {
    if (!f.has("type")) f.error_here("missing type (fixed, uniform, normal or lognormal)");
    return;
  }
  for (const LatencyKeys& k : kLatencyKeys) {
    if (type != k.type) continue;
    std::vector<std::string> allowed = {"type", k.a};
    if (k.b) allowed.push_back(k.b);
    f.reject_unknown(allowed);
    double a = 0, b = 0;
    bool ok = f.read_number(k.a, a, 0, kMaxMs);
    if (!f.has(k.a)) f.error_here(std::string("missing ") + k.a);
    if (k.b) {
      ok = f.read_number(k.b, b, 0, kMaxMs) && ok;
      if (!f.has(k.b)) f.error_here(std::string("missing ") + k.b);
    }
    if (ok) out = LatencySpec{k.kind, a, b};
    return;
  }
  f.error("type", "unknown latency type \"" + type + "\"" +
                      suggestion_suffix(type, {"fixed", "uniform", "normal", "lognormal"}));
}

void read_millis(JsonFields& f, const char* key, std::optional<Millis>& out) {
  std::int64_t ms = 0;
  if (f.read_int(key, ms, 0, static_cast<std::int64_t>(kMaxMs))) out = Millis(ms);
}

void read_kind(JsonFields& f, FaultAction& a) {
  std::string name;
  if (f.read_string("action", name)) {
    if (auto kind = parse_fault_action_kind(name)) {
      a.kind = *kind;
    } else {
      f.error("action", "unknown action \"" + name + "\"" +
                            suggestion_suffix(name, fault_action_kind_names()));
    }
  } else if (!f.has("action") && f.has("status")) {
    a.kind = Kind::kError;
  }
  if (a.kind == Kind::kError && !f.has("status")) {
    f.error_here("action \"error\" needs a status (100..599)");
  }
  if (f.has("status") && a.kind != Kind::kError && a.kind != Kind::kStreamError) {
    f.error("status", "status is only used by action \"error\" or \"stream_error\"");
  }
}

void read_action(JsonFields& f, FaultAction& a) {
  f.reject_unknown(kKeys);
  read_kind(f, a);
  f.read_number("weight", a.weight, 0, 1e9);
  std::int64_t n = 0;
  if (f.read_int("status", n, 100, 599)) a.status = static_cast<int>(n);
  f.read_string("error_type", a.error_type);
  f.read_string("error_code", a.error_code);
  f.read_string("message", a.message);
  f.read_string("content", a.content);
  read_millis(f, "retry_after_ms", a.retry_after);
  read_millis(f, "first_token_delay_ms", a.first_token_delay);
  read_millis(f, "token_interval_ms", a.token_interval);
  if (f.read_int("after_tokens", n, 0, 1000000)) a.after_tokens = static_cast<int>(n);
  if (f.has("latency_ms") && f.has("latency")) {
    f.error("latency", "give either latency_ms or a latency object, not both");
  } else if (f.read_int("latency_ms", n, 0, static_cast<std::int64_t>(kMaxMs))) {
    a.latency = LatencySpec{LatencySpec::Kind::kFixed, static_cast<double>(n), 0};
  } else if (const Json* l = f.read_object("latency")) {
    JsonFields lf(*l, f.path_of("latency"), f.context());
    read_latency(lf, a.latency);
  }
}

}  // namespace

Json fault_action_to_json(const FaultAction& a) {
  Json j{{"action", fault_action_kind_name(a.kind)}};
  if (a.weight != 1) j["weight"] = a.weight;
  if (a.status != 0) j["status"] = a.status;
  if (!a.error_type.empty()) j["error_type"] = a.error_type;
  if (!a.error_code.empty()) j["error_code"] = a.error_code;
  if (!a.message.empty()) j["message"] = a.message;
  if (!a.content.empty()) j["content"] = a.content;
  if (a.retry_after) j["retry_after_ms"] = a.retry_after->count();
  const LatencySpec& l = a.latency;
  if (l.kind == LatencySpec::Kind::kFixed && l.a == std::floor(l.a)) {
    j["latency_ms"] = static_cast<std::int64_t>(l.a);
  } else if (l.kind != LatencySpec::Kind::kNone) {
    j["latency"] = latency_to_json(l);
  }
  if (a.first_token_delay) j["first_token_delay_ms"] = a.first_token_delay->count();
  if (a.token_interval) j["token_interval_ms"] = a.token_interval->count();
  if (a.after_tokens != 0) j["after_tokens"] = a.after_tokens;
  return j;
}

Result<FaultAction> fault_action_from_json(const Json& json) {
  if (!json.is_object()) {
    return invalid_argument("a fault action must be a JSON object, got " + json_type_phrase(json));
  }
  std::vector<Diagnostic> errors;
  JsonContext ctx{"x-understudy-fault", {}, &errors, nullptr};
  JsonFields f(json, "", ctx);
  FaultAction a;
  read_action(f, a);
  if (!errors.empty()) {
    const Diagnostic& d = errors.front();
    return invalid_argument((d.path.empty() ? "" : d.path + ": ") + d.message, d.path);
  }
  return a;
}

Result<FaultAction> parse_fault_action_header(const std::string& text) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    return invalid_argument("not valid JSON (syntax error at byte " + std::to_string(e.byte) + ")");
  }
  return fault_action_from_json(j);
}

}  // namespace understudy
