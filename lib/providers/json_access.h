// Exception-free reads of untrusted JSON (caller requests, upstream replies).
//
// nlohmann's value()/operator[] throw or insert on the wrong type; these never do. Pure
// functions; thread-safe.
#pragma once

#include "lib/model/json.h"

namespace understudy {

// obj[key], or a null value when `obj` is not an object or has no such member. The
// reference stays valid as long as `obj` does.
const Json& member(const Json& obj, const char* key);

// An integer member, or `fallback` when absent or not an integer.
long long int_member(const Json& obj, const char* key, long long fallback = 0);

}  // namespace understudy
