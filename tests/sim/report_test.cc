// Reports of simulate (lib/sim/report.h): text, JSON, and JUnit checked AS XML.
#include "lib/sim/report.h"

#include <doctest/doctest.h>

#include "tests/support/xml_check.h"

using namespace understudy;
using understudy::testing::parse_xml;
using understudy::testing::XmlParse;

namespace {

ExpectationResult result(std::string name, std::string expected, std::string actual, bool ok) {
  ExpectationResult r;
  r.name = std::move(name);
  r.expected = std::move(expected);
  r.actual = std::move(actual);
  r.passed = ok;
  return r;
}

std::vector<ScenarioReport> two_reports() {
  ScenarioReport good;
  good.name = "good";
  good.file = "scenarios/good.toml";
  good.description = "all fine";
  good.mode = "virtual time";
  good.seed = 1;
  good.stats.requests = 4;
  good.stats.succeeded = 4;
  good.stats.success_rate = 1;
  good.stats.served_by = {{"openai/gpt-4o-mini", 4}};
  good.stats.served_by_provider = {{"openai", 4}};
  good.stats.outcomes = {"openai/gpt-4o-mini", "openai/gpt-4o-mini", "openai/gpt-4o-mini",
                         "openai/gpt-4o-mini"};
  good.results = {result("success_rate", ">= 100%", "100% (4 of 4)", true),
                  result("caller_contract", "0 violations", "0 violations", true)};
  ScenarioReport bad = good;
  bad.name = "bad <&> \"quoted\" 'scenario'";
  bad.file = "scenarios/bad.toml";
  bad.description = "control \x01 char and bad UTF-8 \xC3";
  bad.results = {result("served_by.anthropic", "exactly 3 requests", "1 request", false),
                 result("caller_contract", "0 violations", "0 violations", true)};
  bad.results[0].details = {"request 2: expected <anthropic>, got fail:rate_limit & more"};
  return {good, bad};
}

}  // namespace

TEST_CASE("report: xml_escape escapes markup and drops what XML forbids") {
  CHECK(xml_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
  CHECK(xml_escape("tab\tnl\n") == "tab\tnl\n");
  CHECK(xml_escape(std::string("nul\0x", 5)) == "nul?x");
  CHECK(xml_escape("\x01\x1f") == "??");
  CHECK(xml_escape("caf\xC3\xA9 ✓") == "caf\xC3\xA9 ✓");
  CHECK(xml_escape("cut \xC3") == "cut ?");
  CHECK(xml_escape("\xED\xA0\x80") == "???");  // a UTF-16 surrogate
  CHECK(xml_escape("\xEF\xBF\xBF") == "???");  // U+FFFF
}

TEST_CASE("report: the XML checker used by these tests rejects malformed documents") {
  CHECK(parse_xml("<a><b/></a>").ok);
  CHECK(parse_xml("<?xml version=\"1.0\"?>\n<a x='1' y=\"&amp;\">t&lt;</a>\n").ok);
  CHECK_FALSE(parse_xml("<a><b></a></b>").ok);
  CHECK_FALSE(parse_xml("<a>x & y</a>").ok);
  CHECK_FALSE(parse_xml("<a x=\"1\" x=\"2\"/>").ok);
  CHECK_FALSE(parse_xml("<a x=\"<\"/>").ok);
  CHECK_FALSE(parse_xml("<a>&bogus;</a>").ok);
  CHECK_FALSE(parse_xml("<a>").ok);
  CHECK_FALSE(parse_xml("<a/><b/>").ok);
  CHECK_FALSE(parse_xml("<a>\x01</a>").ok);
  CHECK_FALSE(parse_xml("<a>\xC3</a>").ok);
}

TEST_CASE("report: JUnit has one testsuite per scenario and one testcase per expectation") {
  std::vector<ScenarioReport> reports = two_reports();
  std::string xml = render_junit(reports);
  XmlParse doc = parse_xml(xml);
  REQUIRE_MESSAGE(doc.ok, doc.error);
  CHECK(doc.root.name == "testsuites");
  CHECK(doc.root.attributes.at("tests") == "4");
  CHECK(doc.root.attributes.at("failures") == "1");
  auto suites = doc.root.descendants("testsuite");
  REQUIRE(suites.size() == 2);
  CHECK(suites[0]->attributes.at("name") == "good");
  CHECK(suites[0]->attributes.at("failures") == "0");
  CHECK(suites[1]->attributes.at("name") == "bad <&> \"quoted\" 'scenario'");
  CHECK(suites[1]->attributes.at("file") == "scenarios/bad.toml");
  auto cases = suites[1]->descendants("testcase");
  REQUIRE(cases.size() == 2);
  CHECK(cases[0]->attributes.at("name") == "served_by.anthropic");
  CHECK(cases[0]->attributes.at("classname") == "bad <&> \"quoted\" 'scenario'");
  auto failures = cases[0]->descendants("failure");
  REQUIRE(failures.size() == 1);
  CHECK(failures[0]->attributes.at("message") == "expected exactly 3 requests, actual 1 request");
  CHECK(failures[0]->text.find("request 2: expected <anthropic>, got fail:rate_limit & more") !=
        std::string::npos);
  CHECK(cases[1]->descendants("failure").empty());
  auto out = suites[1]->descendants("system-out");
  REQUIRE(out.size() == 1);
  CHECK(out[0]->text.find("✗ served_by.anthropic") != std::string::npos);
}

TEST_CASE("report: JSON carries the documented fields") {
  Json j = render_json(two_reports());
  CHECK(j["passed"] == false);
  CHECK(j["summary"] == Json{{"scenarios", 2}, {"passed", 1}, {"failed", 1}, {"skipped", 0}});
  REQUIRE(j["scenarios"].size() == 2);
  const Json& s = j["scenarios"][0];
  for (const char* key : {"name",
                          "file",
                          "description",
                          "seed",
                          "mode",
                          "passed",
                          "skipped",
                          "fault_rules",
                          "requests",
                          "succeeded",
                          "failed",
                          "broken",
                          "continued",
                          "streams",
                          "success_rate",
                          "served_by",
                          "served_by_provider",
                          "attempts",
                          "max_attempts",
                          "retries",
                          "fallbacks",
                          "skipped_targets",
                          "malformed_events",
                          "latency_ms",
                          "ttft_ms",
                          "failures_by_class",
                          "failed_attempts_by_class",
                          "duration_ms",
                          "contract_violations",
                          "caller_errors",
                          "outcomes",
                          "expectations"}) {
    CAPTURE(key);
    CHECK(s.contains(key));
  }
  CHECK(s["served_by"]["openai/gpt-4o-mini"] == 4);
  CHECK(s["latency_ms"].contains("p99"));
  const Json& e = j["scenarios"][1]["expectations"][0];
  CHECK(e["name"] == "served_by.anthropic");
  CHECK(e["expected"] == "exactly 3 requests");
  CHECK(e["actual"] == "1 request");
  CHECK(e["passed"] == false);
  CHECK(e["details"].size() == 1);
}

TEST_CASE("report: the text marks each expectation and ends with a summary") {
  std::string text = render_text(two_reports());
  CHECK(text.find("── good ── scenarios/good.toml") != std::string::npos);
  CHECK(text.find("✓ success_rate") != std::string::npos);
  CHECK(text.find("✗ served_by.anthropic") != std::string::npos);
  CHECK(text.find("expected exactly 3 requests") != std::string::npos);
  CHECK(text.find("actual 1 request") != std::string::npos);
  CHECK(text.find("request 2: expected <anthropic>") != std::string::npos);
  CHECK(text.find("  PASS\n") != std::string::npos);
  CHECK(text.find("  FAIL\n") != std::string::npos);
  CHECK(text.find("simulate: 2 scenarios, 1 passed, 1 failed\nfailed: bad") != std::string::npos);
}

TEST_CASE("report: a skipped scenario is said so in every format and fails nothing") {
  std::vector<ScenarioReport> reports = two_reports();
  reports[1].results.clear();
  reports[1].skipped = "virtual time only: exact latencies";
  reports[1].mode = "http";
  std::string text = render_text(reports);
  CHECK(text.find("skipped in http: virtual time only: exact latencies") != std::string::npos);
  CHECK(text.find("  SKIP\n") != std::string::npos);
  CHECK(text.find("simulate: 2 scenarios, 1 passed, 0 failed, 1 skipped") != std::string::npos);
  Json j = render_json(reports);
  CHECK(j["passed"] == true);
  CHECK(j["summary"]["skipped"] == 1);
  CHECK(j["scenarios"][1]["skipped"] == "virtual time only: exact latencies");
  CHECK(j["scenarios"][0]["skipped"].is_null());
  XmlParse doc = parse_xml(render_junit(reports));
  REQUIRE_MESSAGE(doc.ok, doc.error);
  CHECK(doc.root.attributes.at("skipped") == "1");
  CHECK(doc.root.attributes.at("failures") == "0");
  auto suites = doc.root.descendants("testsuite");
  REQUIRE(suites.size() == 2);
  CHECK(suites[1]->attributes.at("skipped") == "1");
  auto skipped = suites[1]->descendants("skipped");
  REQUIRE(skipped.size() == 1);
  CHECK(skipped[0]->attributes.at("message") == "virtual time only: exact latencies");
}

TEST_CASE("report: a long caller error is cut at a character, not inside one") {
  ScenarioReport r = two_reports()[1];
  r.stats.failed = 1;
  std::string message = "a";
  for (int i = 0; i < 100; ++i) message += "\xC3\xA9";  // é, two bytes each
  r.stats.caller_errors = {{message, 1}};
  std::string text = render_scenario_text(r);
  std::string cut = "a";
  for (int i = 0; i < 71; ++i) cut += "\xC3\xA9";  // 72 characters in all
  CHECK(text.find("1 × " + cut + "...\n") != std::string::npos);
}
