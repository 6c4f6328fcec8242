#include "lib/sim/outcome.h"

#include <vector>

#include "lib/config/suggest.h"
#include "lib/router/plan.h"

namespace understudy {

namespace {

const char kFail[] = "fail:";
const char kBroken[] = "broken:";

std::string class_problem(const std::string& entry, const std::string& cls) {
  if (parse_failure_class(cls)) return "";
  return "\"" + entry + "\": unknown failure class \"" + cls + "\"" +
         suggestion_suffix(cls, failure_class_names());
}

}  // namespace

std::vector<std::string> failure_class_names() {
  std::vector<std::string> names;
  for (FailureClass c : kAllFailureClasses) names.push_back(failure_class_name(c));
  return names;
}

std::string outcome_of(const RequestRecord& r) {
  if (r.ok) return r.provider + "/" + r.model;
  return (r.failed_after_commit ? kBroken : kFail) + final_failure_name(r);
}

std::string final_failure_name(const RequestRecord& r) {
  return r.final_failure ? failure_class_name(*r.final_failure) : "server";
}

bool outcome_matches(const std::string& expected, const std::string& actual) {
  if (expected == actual) return true;
  if (expected.find('/') != std::string::npos || expected.find(':') != std::string::npos) {
    return false;
  }
  return actual.starts_with(expected + "/");
}

std::string outcome_notation_problem(const std::string& entry, const Config& config) {
  if (entry.starts_with(kFail)) return class_problem(entry, entry.substr(sizeof kFail - 1));
  if (entry.starts_with(kBroken)) return class_problem(entry, entry.substr(sizeof kBroken - 1));
  std::string provider = entry.substr(0, entry.find('/'));
  if (provider.empty() || entry.back() == '/' || provider.find(':') != std::string::npos) {
    return "\"" + entry +
           "\" is not an outcome: write PROVIDER, PROVIDER/MODEL, fail:CLASS or broken:CLASS";
  }
  if (config.provider(provider)) return "";
  std::vector<std::string> names;
  for (const auto& [name, p] : config.providers) names.push_back(name);
  return "\"" + entry + "\" names unknown provider \"" + provider + "\"" +
         suggestion_suffix(provider, names);
}

}  // namespace understudy
