// FaultAction <-> JSON, for the `x-understudy-fault` request header of the fake provider
// servers: a client (`simulate --http`, a test, curl) names the exact fault the server must
// perform on this one request, and it takes precedence over the server's rules.
//
// The keys are those of a `[[faults]]` rule's outcome and timing (docs/config.md), so a rule
// and a header read alike: {"action": "error", "status": 429, "retry_after_ms": 1000},
// {"action": "stream_cut", "after_tokens": 3}, {"latency": {"type": "uniform", "min_ms": 5,
// "max_ms": 20}}. `status` without `action` means "error". to_json writes only what differs
// from the defaults; from_json(to_json(a)) == a. Pure functions.
#pragma once

#include <optional>
#include <string>

#include "lib/config/fault_action_kind.h"
#include "lib/config/fault_rule.h"
#include "lib/core/status.h"
#include "lib/model/json.h"

namespace understudy {

// The request header that carries a FaultAction as JSON.
inline constexpr const char* kFaultHeader = "x-understudy-fault";

Json fault_action_to_json(const FaultAction& action);

// invalid_argument naming the key and what is wrong, e.g. "status: expected an integer".
Result<FaultAction> fault_action_from_json(const Json& json);

// Parses header text; invalid_argument for JSON syntax errors (with the byte offset) too.
Result<FaultAction> parse_fault_action_header(const std::string& text);

}  // namespace understudy
