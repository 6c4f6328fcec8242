// Parsing of a scenario's [expect] table into Expectations (docs/scenarios.md, "[expect]").
//
// Runs after the config and the traffic are known, so that served_by targets and outcome
// entries are checked against the configured providers and the outcome list against the
// number of requests. Every problem is appended to the TomlFields' error list with its line
// and key path. Pure.
#pragma once

#include <cstdint>

#include "lib/config/config.h"
#include "lib/config/toml_fields.h"
#include "lib/sim/scenario.h"

namespace understudy {

// `f` wraps the [expect] table.
void parse_expectations(TomlFields& f, const Config& config, std::int64_t total_requests,
                        Expectations& out);

// The keys [expect] accepts.
const std::vector<std::string>& expectation_keys();

}  // namespace understudy
