// read_key_fields: the fields of one API key entry {name, value, weight, models}, shared by
// the TOML loader (TomlFields) and the Bifrost loader (JsonFields), which expose the same
// read_* / error interface. The value is resolved through the EnvLookup; an unusable value
// is an error naming the variable (never the value). Header-only because it is a template.
#pragma once

#include <string>

#include "lib/config/config.h"
#include "lib/config/diagnostics.h"
#include "lib/config/env.h"
#include "lib/config/secret.h"

namespace understudy {

// Unknown keys are the caller's to reject (the two formats allow different extras).
template <typename Fields>
void read_key_fields(Fields& k, const std::string& file, const EnvLookup& env, KeyConfig& key) {
  key.origin = origin_string(file, k.line());
  if (k.read_string("name", key.name) && key.name.empty()) k.error("name", "empty key name");
  std::string text;
  if (!k.has("value")) {
    k.error_here("missing value: give \"env.VAR\" or the key itself");
  } else if (k.read_string("value", text)) {
    ResolvedSecret secret = resolve_secret(text, env);
    key.source = secret.source;
    key.value = secret.value;
    key.present = secret.present;
    if (!secret.present) k.error("value", secret.problem);
  }
  k.read_number("weight", key.weight, 0, 1e9);
  k.read_strings("models", key.models);
}

}  // namespace understudy
