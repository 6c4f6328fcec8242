// Byte-level edits of a JSON object's top-level members, for the pass-through hot path.
//
// A gateway that parses a request only to change one member ("model") and drop another
// ("fallbacks") would otherwise serialize the whole document again. TopLevelMembers finds
// where each top-level member's key and value lie in the original bytes, applies a few
// edits, and joins the members again: untouched values are copied byte for byte (their
// inner whitespace, number spelling and escapes included), so the cost is one scan and one
// copy instead of a parse tree walk and a dump.
//
// Scope, on purpose narrow: the input must already be known to be valid JSON (the callers
// parse it with nlohmann first, which also validates UTF-8); scan() refuses (nullopt) text
// whose top level is not an object, keys containing escapes, and repeated keys (nlohmann
// keeps the last copy, a splice would keep both), so callers fall back to the parsed tree
// for those. Plain value type; the string_views point into the scanned text, which must
// outlive the object. No errors beyond the nullopt of scan().
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace understudy {

class TopLevelMembers {
 public:
  // The members of the JSON object `json`, or nullopt (see the header comment).
  static std::optional<TopLevelMembers> scan(std::string_view json);

  bool has(std::string_view key) const { return find(key) != nullptr; }
  // The raw bytes of a member's value ("\"gpt-4o\"", "true", "{...}"), or nullopt.
  std::optional<std::string_view> raw_value(std::string_view key) const;

  // Replaces the value of `key` with `value_json` (raw JSON text), or appends the member.
  // `key` must be a plain key (no characters that need escaping) that outlives the object.
  void set(std::string_view key, std::string value_json);
  // Removes `key` if present.
  void remove(std::string_view key);

  // The edited object, compact between members: {"k":v,...}.
  std::string str() const;

 private:
  struct Member {
    std::string_view key;    // without quotes (keys have no escapes)
    std::string_view value;  // raw bytes of the original value
    std::string replacement;
    bool replaced = false;
    bool removed = false;
  };
  Member* find(std::string_view key);
  const Member* find(std::string_view key) const;

  std::vector<Member> members_;
};

// `value` as a JSON string literal, quoted and escaped.
std::string json_string_literal(std::string_view value);

// Appends the member "key": value_json before the closing brace of the JSON object `object`
// (valid JSON, known not to contain `key` at the top level). Returns "" if `object` does not
// end with '}' (after whitespace).
std::string append_member(std::string_view object, std::string_view key,
                          std::string_view value_json);

}  // namespace understudy
