// `understudy simulate` driven as a user would: exit codes, reports, JSON and JUnit files.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "lib/model/json.h"
#include "lib/sim/scenario.h"
#include "tests/support/subprocess.h"
#include "tests/support/text.h"
#include "tests/support/xml_check.h"

using namespace understudy;
using namespace understudy::testing;

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string scenarios_dir() { return source_dir() + "/scenarios"; }

// A small scenario whose success_rate expectation is wrong: half the requests fail.
const char kWrongExpectation[] = R"(
name = "wrong expectation"
[providers.openai]

[traffic]
count = 4
concurrency = 1
model = "openai/gpt-4o-mini"

[[faults]]
providers = ["openai"]
request_to = 2
status = 401

[expect]
success_rate = 1.0
outcomes = ["openai", "openai", "openai", "openai"]
)";

}  // namespace

TEST_CASE("e2e: simulate scenarios/ passes every shipped scenario in virtual time") {
  RunResult r = run_understudy({"simulate", scenarios_dir()});
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "scenarios, "));
  CHECK(contains(r.out, " passed, 0 failed"));
  CHECK(contains(r.out, "── rate-limit-with-retry-after ──"));
  CHECK(contains(r.out, "virtual time"));
  CHECK_FALSE(contains(r.out, "✗"));
  CHECK_FALSE(contains(r.out, "sim-placeholder"));  // key values never show
  CHECK(r.err.empty());
}

TEST_CASE("e2e: a wrong expectation exits 1 and shows expected against actual") {
  std::string dir = temp_dir();
  std::string path = write_file(dir, "wrong.toml", kWrongExpectation);
  RunResult r = run_understudy({"simulate", path});
  CHECK(r.exit_code == 1);
  CHECK(contains(r.out, "✗ success_rate"));
  CHECK(contains(r.out, "expected >= 100%"));
  CHECK(contains(r.out, "actual 50% (2 of 4)"));
  CHECK(contains(r.out, "request 0: expected openai, got fail:auth"));
  CHECK(contains(r.out, "FAIL"));
  CHECK(contains(r.out, "simulate: 1 scenario, 0 passed, 1 failed"));
}

TEST_CASE("e2e: --quiet prints only failing scenarios and the summary") {
  std::string dir = temp_dir();
  std::string wrong = write_file(dir, "wrong.toml", kWrongExpectation);
  RunResult r =
      run_understudy({"simulate", "-q", wrong, scenarios_dir() + "/server_error_once.toml"});
  CHECK(r.exit_code == 1);
  CHECK(contains(r.out, "── wrong expectation ──"));
  CHECK_FALSE(contains(r.out, "── server-error-once ──"));
  CHECK(contains(r.out, "simulate: 2 scenarios, 1 passed, 1 failed"));
}

TEST_CASE("e2e: an invalid scenario exits 2 with file:line on stderr and runs nothing") {
  std::string dir = temp_dir();
  std::string bad = write_file(dir, "bad.toml",
                               "[providers.openai]\n[traffic]\nmodel = \"openai/gpt-4o-mini\"\n"
                               "cuont = 3\n[expect]\nsuccess_rate = 2\n");
  std::string syntax = write_file(dir, "syntax.toml", "name = \"x\n");
  RunResult r = run_understudy({"simulate", bad, syntax});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(contains(r.err, "scenario " + bad +
                            ":4: traffic.cuont: unknown key \"cuont\" (did you mean \"count\"?)"));
  CHECK(contains(r.err, "scenario " + bad + ":6: expect.success_rate: must be between 0 and 1"));
  CHECK(contains(r.err, "scenario " + syntax + ":1:"));
  CHECK(contains(r.err, "TOML syntax error"));
}

TEST_CASE("e2e: usage errors exit 2") {
  RunResult missing = run_understudy({"simulate", "/nonexistent/scenario.toml"});
  CHECK(missing.exit_code == 2);
  CHECK(contains(missing.err, "\"/nonexistent/scenario.toml\" does not exist"));
  RunResult format = run_understudy({"simulate", "--format", "yaml", scenarios_dir()});
  CHECK(format.exit_code == 2);
  RunResult none = run_understudy({"simulate"});
  CHECK(none.exit_code == 2);
  std::string empty = temp_dir();
  RunResult empty_dir = run_understudy({"simulate", empty});
  CHECK(empty_dir.exit_code == 2);
  CHECK(contains(empty_dir.err, "no *.toml scenarios"));
}

TEST_CASE("e2e: --format json parses and has the documented fields") {
  RunResult r = run_understudy({"simulate", "--format", "json", scenarios_dir()});
  REQUIRE(r.exit_code == 0);
  Json j = Json::parse(r.out);
  CHECK(j["passed"] == true);
  CHECK(j["summary"]["failed"] == 0);
  REQUIRE(j["scenarios"].size() == j["summary"]["scenarios"].get<std::size_t>());
  for (const Json& s : j["scenarios"]) {
    CAPTURE(s["name"]);
    CHECK(s["passed"] == true);
    CHECK(s["mode"] == "virtual time");
    CHECK(s["requests"].get<std::int64_t>() == static_cast<std::int64_t>(s["outcomes"].size()));
    CHECK(s["latency_ms"].contains("p99"));
    CHECK(s["success_rate"].is_number());
    CHECK(s["expectations"].back()["name"] == "caller_contract");
    for (const Json& e : s["expectations"]) {
      CHECK(e.contains("expected"));
      CHECK(e.contains("actual"));
      CHECK(e["passed"] == true);
    }
  }
}

TEST_CASE("e2e: --junit writes a JUnit report that parses as XML") {
  std::string dir = temp_dir();
  std::string wrong = write_file(dir, "wrong.toml", kWrongExpectation);
  std::string junit = dir + "/report.xml";
  RunResult r = run_understudy(
      {"simulate", "--junit", junit, scenarios_dir() + "/server_error_once.toml", wrong});
  CHECK(r.exit_code == 1);
  XmlParse doc = parse_xml(read_all(junit));
  REQUIRE_MESSAGE(doc.ok, doc.error);
  CHECK(doc.root.name == "testsuites");
  auto suites = doc.root.descendants("testsuite");
  REQUIRE(suites.size() == 2);
  CHECK(suites[0]->attributes.at("name") == "server-error-once");
  CHECK(suites[0]->attributes.at("failures") == "0");
  CHECK(suites[1]->attributes.at("name") == "wrong expectation");
  CHECK(suites[1]->attributes.at("failures") == "2");
  auto failures = suites[1]->descendants("failure");
  REQUIRE(failures.size() == 2);
  CHECK(failures[0]->attributes.at("message") == "expected >= 100%, actual 50% (2 of 4)");
  std::size_t cases = 0;
  for (const XmlElement* s : suites) cases += s->descendants("testcase").size();
  CHECK(doc.root.attributes.at("tests") == std::to_string(cases));
}

TEST_CASE("e2e: the same seed gives byte-identical output; --seed overrides the scenario's") {
  std::vector<std::string> args = {"simulate", "--seed", "99", scenarios_dir()};
  RunResult a = run_understudy(args);
  RunResult b = run_understudy(args);
  CHECK(a.out == b.out);
  CHECK(contains(a.out, "seed 99 · virtual time"));
  args.insert(args.begin() + 1, {"--format", "json"});
  CHECK(run_understudy(args).out == run_understudy(args).out);
}

TEST_CASE("e2e: --real-time runs the same router on the real clock") {
  RunResult r =
      run_understudy({"simulate", "--real-time", scenarios_dir() + "/server_error_once.toml",
                      scenarios_dir() + "/stream_missing_done.toml"});
  CAPTURE(r.out);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "real time"));
  CHECK(contains(r.out, "simulate: 2 scenarios, 2 passed, 0 failed"));
}

TEST_CASE("e2e: --real-time and --http skip a virtual-time-only scenario and say why") {
  RunResult r =
      run_understudy({"simulate", "--http", scenarios_dir() + "/silent_provider_timeout.toml",
                      scenarios_dir() + "/content_policy_no_fallback.toml"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "skipped in http: virtual time only: expects latencies of exactly 30 s"));
  CHECK(contains(r.out, "SKIP"));
  CHECK(contains(r.out, "simulate: 2 scenarios, 1 passed, 0 failed, 1 skipped"));
}

// The acceptance test of --http: every shipped scenario that makes sense over HTTP (all but
// those marked virtual_time_only) passes through real sockets, the real HttpTransport and
// the adapters' wire formats, against a fake provider server. They mostly wait on real
// time, so they run side by side, one process each.
TEST_CASE("e2e: --http passes every shipped scenario that is not virtual-time-only") {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(scenarios_dir())) {
    if (e.path().extension() != ".toml") continue;
    ScenarioLoad load = load_scenario_file(e.path().string());
    REQUIRE(load.ok());
    if (load.scenario.virtual_time_only.empty()) files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  CHECK(files.size() >= 12);
  RunOptions options;
  options.timeout = std::chrono::milliseconds(60000);
  std::vector<std::unique_ptr<Background>> runs;
  for (const std::string& file : files) {
    runs.push_back(std::make_unique<Background>(
        std::vector<std::string>{understudy_binary(), "simulate", "--http", file}, options));
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    CAPTURE(files[i]);
    int code = runs[i]->wait(std::chrono::milliseconds(60000));
    CAPTURE(runs[i]->out());
    CAPTURE(runs[i]->err());
    CHECK(code == 0);
    CHECK(contains(runs[i]->out(), " · http · "));
    CHECK(contains(runs[i]->out(), "1 scenario, 1 passed, 0 failed"));
  }
}
