#include "lib/model/json_splice.h"

#include "lib/model/json.h"

namespace understudy {

namespace {

constexpr size_t kNone = std::string_view::npos;

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t skip_ws(std::string_view s, size_t i) {
  while (i < s.size() && is_ws(s[i])) ++i;
  return i;
}

// `s[i]` is the opening quote; returns the index just past the closing one.
size_t string_end(std::string_view s, size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return kNone;
}

// An object or array starting at `s[i]`: the index just past its closing bracket.
size_t container_end(std::string_view s, size_t i) {
  int depth = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '"') {
      i = string_end(s, i);
      if (i == kNone) return kNone;
      continue;
    }
    if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
    ++i;
  }
  return kNone;
}

// The index just past the value starting at `s[i]`.
size_t value_end(std::string_view s, size_t i) {
  if (i >= s.size()) return kNone;
  if (s[i] == '"') return string_end(s, i);
  if (s[i] == '{' || s[i] == '[') return container_end(s, i);
  size_t j = i;  // a number or a literal
  while (j < s.size() && s[j] != ',' && s[j] != '}' && s[j] != ']' && !is_ws(s[j])) ++j;
  return j == i ? kNone : j;
}

}  // namespace

std::optional<TopLevelMembers> TopLevelMembers::scan(std::string_view json) {
  size_t i = skip_ws(json, 0);
  if (i >= json.size() || json[i] != '{') return std::nullopt;
  TopLevelMembers out;
  i = skip_ws(json, i + 1);
  if (i < json.size() && json[i] == '}') {
    return skip_ws(json, i + 1) == json.size() ? std::optional(out) : std::nullopt;
  }
  for (;;) {
    if (i >= json.size() || json[i] != '"') return std::nullopt;
    size_t key_end = string_end(json, i);
    if (key_end == kNone) return std::nullopt;
    std::string_view key = json.substr(i + 1, key_end - i - 2);
    if (key.find('\\') != kNone || out.has(key)) return std::nullopt;
    i = skip_ws(json, key_end);
    if (i >= json.size() || json[i] != ':') return std::nullopt;
    i = skip_ws(json, i + 1);
    size_t end = value_end(json, i);
    if (end == kNone) return std::nullopt;
    out.members_.push_back(Member{key, json.substr(i, end - i), {}, false, false});
    i = skip_ws(json, end);
    if (i < json.size() && json[i] == ',') {
      i = skip_ws(json, i + 1);
      continue;
    }
    if (i < json.size() && json[i] == '}' && skip_ws(json, i + 1) == json.size()) return out;
    return std::nullopt;
  }
}

TopLevelMembers::Member* TopLevelMembers::find(std::string_view key) {
  for (Member& m : members_) {
    if (!m.removed && m.key == key) return &m;
  }
  return nullptr;
}

const TopLevelMembers::Member* TopLevelMembers::find(std::string_view key) const {
  for (const Member& m : members_) {
    if (!m.removed && m.key == key) return &m;
  }
  return nullptr;
}

std::optional<std::string_view> TopLevelMembers::raw_value(std::string_view key) const {
  const Member* m = find(key);
  if (!m) return std::nullopt;
  return m->replaced ? std::string_view(m->replacement) : m->value;
}

void TopLevelMembers::set(std::string_view key, std::string value_json) {
  Member* m = find(key);
  if (!m) {
    members_.push_back(Member{key, {}, std::move(value_json), true, false});
    return;
  }
  m->replacement = std::move(value_json);
  m->replaced = true;
}

void TopLevelMembers::remove(std::string_view key) {
  if (Member* m = find(key)) m->removed = true;
}

std::string TopLevelMembers::str() const {
  size_t size = 2;
  for (const Member& m : members_) {
    size += m.key.size() + 4 + (m.replaced ? m.replacement.size() : m.value.size());
  }
  std::string out;
  out.reserve(size);
  out += '{';
  bool first = true;
  for (const Member& m : members_) {
    if (m.removed) continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += m.key;
    out += "\":";
    out += m.replaced ? std::string_view(m.replacement) : m.value;
  }
  out += '}';
  return out;
}

std::string json_string_literal(std::string_view value) {
  return Json(std::string(value)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string append_member(std::string_view object, std::string_view key,
                          std::string_view value_json) {
  size_t close = object.find_last_not_of(" \t\r\n");
  if (close == kNone || object[close] != '}') return "";
  size_t before = close == 0 ? kNone : object.find_last_not_of(" \t\r\n", close - 1);
  bool empty = before != kNone && object[before] == '{';
  std::string out;
  out.reserve(close + key.size() + value_json.size() + 6);
  out.append(object.substr(0, close));
  if (!empty) out += ',';
  out += '"';
  out += key;
  out += "\":";
  out += value_json;
  out += '}';
  return out;
}

}  // namespace understudy
