// parse_config_table: the understudy.toml loader applied to a table that is already parsed.
//
// For documents that embed a gateway config, such as a `simulate` scenario that defines its
// providers inline: the embedding document is parsed once, and its own top-level keys
// (`foreign_keys`) are accepted and left alone, while every other key goes through exactly
// the checks of understudy.toml (unknown keys with suggestions, types, chains, fault rules),
// so a provider table means the same thing in both places. Pure apart from the EnvLookup
// and reading the ca_files the config names.
#pragma once

#include <toml++/toml.h>

#include <string>
#include <vector>

#include "lib/config/loader.h"

namespace understudy {

// `source_name` names the file in diagnostics and origins; its directory is where relative
// ca_file paths are resolved. A foreign key that is also a config section (e.g. "faults")
// is not parsed here: the embedding document handles it.
LoadResult parse_config_table(const toml::table& root, const std::string& source_name,
                              const EnvLookup& env,
                              const std::vector<std::string>& foreign_keys = {});

}  // namespace understudy
