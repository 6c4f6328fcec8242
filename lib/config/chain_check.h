// Cross-reference checks of chains: route chains, fallback chains, `ask` defaults.
//
// Runs after every provider and route is known. A chain entry must be "provider/model" with
// a configured provider, or (where allowed) a route alias; route aliases must not form a
// cycle. Problems are appended as Diagnostics at the line of the offending entry.
// Pure functions of the Config.
#pragma once

#include <string>
#include <vector>

#include "lib/config/config.h"
#include "lib/config/diagnostics.h"

namespace understudy {

// Where a list of chain entries was written, with the line of each entry.
struct ChainSite {
  std::string path;  // "routes.smart.chain"
  std::vector<std::string> entries;
  std::vector<int> lines;    // same size as entries
  bool single = false;       // one value (ask.model): the path has no [i]
  bool allow_routes = true;  // false for fallback.chains keys: provider/model only
};

void check_chain_sites(const Config& config, const std::vector<ChainSite>& sites,
                       const std::string& file, std::vector<Diagnostic>& errors);

// Reports each cycle among route aliases once, at the route where it was found.
void check_route_cycles(const Config& config, std::vector<Diagnostic>& errors);

// Why `entry` cannot be resolved, or "" when it can.
std::string chain_entry_problem(const Config& config, const std::string& entry, bool allow_routes);

}  // namespace understudy
