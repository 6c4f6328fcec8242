// Config loading: understudy.toml, a Bifrost-style config.json, or zero-config presets.
//
// Every loader returns a LoadResult holding the Config it could build plus ALL errors and
// warnings found (never just the first), each with file, line and key path. A result with
// errors must not be served; `check` still prints what was resolved. Secrets are resolved
// through the EnvLookup seam, never read from the process environment directly, and never
// copied into a diagnostic. Loaders read only the config file itself and the CA files it
// names. Thread-safe (no shared state).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/config/config.h"
#include "lib/config/diagnostics.h"
#include "lib/config/env.h"

namespace understudy {

struct LoadResult {
  Config config;
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;

  bool ok() const { return errors.empty(); }
};

// understudy.toml text. `source_name` names the file in diagnostics and origins; its
// directory is where relative ca_file paths are resolved.
LoadResult parse_toml_config(const std::string& text, const std::string& source_name,
                             const EnvLookup& env);

// Bifrost config.json text (design.md Appendix A). Bifrost's own defaults apply to what the
// file leaves out (e.g. max_retries = 0), see docs/config.md.
LoadResult parse_bifrost_json(const std::string& text, const std::string& source_name,
                              const EnvLookup& env);

// By extension: ".json" is Bifrost, anything else TOML. An unreadable file is an error.
LoadResult load_config_file(const std::string& path, const EnvLookup& env);

// With no file: every preset whose key variable is set, plus ollama (no key needed).
LoadResult zero_config(const EnvLookup& env);

// Where the config comes from, in order: --config FILE, $UNDERSTUDY_CONFIG,
// ./understudy.toml if it exists, else zero-config (path empty).
struct ConfigLocation {
  std::string path;  // "" for zero-config
  std::string how;   // "--config", "$UNDERSTUDY_CONFIG", "./understudy.toml", "zero-config"
  bool explicit_path = false;  // named by the user (flag or variable), so it must exist
};
ConfigLocation locate_config(const std::optional<std::string>& flag_path, const EnvLookup& env);

// locate_config, then load what it found.
LoadResult load_default_config(const std::optional<std::string>& flag_path, const EnvLookup& env);

}  // namespace understudy
