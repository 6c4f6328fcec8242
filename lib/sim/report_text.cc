// The readable report of `simulate` (declared in report.h).
#include <algorithm>
#include <cstdio>

#include "lib/sim/report.h"

namespace understudy {

namespace {

constexpr std::size_t kLabelWidth = 18;
constexpr std::int64_t kMaxOutcomesShown = 24;
constexpr std::size_t kLineWidth = 100;
constexpr std::size_t kMaxErrorsShown = 3;
constexpr std::size_t kMaxErrorWidth = 72;

// Display width of UTF-8 text: code points, not bytes (for "±", "✓", "·").
std::size_t width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The first `w` code points of UTF-8 text: a cut never splits a character.
std::string first_code_points(const std::string& s, std::size_t w) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && n++ == w) return s.substr(0, i);
  }
  return s;
}

std::string pad(const std::string& s, std::size_t w) {
  std::size_t have = width(s);
  return have >= w ? s + " " : s + std::string(w - have, ' ');
}

std::string row(const std::string& label, const std::string& text) {
  return "  " + pad(label, kLabelWidth) + text + "\n";
}

std::string seconds(std::int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

std::string percent_of(std::int64_t n, std::int64_t total) {
  return format_percent(total == 0 ? 0 : static_cast<double>(n) / static_cast<double>(total));
}

std::string description_lines(const std::string& description) {
  std::string out;
  std::size_t start = 0;
  while (start < description.size()) {
    std::size_t end = description.find('\n', start);
    if (end == std::string::npos) end = description.size();
    std::string line = description.substr(start, end - start);
    if (!line.empty()) out += "   " + line + "\n";
    start = end + 1;
  }
  return out;
}

std::string header(const ScenarioReport& r) {
  std::string out = "── " + r.name + " ── " + r.file + "\n";
  out += description_lines(r.description);
  if (!r.skipped.empty()) return out + "   skipped in " + r.mode + ": " + r.skipped + "\n";
  out += "   seed " + std::to_string(r.seed) + " · " + r.mode + " · " +
         std::to_string(r.fault_rules) + " fault rule" + (r.fault_rules == 1 ? "" : "s") + " · " +
         std::to_string(r.stats.requests) + " requests over " + seconds(r.stats.duration_ms) +
         "\n\n";
  return out;
}

std::string served_rows(const ScenarioStats& s) {
  std::vector<std::pair<std::string, std::int64_t>> rows(s.served_by.begin(), s.served_by.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::size_t name_width = 0;
  for (const auto& [target, n] : rows) name_width = std::max(name_width, width(target));
  std::string out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    char counts[64];
    std::snprintf(counts, sizeof counts, "%8lld  %s", static_cast<long long>(rows[i].second),
                  percent_of(rows[i].second, s.requests).c_str());
    out += row(i == 0 ? "served by" : "", pad(rows[i].first, name_width) + counts);
  }
  if (rows.empty()) out += row("served by", "nobody");
  return out;
}

std::string class_counts(const std::map<std::string, std::int64_t>& counts) {
  if (counts.empty()) return "none";
  std::string out;
  for (const auto& [cls, n] : counts) {
    if (!out.empty()) out += "   ";
    out += cls + " " + std::to_string(n);
  }
  return out;
}

std::string percentile_text(const Percentiles& p) {
  return "p50 " + std::to_string(p.p50) + " ms   p95 " + std::to_string(p.p95) + " ms   p99 " +
         std::to_string(p.p99) + " ms   max " + std::to_string(p.max) + " ms";
}

// The most frequent error messages callers got, each cut to fit one line.
std::string caller_error_rows(const ScenarioStats& s) {
  std::vector<std::pair<std::string, std::int64_t>> rows(s.caller_errors.begin(),
                                                         s.caller_errors.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (std::size_t i = 0; i < rows.size() && i < kMaxErrorsShown; ++i) {
    std::string message = rows[i].first;
    if (width(message) > kMaxErrorWidth)
      message = first_code_points(message, kMaxErrorWidth) + "...";
    out += row(i == 0 ? "caller errors" : "", std::to_string(rows[i].second) + " × " + message);
  }
  if (rows.size() > kMaxErrorsShown) {
    out += row("", "and " + std::to_string(rows.size() - kMaxErrorsShown) + " other messages");
  }
  return out;
}

// The outcome of each request, wrapped; only for small scenarios.
std::string outcome_rows(const ScenarioStats& s) {
  if (s.requests > kMaxOutcomesShown) return "";
  std::string out, line;
  for (std::size_t i = 0; i < s.outcomes.size(); ++i) {
    std::string item = s.outcomes[i] + (i + 1 < s.outcomes.size() ? "," : "");
    if (!line.empty() && 2 + kLabelWidth + width(line) + 1 + width(item) > kLineWidth) {
      out += row(out.empty() ? "outcomes" : "", line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + item;
  }
  if (!line.empty()) out += row(out.empty() ? "outcomes" : "", line);
  return out;
}

std::string stats_rows(const ScenarioStats& s) {
  std::string out;
  out += row("requests",
             std::to_string(s.requests) + "   succeeded " + std::to_string(s.succeeded) + " (" +
                 format_percent(s.success_rate) + ")   failed " + std::to_string(s.failed) +
                 (s.broken ? " (" + std::to_string(s.broken) + " broke mid-stream)" : ""));
  out += served_rows(s);
  out +=
      row("attempts",
          std::to_string(s.attempts) + "   max " + std::to_string(s.max_attempts) +
              " per request   retries " + std::to_string(s.retries) + "   fallbacks " +
              std::to_string(s.fallbacks) +
              (s.skipped_targets ? "   skipped targets " + std::to_string(s.skipped_targets) : ""));
  out += row("latency", percentile_text(s.latency_ms));
  if (s.streams > 0) {
    std::string ttft = s.ttft_ms.count ? percentile_text(s.ttft_ms) : "no token delivered";
    out += row("first token", ttft);
    std::string extra;
    if (s.continued) extra += "   continued " + std::to_string(s.continued);
    if (s.malformed_events)
      extra += "   malformed events skipped " + std::to_string(s.malformed_events);
    out += row("streams", std::to_string(s.streams) + extra);
  }
  out += row("failed attempts", class_counts(s.failed_attempts_by_class));
  out += row("failed requests", class_counts(s.failures_by_class));
  out += caller_error_rows(s);
  out += outcome_rows(s);
  return out;
}

std::string expectation_rows(const std::vector<ExpectationResult>& results) {
  std::size_t name_width = 0, expected_width = 0;
  for (const ExpectationResult& e : results) {
    name_width = std::max(name_width, width(e.name));
    expected_width = std::max(expected_width, width(e.expected));
  }
  std::string out = "\n  expectations\n";
  for (const ExpectationResult& e : results) {
    out += std::string("    ") + (e.passed ? "✓ " : "✗ ") + pad(e.name, name_width + 1) +
           "expected " + pad(e.expected, expected_width + 1) + " actual " + e.actual + "\n";
    for (const std::string& d : e.details) out += "        " + d + "\n";
  }
  return out;
}

}  // namespace

std::string render_scenario_text(const ScenarioReport& r) {
  if (!r.skipped.empty()) return header(r) + "\n  SKIP\n";
  std::string out = header(r) + stats_rows(r.stats) + expectation_rows(r.results);
  out += std::string("\n  ") + (r.passed() ? "PASS" : "FAIL") + "\n";
  return out;
}

std::string render_text_summary(const std::vector<ScenarioReport>& reports) {
  std::int64_t passed = 0, skipped = 0;
  for (const ScenarioReport& r : reports) {
    skipped += !r.skipped.empty();
    passed += r.skipped.empty() && r.passed();
  }
  std::int64_t failed = static_cast<std::int64_t>(reports.size()) - passed - skipped;
  std::string out = "simulate: " + std::to_string(reports.size()) + " scenario" +
                    (reports.size() == 1 ? "" : "s") + ", " + std::to_string(passed) + " passed, " +
                    std::to_string(failed) + " failed" +
                    (skipped ? ", " + std::to_string(skipped) + " skipped" : "") + "\n";
  if (failed > 0) {
    out += "failed:";
    for (const ScenarioReport& r : reports) {
      if (!r.passed()) out += " " + r.name;
    }
    out += "\n";
  }
  return out;
}

std::string render_text(const std::vector<ScenarioReport>& reports) {
  std::string out;
  for (const ScenarioReport& r : reports) out += render_scenario_text(r) + "\n";
  return out + render_text_summary(reports);
}

}  // namespace understudy
