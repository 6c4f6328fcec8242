// The machine-readable reports of `simulate`: JSON and JUnit XML (declared in report.h).
#include "lib/sim/report.h"

namespace understudy {

namespace {

Json percentiles_json(const Percentiles& p) {
  return Json{{"count", p.count}, {"p50", p.p50}, {"p95", p.p95}, {"p99", p.p99}, {"max", p.max}};
}

Json counts_json(const std::map<std::string, std::int64_t>& counts) {
  Json j = Json::object();
  for (const auto& [k, v] : counts) j[k] = v;
  return j;
}

Json expectation_json(const ExpectationResult& e) {
  return Json{{"name", e.name},     {"expected", e.expected}, {"actual", e.actual},
              {"passed", e.passed}, {"details", e.details},   {"builtin", e.builtin}};
}

Json scenario_json(const ScenarioReport& r) {
  const ScenarioStats& s = r.stats;
  Json expectations = Json::array();
  for (const ExpectationResult& e : r.results) expectations.push_back(expectation_json(e));
  return Json{{"name", r.name},
              {"file", r.file},
              {"description", r.description},
              {"seed", r.seed},
              {"mode", r.mode},
              {"passed", r.passed()},
              {"skipped", r.skipped.empty() ? Json(nullptr) : Json(r.skipped)},
              {"fault_rules", r.fault_rules},
              {"requests", s.requests},
              {"succeeded", s.succeeded},
              {"failed", s.failed},
              {"broken", s.broken},
              {"continued", s.continued},
              {"streams", s.streams},
              {"success_rate", s.success_rate},
              {"served_by", counts_json(s.served_by)},
              {"served_by_provider", counts_json(s.served_by_provider)},
              {"attempts", s.attempts},
              {"max_attempts", s.max_attempts},
              {"retries", s.retries},
              {"fallbacks", s.fallbacks},
              {"skipped_targets", s.skipped_targets},
              {"malformed_events", s.malformed_events},
              {"latency_ms", percentiles_json(s.latency_ms)},
              {"ttft_ms", percentiles_json(s.ttft_ms)},
              {"failures_by_class", counts_json(s.failures_by_class)},
              {"failed_attempts_by_class", counts_json(s.failed_attempts_by_class)},
              {"duration_ms", s.duration_ms},
              {"contract_violations", s.contract_violations},
              {"caller_errors", counts_json(s.caller_errors)},
              {"outcomes", s.outcomes},
              {"expectations", std::move(expectations)}};
}

std::int64_t failures_in(const ScenarioReport& r) {
  std::int64_t n = 0;
  for (const ExpectationResult& e : r.results) n += !e.passed;
  return n;
}

std::string attr(const std::string& name, const std::string& value) {
  return " " + name + "=\"" + xml_escape(value) + "\"";
}

std::string testcase_xml(const ScenarioReport& r, const ExpectationResult& e) {
  std::string out = "    <testcase" + attr("name", e.name) + attr("classname", r.name) + ">\n";
  if (!e.passed) {
    std::string body = "expected " + e.expected + "\nactual   " + e.actual + "\n";
    for (const std::string& d : e.details) body += d + "\n";
    out += "      <failure" + attr("message", "expected " + e.expected + ", actual " + e.actual) +
           attr("type", "expectation") + ">" + xml_escape(body) + "</failure>\n";
  }
  return out + "    </testcase>\n";
}

std::string testsuite_xml(const ScenarioReport& r) {
  bool skipped = !r.skipped.empty();
  std::string out = "  <testsuite" + attr("name", r.name) +
                    attr("tests", std::to_string(skipped ? 1 : r.results.size())) +
                    attr("failures", std::to_string(failures_in(r))) + attr("errors", "0") +
                    attr("skipped", skipped ? "1" : "0") + attr("file", r.file) + ">\n";
  out += "    <properties>\n";
  out += "      <property" + attr("name", "seed") + attr("value", std::to_string(r.seed)) + "/>\n";
  out += "      <property" + attr("name", "mode") + attr("value", r.mode) + "/>\n";
  out += "    </properties>\n";
  if (skipped) {
    out += "    <testcase" + attr("name", "scenario") + attr("classname", r.name) + ">\n";
    out += "      <skipped" + attr("message", r.skipped) + "/>\n    </testcase>\n";
  }
  for (const ExpectationResult& e : r.results) out += testcase_xml(r, e);
  out += "    <system-out>" + xml_escape(render_scenario_text(r)) + "</system-out>\n";
  return out + "  </testsuite>\n";
}

// Appends the UTF-8 sequence starting at text[i], or '?' when it is not one XML allows.
std::size_t append_code_point(std::string_view text, std::size_t i, std::string& out) {
  auto c = static_cast<unsigned char>(text[i]);
  std::size_t len = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
  bool valid = len > 0 && i + len <= text.size();
  for (std::size_t k = 1; valid && k < len; ++k) {
    valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
  }
  if (len == 1 && c < 0x20 && c != '\t' && c != '\n' && c != '\r') valid = false;
  if (valid && len == 3) {  // UTF-16 surrogates and U+FFFE / U+FFFF are not XML characters
    auto c1 = static_cast<unsigned char>(text[i + 1]);
    auto c2 = static_cast<unsigned char>(text[i + 2]);
    if ((c == 0xED && c1 >= 0xA0) || (c == 0xEF && c1 == 0xBF && c2 >= 0xBE)) valid = false;
  }
  if (!valid) {
    out += '?';
    return 1;
  }
  out.append(text.substr(i, len));
  return len;
}

}  // namespace

Json render_json(const std::vector<ScenarioReport>& reports) {
  Json scenarios = Json::array();
  std::int64_t passed = 0, skipped = 0;
  for (const ScenarioReport& r : reports) {
    scenarios.push_back(scenario_json(r));
    skipped += !r.skipped.empty();
    passed += r.skipped.empty() && r.passed();
  }
  auto total = static_cast<std::int64_t>(reports.size());
  std::int64_t failed = total - passed - skipped;
  return Json{
      {"scenarios", std::move(scenarios)},
      {"summary",
       Json{{"scenarios", total}, {"passed", passed}, {"failed", failed}, {"skipped", skipped}}},
      {"passed", failed == 0}};
}

std::string render_junit(const std::vector<ScenarioReport>& reports) {
  std::int64_t tests = 0, failures = 0, skipped = 0;
  for (const ScenarioReport& r : reports) {
    tests += r.skipped.empty() ? static_cast<std::int64_t>(r.results.size()) : 1;
    failures += failures_in(r);
    skipped += !r.skipped.empty();
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites" + attr("name", "understudy simulate") +
         attr("tests", std::to_string(tests)) + attr("failures", std::to_string(failures)) +
         attr("errors", "0") + attr("skipped", std::to_string(skipped)) + ">\n";
  for (const ScenarioReport& r : reports) out += testsuite_xml(r);
  return out + "</testsuites>\n";
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    switch (text[i]) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        i += append_code_point(text, i, out);
        continue;
    }
    ++i;
  }
  return out;
}

}  // namespace understudy
