// The text of `understudy check`: what a config resolved to, its warnings and its errors.
//
// Shows the source, each provider (type, base_url, timeouts, retries, models, header NAMES)
// and each key as name, source and <set>/<missing> -- never a key, header or token value --
// then routes and fallback chains as requests will resolve them (make_plan), the fault rule
// count, the warnings (loader warnings plus lint_config) and the errors. Pure function; the
// CLI prints the text.
#pragma once

#include <string>

#include "lib/config/loader.h"

namespace understudy {

struct CheckReport {
  std::string text;
  bool valid = false;  // no errors (warnings allowed)
  int warnings = 0;
  int errors = 0;
};

CheckReport build_check_report(const LoadResult& result, const ConfigLocation& where);

}  // namespace understudy
