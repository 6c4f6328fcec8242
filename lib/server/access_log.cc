#include "lib/server/access_log.h"

#include <charconv>
#include <climits>
#include <cstdint>
#include <ctime>

#include "lib/server/api.h"

namespace understudy {

namespace {

void append_number(std::string& out, std::int64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, static_cast<std::size_t>(end - buf));
}

void append_digits(std::string& out, int value, int width) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buf, static_cast<std::size_t>(width));
}

// The calendar part changes once a second; each thread keeps the last one it formatted.
void append_iso8601_utc(std::string& out, WallTime t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::int64_t secs = ms / 1000;
  int millis = static_cast<int>(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    secs -= 1;
  }
  thread_local std::int64_t cached_secs = INT64_MIN;
  thread_local std::string cached;  // "2026-01-01T12:00:00"
  if (secs != cached_secs) {
    std::time_t tt = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    cached.clear();
    append_digits(cached, tm.tm_year + 1900, 4);
    cached += '-';
    append_digits(cached, tm.tm_mon + 1, 2);
    cached += '-';
    append_digits(cached, tm.tm_mday, 2);
    cached += 'T';
    append_digits(cached, tm.tm_hour, 2);
    cached += ':';
    append_digits(cached, tm.tm_min, 2);
    cached += ':';
    append_digits(cached, tm.tm_sec, 2);
    cached_secs = secs;
  }
  out += cached;
  out += '.';
  append_digits(out, millis, 3);
  out += 'Z';
}

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (unsigned char c : v) {
    if (c <= ' ' || c == '=' || c == '"' || c == 0x7f) return true;
  }
  return false;
}

void append_logfmt_value(std::string& out, std::string_view v) {
  if (!needs_quotes(v)) {
    out += v;
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
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
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

void append_attempt_trail(std::string& out, const RequestRecord& r) {
  bool first = true;
  for (const AttemptRecord& a : r.attempts) {
    if (!first) out += ',';
    first = false;
    out.append(a.provider).append("/").append(a.model);
    if (!a.skipped.empty()) {
      out += ":skipped";
      continue;
    }
    out += ':';
    append_number(out, a.status);
    if (a.failure) out.append(":").append(failure_class_name(*a.failure));
    if (a.continuation) out += ":continuation";
  }
}

// Appends `key=value` pairs to a caller's buffer, separated by spaces.
class LogfmtLine {
 public:
  explicit LogfmtLine(std::string& out) : out_(out) {}
  void add(std::string_view key, std::string_view value) {
    start(key);
    append_logfmt_value(out_, value);
  }
  void add(std::string_view key, std::int64_t value) {
    start(key);
    append_number(out_, value);
  }
  void add_time(std::string_view key, WallTime t) {
    start(key);  // never needs quotes
    append_iso8601_utc(out_, t);
  }
  void finish() { out_ += '\n'; }

 private:
  void start(std::string_view key) {
    if (!out_.empty()) out_ += ' ';
    out_ += key;
    out_ += '=';
  }
  std::string& out_;
};

int attempts_made(const RequestRecord& r) {
  int n = 0;
  for (const AttemptRecord& a : r.attempts) n += a.skipped.empty() ? 1 : 0;
  return n;
}

void request_logfmt(std::string& out, const RequestRecord& r, WallTime now) {
  LogfmtLine l(out);
  l.add_time("ts", now);
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
  thread_local std::string trail;
  trail.clear();
  append_attempt_trail(trail, r);
  l.add("trail", trail);
  l.finish();
}

// Each thread formats its lines into one buffer that keeps its capacity.
std::string& line_buffer() {
  thread_local std::string line;
  line.clear();
  return line;
}

}  // namespace

std::string iso8601_utc(WallTime t) {
  std::string out;
  append_iso8601_utc(out, t);
  return out;
}

std::string logfmt_value(const std::string& v) {
  std::string out;
  append_logfmt_value(out, v);
  return out;
}

std::string attempt_trail(const RequestRecord& r) {
  std::string out;
  append_attempt_trail(out, r);
  return out;
}

namespace {

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
  WallTime now = clock_.wall_now();
  if (format_ == LogFormat::kJson) {
    emit(request_json(request, iso8601_utc(now)));
    return;
  }
  std::string& line = line_buffer();
  request_logfmt(line, request, now);
  emit(line);
}

void AccessLog::log_rejected(const std::string& request_id, const std::string& path, int status,
                             const std::string& reason, const std::string& param) {
  WallTime now = clock_.wall_now();
  if (format_ == LogFormat::kJson) {
    Json j{{"ts", iso8601_utc(now)}, {"msg", "rejected"}, {"id", request_id},
           {"path", path},           {"status", status},  {"reason", reason}};
    if (!param.empty()) j["param"] = param;
    emit(dump_json(j) + "\n");
    return;
  }
  std::string& line = line_buffer();
  LogfmtLine l(line);
  l.add_time("ts", now);
  l.add("msg", "rejected");
  l.add("id", request_id);
  l.add("path", path);
  l.add("status", status);
  l.add("reason", reason);
  if (!param.empty()) l.add("param", param);
  l.finish();
  emit(line);
}

void AccessLog::emit(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  writer_(line);
}

}  // namespace understudy
