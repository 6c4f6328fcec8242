// The outcome notation of `simulate`: one short string per request, used by the report, the
// JSON output and the `outcomes` expectation (docs/scenarios.md).
//
//   "anthropic/claude-haiku-4-5"  served (a stream: completed, perhaps by continuation)
//   "fail:rate_limit"             failed before any content reached the caller: the caller
//                                 got an HTTP error whose class is the final failure's
//   "broken:network"              a stream that had started and then ended with an error
//                                 event (content was sent, the answer is incomplete)
//
// An expected entry may be shorter than the actual outcome: "anthropic" matches any model of
// provider anthropic. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "lib/config/config.h"
#include "lib/router/events.h"

namespace understudy {

std::string outcome_of(const RequestRecord& record);

// The class name of a failed request's final failure; "server" when the router named none.
std::string final_failure_name(const RequestRecord& record);

// Every failure class's name, for suggestions after a misspelt one.
std::vector<std::string> failure_class_names();

// True when the expected entry describes the actual outcome.
bool outcome_matches(const std::string& expected, const std::string& actual);

// Why `entry` is not valid notation for this config (unknown provider or failure class, bad
// shape), or "" when it is.
std::string outcome_notation_problem(const std::string& entry, const Config& config);

}  // namespace understudy
