// Parsing of one [providers.NAME] table into a ProviderConfig.
//
// Applies the preset first (NAME is a preset name, or `preset = "x"`), then the table's own
// keys on top. Secrets ("env.VAR" key values and header values) are resolved through the
// EnvLookup; a value that cannot be resolved is an error naming the variable, never the
// value. `base_dir` is the directory that a relative ca_file is resolved against (the
// config file's directory). Appends every problem to `errors`. Reads the ca_file (to check
// that it is readable); no other I/O.
#pragma once

#include <toml++/toml.h>

#include <string>
#include <vector>

#include "lib/config/config.h"
#include "lib/config/diagnostics.h"
#include "lib/config/env.h"

namespace understudy {

struct ProviderParseContext {
  std::string file;      // for diagnostics and origins
  std::string base_dir;  // for relative ca_file paths; "" = current directory
  EnvLookup env;
  bool server_allows_direct_keys = false;  // [server] allow_direct_keys: keys may be absent
};

// `out.name` must be set by the caller (the key of the [providers] table).
void parse_provider(const toml::table& table, const ProviderParseContext& ctx, ProviderConfig& out,
                    std::vector<Diagnostic>& errors);

// "openai" -> kOpenAI etc.; false for an unknown name.
bool provider_type_from_name(const std::string& name, ProviderType& out);

// Why `url` cannot be a base_url, or "" when it can. Never echoes a URL that carries
// credentials (user:password@host).
std::string base_url_problem(const std::string& url);

// True when `path` names a regular file that can be opened for reading.
bool file_is_readable(const std::string& path);

}  // namespace understudy
