// A standalone faults file: TOML holding only `[[faults]]` tables, the rule language of the
// gateway config (docs/config.md), for `understudy mock --faults FILE`.
//
// Every problem is reported with file, line and key path, all at once; a syntax error
// carries its column. An unknown top-level key is an error with a suggestion, and so is a
// file with no rule at all (a user who passes --faults expects some). Pure apart from
// reading the file in load_fault_file.
#pragma once

#include <string>
#include <vector>

#include "lib/config/diagnostics.h"
#include "lib/config/fault_rule.h"

namespace understudy {

struct FaultFile {
  std::vector<FaultRule> rules;
  std::vector<Diagnostic> errors;
  bool ok() const { return errors.empty(); }
};

// `source` names the file in diagnostics and in each rule's origin.
FaultFile parse_fault_file(const std::string& text, const std::string& source);

// Reads `path` and parses it; an unreadable file is one error naming it.
FaultFile load_fault_file(const std::string& path);

}  // namespace understudy
