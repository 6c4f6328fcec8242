#include "lib/config/fault_file.h"

#include <sys/stat.h>
#include <toml++/toml.h>

#include <fstream>
#include <sstream>

#include "lib/config/fault_rule_toml.h"
#include "lib/config/toml_fields.h"

namespace understudy {

FaultFile parse_fault_file(const std::string& text, const std::string& source) {
  FaultFile out;
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    out.errors.push_back(toml_syntax_error(e, source));
    return out;
  }
  TomlFields fields(root, "", source, out.errors);
  fields.reject_unknown({"faults"});
  if (const toml::node* faults = root.get("faults")) {
    parse_fault_rules(*faults, source, "faults", out.rules, out.errors);
  }
  if (out.rules.empty() && out.errors.empty()) {
    out.errors.push_back(make_error(source, 0, "",
                                    "no fault rules: add [[faults]] tables, e.g.\n"
                                    "  [[faults]]\n  providers = [\"openai\"]\n  status = 429"));
  }
  sort_by_line(out.errors);
  return out;
}

FaultFile load_fault_file(const std::string& path) {
  struct stat st;
  std::ifstream in(path, std::ios::binary);
  if (stat(path.c_str(), &st) != 0 || !in || S_ISDIR(st.st_mode)) {
    FaultFile out;
    out.errors.push_back(make_error(path, 0, "", "cannot read the faults file (does it exist?)"));
    return out;
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_fault_file(text.str(), path);
}

}  // namespace understudy
