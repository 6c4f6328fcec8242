// Evaluation of a scenario's [expect] table against the stats of its run: each expectation
// becomes one ExpectationResult marked passed or not, with the expected and the actual value
// as the report shows them ("expected >= 99%", "actual 97.5%").
//
// One built-in expectation is always added: `caller_contract`, no request broke what a
// caller relies on (one record per request, results that agree with it, well-formed
// streams), since a gateway that answers wrongly must not pass a scenario by being fast.
// Pure functions; results come in a fixed order (the order of docs/scenarios.md).
#pragma once

#include <string>
#include <vector>

#include "lib/sim/scenario.h"
#include "lib/sim/stats.h"

namespace understudy {

struct ExpectationResult {
  std::string name;      // "success_rate", "served_by.anthropic", "outcomes", ...
  std::string expected;  // e.g. ">= 99%"
  std::string actual;    // e.g. "97.5% (39 of 40)"
  bool passed = false;
  std::vector<std::string> details;  // why it failed, e.g. "request 2: expected ..., got ..."
  bool builtin = false;              // not written in the scenario
};

std::vector<ExpectationResult> evaluate_expectations(const Expectations& expect,
                                                     const ScenarioStats& stats);

bool all_passed(const std::vector<ExpectationResult>& results);

// 0.995 -> "99.5%", 1 -> "100%": at most two decimals, trailing zeros dropped.
std::string format_percent(double fraction);

}  // namespace understudy
