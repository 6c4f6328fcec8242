// Parsing of fault-injection rules ([[faults]] tables) into FaultRule.
//
// Shared by the gateway config loader and the `simulate` scenario loader, so both accept
// exactly the same rule language (documented in docs/config.md). Every problem is appended
// to `errors` with its file, line and key path; parsing continues so all problems are
// reported at once. Cross-references (do the named providers exist?) are the caller's job.
// Pure functions, no I/O.
#pragma once

#include <toml++/toml.h>

#include <string>
#include <vector>

#include "lib/config/diagnostics.h"
#include "lib/config/fault_rule.h"

namespace understudy {

// Parses one rule table. `path` names it in messages ("faults[2]"); it is also the default
// rule name. `source` is the file name used in diagnostics and FaultRule::origin.
void parse_fault_rule(const toml::table& table, const std::string& source, const std::string& path,
                      FaultRule& out, std::vector<Diagnostic>& errors);

// Parses an array of rule tables (the value of `faults`), appending the valid ones to `out`.
void parse_fault_rules(const toml::node& node, const std::string& source, const std::string& path,
                       std::vector<FaultRule>& out, std::vector<Diagnostic>& errors);

// The keys a rule table accepts, and the action names ("ok", "error", "hang", ...).
const std::vector<std::string>& fault_rule_keys();
const std::vector<std::string>& fault_action_names();

}  // namespace understudy
