// Exception-free member access for provider JSON, where any field may be missing or have the
// wrong type. nlohmann's value() and operator[] throw on non-objects; the data path must not.
// Pure functions; thread-safe.
#pragma once

#include "lib/model/json.h"

namespace understudy {

// obj[key] when `obj` is an object that has `key`; otherwise a null Json (never throws).
const Json& json_member(const Json& obj, const char* key);

// json_member, as an integer; 0 when absent, null or not a number.
std::int64_t json_int(const Json& obj, const char* key);

}  // namespace understudy
