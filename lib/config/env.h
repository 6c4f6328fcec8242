// EnvLookup: the environment-variable seam of the config loaders.
//
// Loaders never call getenv themselves; they receive an EnvLookup, so tests can hand in a
// fixed map and `check` reports exactly what the process would see. A lookup returns
// nullopt for an unset variable (a set-but-empty variable returns ""). Both lookups here
// are safe to call from several threads (the process one reads the environment, which must
// not be modified concurrently).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace understudy {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Reads the real process environment.
EnvLookup process_env();

// Answers from `vars` only (a copy is kept); everything else is unset.
EnvLookup map_env(std::map<std::string, std::string> vars);

}  // namespace understudy
