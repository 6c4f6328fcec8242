// Reports of `simulate`: the readable text table, JSON, and JUnit XML for CI.
//
// A ScenarioReport holds everything about one scenario run that the outputs show. Nothing
// in it comes from the wall clock: in the default (virtual time) mode the same scenarios
// and seed give byte-identical text, JSON and JUnit. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/model/json.h"
#include "lib/sim/expectations.h"
#include "lib/sim/stats.h"

namespace understudy {

struct ScenarioReport {
  std::string name;
  std::string file;
  std::string description;
  std::string mode;  // "virtual time", "real time", "http"
  std::uint64_t seed = 0;
  std::int64_t fault_rules = 0;
  std::string skipped;  // non-empty: not run in this mode, and why
  ScenarioStats stats;
  std::vector<ExpectationResult> results;

  bool passed() const { return all_passed(results); }  // a skipped scenario has no results
};

// The table of one scenario, ending with PASS or FAIL.
std::string render_scenario_text(const ScenarioReport& report);
// Every scenario, then the summary.
std::string render_text(const std::vector<ScenarioReport>& reports);
// The summary alone: "simulate: N scenarios, P passed, F failed[, S skipped]", then, when one
// failed, a "failed: NAME..." line.
std::string render_text_summary(const std::vector<ScenarioReport>& reports);
// {"scenarios": [...], "summary": {...}, "passed": bool}; fields in docs/scenarios.md.
Json render_json(const std::vector<ScenarioReport>& reports);
// One <testsuite> per scenario, one <testcase> per expectation; failures carry expected and
// actual.
std::string render_junit(const std::vector<ScenarioReport>& reports);

// Escapes &, <, >, " and ', and replaces characters XML 1.0 does not allow with '?'.
std::string xml_escape(std::string_view text);

}  // namespace understudy
