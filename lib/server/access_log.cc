#include "lib/server/access_log.h"

#include <cstdio>
#include <ctime>

#include "lib/server/api.h"

namespace understudy {

std::string iso8601_utc(WallTime t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::string logfmt_value(const std::string& v) {
  bool quote = v.empty();
  for (unsigned char c : v) {
    if (c <= ' ' || c == '=' || c == '"' || c == 0x7f) quote = true;
  }
  if (!quote) return v;
  std::string out = "\"";
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      // Caller-chosen text (the requested model) must not carry a raw escape sequence or
      // carriage return into an operator's terminal or log viewer.
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string attempt_trail(const RequestRecord& r) {
  std::string out;
  for (const AttemptRecord& a : r.attempts) {
    if (!out.empty()) out += ",";
    out.append(a.provider).append("/").append(a.model);
    if (!a.skipped.empty()) {
      out += ":skipped";
      continue;
    }
    out.append(":").append(std::to_string(a.status));
    if (a.failure) out.append(":").append(failure_class_name(*a.failure));
    if (a.continuation) out += ":continuation";
  }
  return out;
}

namespace {

class LogfmtLine {
 public:
  void add(const std::string& key, const std::string& value) {
    if (!line_.empty()) line_ += ' ';
    line_ += key + "=" + logfmt_value(value);
  }
  void add(const std::string& key, std::int64_t value) { add(key, std::to_string(value)); }
  std::string finish() { return line_ + "\n"; }

 private:
  std::string line_;
};

int attempts_made(const RequestRecord& r) {
  int n = 0;
  for (const AttemptRecord& a : r.attempts) n += a.skipped.empty() ? 1 : 0;
  return n;
}

std::string request_logfmt(const RequestRecord& r, const std::string& ts) {
  LogfmtLine l;
  l.add("ts", ts);
  l.add("msg", "request");
  l.add("id", r.request_id);
  l.add("requested", r.requested);
  l.add("stream", r.stream ? "true" : "false");
  l.add("status", r.http_status);
  bool served = r.ok || r.failed_after_commit;
  if (served) {
    l.add("provider", r.provider);
    l.add("model", r.model);
    l.add("fallback_index", r.fallback_index);
  }
  if (r.final_failure) l.add("class", failure_class_name(*r.final_failure));
  if (r.failed_after_commit) l.add("failed_after_commit", "true");
  if (r.continued) l.add("continued", "true");
  l.add("attempts", attempts_made(r));
  l.add("retries", r.retries);
  l.add("fallbacks", r.fallbacks);
  l.add("latency_ms", r.latency_ms);
  if (r.stream && r.ttft_ms >= 0) l.add("ttft_ms", r.ttft_ms);
  if (r.usage.present) {
    l.add("prompt_tokens", r.usage.prompt_tokens);
    l.add("completion_tokens", r.usage.completion_tokens);
  }
  if (r.malformed_events > 0) l.add("malformed_events", r.malformed_events);
  l.add("trail", attempt_trail(r));
  return l.finish();
}

std::string request_json(const RequestRecord& r, const std::string& ts) {
  Json j = Json::object();
  j["ts"] = ts;
  j["msg"] = "request";
  j["id"] = r.request_id;
  j["requested"] = r.requested;
  j["stream"] = r.stream;
  j["status"] = r.http_status;
  if (r.ok || r.failed_after_commit) {
    j["provider"] = r.provider;
    j["model"] = r.model;
    j["fallback_index"] = r.fallback_index;
  }
  if (r.final_failure) j["class"] = failure_class_name(*r.final_failure);
  if (r.failed_after_commit) j["failed_after_commit"] = true;
  if (r.continued) j["continued"] = true;
  j["retries"] = r.retries;
  j["fallbacks"] = r.fallbacks;
  j["latency_ms"] = r.latency_ms;
  if (r.stream && r.ttft_ms >= 0) j["ttft_ms"] = r.ttft_ms;
  if (r.usage.present) {
    j["usage"] = Json{{"prompt_tokens", r.usage.prompt_tokens},
                      {"completion_tokens", r.usage.completion_tokens}};
  }
  if (r.malformed_events > 0) j["malformed_events"] = r.malformed_events;
  Json attempts = Json::array();
  for (const AttemptRecord& a : r.attempts) attempts.push_back(attempt_to_json(a));
  j["attempts"] = std::move(attempts);
  return dump_json(j) + "\n";
}

}  // namespace

void AccessLog::on_request(const RequestRecord& request) {
  std::string ts = iso8601_utc(clock_.wall_now());
  emit(format_ == LogFormat::kJson ? request_json(request, ts) : request_logfmt(request, ts));
}

void AccessLog::log_rejected(const std::string& request_id, const std::string& path, int status,
                             const std::string& reason, const std::string& param) {
  std::string ts = iso8601_utc(clock_.wall_now());
  if (format_ == LogFormat::kJson) {
    Json j{{"ts", ts},     {"msg", "rejected"}, {"id", request_id},
           {"path", path}, {"status", status},  {"reason", reason}};
    if (!param.empty()) j["param"] = param;
    emit(dump_json(j) + "\n");
    return;
  }
  LogfmtLine l;
  l.add("ts", ts);
  l.add("msg", "rejected");
  l.add("id", request_id);
  l.add("path", path);
  l.add("status", status);
  l.add("reason", reason);
  if (!param.empty()) l.add("param", param);
  emit(l.finish());
}

void AccessLog::emit(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  writer_(line);
}

}  // namespace understudy
