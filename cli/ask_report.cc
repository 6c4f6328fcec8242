#include "cli/ask_report.h"

#include <map>
#include <vector>

#include "lib/core/duration.h"
#include "lib/providers/json_access.h"

namespace understudy::cli {

namespace {

constexpr size_t kMaxMessage = 200;
const char* const kDot = " · ";

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// Upstream messages can be long and multi-line; the trail wants one short line each.
std::string one_line(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  if (out.size() > kMaxMessage) out = out.substr(0, kMaxMessage - 3) + "...";
  return out;
}

std::string string_member(const Json& obj, const char* key) {
  const Json& v = member(obj, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// "429 rate_limit", or just "timeout" when no status arrived.
std::string outcome(const AttemptRecord& a) {
  std::string cls = a.failure ? failure_class_name(*a.failure) : "ok";
  return a.status > 0 ? std::to_string(a.status) + " " + cls : cls;
}

std::string decision_text(const std::string& decision) {
  if (decision == "next_key") return "next key";
  if (decision == "next_target") return "fall back";
  if (decision == "continue") return "continue the stream";
  return decision;
}

std::string target_name(const AttemptRecord& a) { return a.provider + "/" + a.model; }

// The attempts of each target, by target index.
std::map<int, std::vector<const AttemptRecord*>> by_target(const RequestRecord& r) {
  std::map<int, std::vector<const AttemptRecord*>> out;
  for (const AttemptRecord& a : r.attempts) out[a.target_index].push_back(&a);
  return out;
}

// The tries of one target: "503 overloaded ×2" when they agree, "503 overloaded,
// 429 rate_limit" when not, or "skipped".
std::string target_outcome(const std::vector<const AttemptRecord*>& attempts) {
  if (!attempts.back()->skipped.empty()) return "skipped";
  std::vector<std::string> outcomes;
  for (const AttemptRecord* a : attempts) {
    if (a->skipped.empty()) outcomes.push_back(outcome(*a));
  }
  bool all_same = true;
  for (const std::string& o : outcomes) all_same = all_same && o == outcomes.front();
  if (!all_same) return join(outcomes, ", ");
  std::string text = outcomes.front();
  if (outcomes.size() > 1) text += " ×" + std::to_string(outcomes.size());
  return text;
}

std::string fallback_part(const RequestRecord& r, const Style& style) {
  std::vector<std::string> reasons;
  for (const auto& [index, attempts] : by_target(r)) {
    if (index >= r.fallback_index) break;
    reasons.push_back(attempts.front()->provider + ": " + target_outcome(attempts));
  }
  std::string text = "fallback " + std::to_string(r.fallback_index);
  if (!reasons.empty()) text += " (" + join(reasons, "; ") + ")";
  return style.yellow(text);
}

// Failed tries of the serving target before it answered, e.g. "retry 1 (503 overloaded)".
std::string retry_part(const RequestRecord& r, const Style& style) {
  int failed = 0;
  const AttemptRecord* last_failure = nullptr;
  for (const AttemptRecord& a : r.attempts) {
    if (a.target_index == r.fallback_index && a.failure && !a.continuation) {
      ++failed;
      last_failure = &a;
    }
  }
  if (failed == 0) return "";
  return style.yellow((failed == 1 ? "retry 1 (" : "retries " + std::to_string(failed) + " (") +
                      outcome(*last_failure) + ")");
}

}  // namespace

std::string format_summary(const RequestRecord& record, const Style& style,
                           const SummaryExtras& extras) {
  std::vector<std::string> parts;
  parts.push_back(style.bold(record.provider + "/" + record.model));
  if (record.fallback_index > 0) parts.push_back(fallback_part(record, style));
  if (std::string retries = retry_part(record, style); !retries.empty()) parts.push_back(retries);
  if (record.continued) parts.push_back(style.yellow("continued after a cut"));
  parts.push_back(format_millis(record.latency_ms));
  if (record.usage.present) parts.push_back(std::to_string(record.usage.total_tokens) + " tokens");
  if (extras.finish_reason == "length") parts.push_back(style.yellow("cut at max_tokens"));
  return join(parts, style.dim(kDot));
}

std::string format_attempt(const AttemptRecord& a, int ordinal, const Style& style) {
  std::string who = target_name(a);
  if (!a.key.empty()) who += " key " + a.key;
  if (!a.skipped.empty()) {
    return style.dim("[-] ") + who + ": " + style.yellow("skipped") + kDot + one_line(a.skipped);
  }
  std::vector<std::string> parts;
  parts.push_back(a.ok() ? style.green(outcome(a)) : style.red(outcome(a)));
  parts.push_back(format_millis(a.latency_ms));
  if (a.ok() && a.stream && a.ttft_ms >= 0) {
    parts.push_back("first token " + format_millis(a.ttft_ms));
  }
  if (a.retry_after_ms) parts.push_back("retry-after " + format_millis(*a.retry_after_ms));
  if (!a.decision.empty()) parts.push_back(decision_text(a.decision));
  if (a.continuation) parts.push_back("continuation");
  if (!a.hook.empty()) parts.push_back(a.hook);
  if (a.failure && !a.message.empty()) parts.push_back(one_line(a.message));
  std::string tag = std::to_string(ordinal);  // appended, not prefixed: GCC 12 -Wrestrict
  tag.insert(tag.begin(), '[');
  tag += "] ";
  return style.dim(tag) + who + ": " + join(parts, kDot);
}

std::string format_plan(const std::string& requested, const std::vector<std::string>& chain) {
  std::string text = "asking " + requested;
  if (chain.empty()) return text;
  if (chain.front() != requested) text += ": " + chain.front();
  if (chain.size() > 1) {
    text += ", then " + join(std::vector<std::string>(chain.begin() + 1, chain.end()), ", ");
  }
  return text;
}

std::string format_failure(const RequestRecord& record, const Json& error, const Style& style) {
  std::string message = one_line(string_member(member(error, "error"), "message"));
  auto targets = by_target(record);
  bool any_tried = false;
  for (const AttemptRecord& a : record.attempts) any_tried = any_tried || a.skipped.empty();
  if (!any_tried) return style.red("understudy ask: " + message) + "\n";
  std::string out = style.red("understudy ask: every target failed") + "\n";
  bool message_shown = false;
  for (const auto& [index, attempts] : targets) {
    const AttemptRecord& last = *attempts.back();
    std::string line = std::string(index == 0 ? "  primary  " : "  fallback ") + target_name(last) +
                       ": " + target_outcome(attempts);
    std::string why = one_line(last.skipped.empty() ? last.message : last.skipped);
    if (!why.empty()) line += ": " + why;
    message_shown = message_shown || why == message;
    out += line + "\n";
  }
  for (size_t i = 0; i < record.chain.size(); ++i) {
    if (targets.count(static_cast<int>(i)) == 0) {
      out +=
          std::string(i == 0 ? "  primary  " : "  fallback ") + record.chain[i] + ": not tried\n";
    }
  }
  if (!message_shown && !message.empty()) out += "  then: " + message + "\n";
  return out;
}

RequestRecord record_from_extra_fields(const Json& extra, const Json& usage) {
  RequestRecord r;
  r.provider = string_member(extra, "provider");
  r.model = string_member(extra, "model");
  r.requested = string_member(extra, "requested");
  r.fallback_index = static_cast<int>(int_member(extra, "fallback_index", -1));
  r.latency_ms = int_member(extra, "latency_ms");
  r.continued = member(extra, "continued").is_boolean() && member(extra, "continued").get<bool>();
  r.ok = !r.provider.empty();
  const Json& attempts = member(extra, "attempts");
  int index = -1;
  std::string previous;
  for (size_t i = 0; attempts.is_array() && i < attempts.size(); ++i) {
    const Json& j = attempts[i];
    AttemptRecord a;
    a.provider = string_member(j, "provider");
    a.model = string_member(j, "model");
    a.key = string_member(j, "key");
    a.skipped = string_member(j, "skipped");
    a.status = static_cast<int>(int_member(j, "status"));
    if (std::string cls = string_member(j, "class"); !cls.empty()) {
      a.failure = parse_failure_class(cls).value_or(FailureClass::kServer);
    }
    a.message = string_member(j, "message");
    a.decision = string_member(j, "decision");
    a.hook = string_member(j, "hook");
    if (member(j, "retry_after_ms").is_number()) a.retry_after_ms = int_member(j, "retry_after_ms");
    a.continuation =
        member(j, "continuation").is_boolean() && member(j, "continuation").get<bool>();
    a.latency_ms = int_member(j, "latency_ms");
    a.ttft_ms = int_member(j, "ttft_ms", -1);
    a.stream = a.ttft_ms >= 0;
    if (target_name(a) != previous) {
      previous = target_name(a);
      r.chain.push_back(previous);
      ++index;
    }
    a.target_index = index;
    r.attempts.push_back(std::move(a));
  }
  if (usage.is_object()) r.usage = usage_from_json(usage);
  return r;
}

}  // namespace understudy::cli
