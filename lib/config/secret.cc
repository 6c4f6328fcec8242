#include "lib/config/secret.h"

#include <cctype>

namespace understudy {

bool is_env_var_name(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

ResolvedSecret resolve_secret(const std::string& text, const EnvLookup& env) {
  ResolvedSecret out;
  if (text.rfind("env.", 0) != 0) {
    out.source = "literal";
    if (text.empty()) {
      out.problem = "empty value (write \"env.VAR\" to read it from the environment)";
      return out;
    }
    out.value = text;
    out.present = true;
    return out;
  }
  std::string var = text.substr(4);
  out.source = text;
  if (!is_env_var_name(var)) {
    out.problem = "\"" + text + "\" is not a valid environment reference (expected env.VAR_NAME)";
    return out;
  }
  std::optional<std::string> value = env(var);
  if (!value) {
    out.problem = "environment variable " + var + " is not set";
  } else if (value->empty()) {
    out.problem = "environment variable " + var + " is set but empty";
  } else {
    out.value = *value;
    out.present = true;
  }
  return out;
}

}  // namespace understudy
