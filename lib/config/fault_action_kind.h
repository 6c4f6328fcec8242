// The names of fault actions ("ok", "error", "hang", "reset", "stream_cut", ...) as written
// in `[[faults]]` rules (lib/config/fault_rule_toml.h) and in the `x-understudy-fault`
// header of the fake servers (mocks/fault_action_json.h): one table for both. Pure
// functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/config/fault_rule.h"

namespace understudy {

const char* fault_action_kind_name(FaultAction::Kind kind);
// nullopt for an unknown name.
std::optional<FaultAction::Kind> parse_fault_action_kind(std::string_view name);
// Every name, in the order of FaultAction::Kind.
const std::vector<std::string>& fault_action_kind_names();

}  // namespace understudy
