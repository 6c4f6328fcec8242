// Helpers for reading provider error bodies and building normalized Failures.
// Pure functions; shared by the adapters.
#pragma once

#include <string>
#include <string_view>

#include "lib/core/failure.h"
#include "lib/model/json.h"

namespace understudy {

// Parses `body` as JSON; a discarded (is_discarded()) value when it is not JSON, or nests
// deeper than kMaxJsonDepth (lib/model/json_depth.h).
Json parse_json_or_discarded(std::string_view body);

// Case-insensitive substring test.
bool contains_ci(std::string_view haystack, std::string_view needle);

// A JSON string field of `obj`, or "" (numbers are rendered as text).
std::string json_str(const Json& obj, const char* key);

// Fills type/code defaults for a class when the provider gave none.
void fill_default_error_fields(Failure& f);

// A short, single-line excerpt of a non-JSON body for messages.
std::string body_excerpt(std::string_view body, size_t max = 200);

}  // namespace understudy
