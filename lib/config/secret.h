// Secret references: a config value written as "env.VAR" or as a literal.
//
// Used for key values, upstream header values and server auth tokens. The resolved value
// is returned to the caller and never placed into `problem`, so problems can be shown to
// users as they are. Pure function of (text, env).
#pragma once

#include <string>

#include "lib/config/env.h"

namespace understudy {

struct ResolvedSecret {
  std::string source;  // "env.VAR" or "literal"
  std::string value;   // the secret; empty unless present
  bool present = false;
  std::string problem;  // why it is not usable: "environment variable X is not set"; or ""
};

// "env.VAR": VAR must be a valid variable name, set and non-empty. Anything else is a
// literal, which must be non-empty.
ResolvedSecret resolve_secret(const std::string& text, const EnvLookup& env);

// True for names made of letters, digits and '_' not starting with a digit.
bool is_env_var_name(const std::string& name);

}  // namespace understudy
