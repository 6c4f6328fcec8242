// Exception-free reads of untrusted JSON (caller requests, upstream replies).
//
// nlohmann's value()/operator[] throw or insert on the wrong type; these never do. Pure
// functions; thread-safe.
#pragma once

#include <string_view>

#include "lib/model/json.h"

namespace understudy {

// obj[key], or a null value when `obj` is not an object or has no such member. The
// reference stays valid as long as `obj` does.
const Json& member(const Json& obj, const char* key);

// An integer member, or `fallback` when absent or not an integer.
long long int_member(const Json& obj, const char* key, long long fallback = 0);

// nlohmann parses iteratively but copies, compares and serializes recursively: a value nested
// a hundred thousand levels deep (a few hundred kilobytes of "[[[[...") overflows a thread's
// stack. Untrusted JSON nested deeper than this is refused before it is parsed: caller
// requests (serve answers 400) and upstream replies (parse_json_or_discarded: not JSON).
inline constexpr int kMaxJsonNesting = 256;

// True when `bytes` (JSON text, valid or not) opens more than `max_depth` nested arrays or
// objects at some point; brackets inside strings do not count.
bool json_nesting_exceeds(std::string_view bytes, int max_depth = kMaxJsonNesting);

}  // namespace understudy
