// Parsing of the small sections of understudy.toml: [server], [routes.*], [fallback], [ask].
//
// Each appends its problems to the TomlFields' error list. Chain entries are not resolved
// here (providers may not be known yet); instead each list is recorded as a ChainSite, with
// the line of every entry, for check_chain_sites() to validate afterwards.
// Pure functions apart from the EnvLookup used for auth tokens.
#pragma once

#include <vector>

#include "lib/config/chain_check.h"
#include "lib/config/config.h"
#include "lib/config/env.h"
#include "lib/config/toml_fields.h"

namespace understudy {

// `f` wraps the [server] table.
void parse_server(TomlFields& f, const EnvLookup& env, ServerConfig& out);

// `f` wraps the [routes] table (all aliases).
void parse_routes(TomlFields& f, Config& config, std::vector<ChainSite>& sites);

// `f` wraps the [fallback] table.
void parse_fallback(TomlFields& f, FallbackConfig& out, std::vector<ChainSite>& sites);

// `f` wraps the [ask] table.
void parse_ask(TomlFields& f, AskConfig& out, std::vector<ChainSite>& sites);

}  // namespace understudy
