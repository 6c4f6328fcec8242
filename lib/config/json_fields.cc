#include "lib/config/json_fields.h"

#include "lib/config/key_path.h"
#include "lib/config/suggest.h"
#include "lib/core/duration.h"

namespace understudy {

namespace {

struct Frame {
  bool object;
  std::string path;       // path of the container itself
  std::string key_path;   // objects: path of the current key
  std::size_t index = 0;  // arrays: current element
  bool expect_key = true;
};

std::string element_path(const Frame& f) {
  return f.object ? f.key_path : index_path(f.path, f.index);
}

}  // namespace

JsonLineIndex index_json_lines(std::string_view text) {
  JsonLineIndex lines;
  std::vector<Frame> stack;
  int line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == '{' || c == '[') {
      std::string path = stack.empty() ? "" : element_path(stack.back());
      lines.emplace(path, line);
      stack.push_back(Frame{c == '{', path, "", 0, true});
    } else if (c == '}' || c == ']') {
      if (!stack.empty()) stack.pop_back();
    } else if (c == ',') {
      if (!stack.empty() && stack.back().object) stack.back().expect_key = true;
      if (!stack.empty() && !stack.back().object) ++stack.back().index;
    } else if (c == '"') {
      std::size_t start = ++i;
      while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
      if (stack.empty()) continue;
      Frame& f = stack.back();
      if (f.object && f.expect_key) {
        f.key_path = join_key(f.path, text.substr(start, i - start));
        f.expect_key = false;
      }
      lines.emplace(element_path(f), line);
    } else if (!std::isspace(static_cast<unsigned char>(c)) && c != ':' && !stack.empty()) {
      lines.emplace(element_path(stack.back()), line);  // a number, true, false or null
    }
  }
  return lines;
}

int json_line(const JsonLineIndex& index, std::string path) {
  while (true) {
    auto it = index.find(path);
    if (it != index.end()) return it->second;
    if (path.empty()) return 0;
    std::size_t cut = path.find_last_of(".[");
    path = cut == std::string::npos ? "" : path.substr(0, cut);
  }
}

std::string json_type_phrase(const Json& v) {
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  return "null";
}

std::string JsonFields::path_of(std::string_view key) const { return join_key(path_, key); }

const Json* JsonFields::find(std::string_view key) const {
  auto it = object_.find(std::string(key));
  return it == object_.end() ? nullptr : &*it;
}

void JsonFields::reject_unknown(const std::vector<std::string>& allowed,
                                const std::vector<std::string>& ignored, const std::string& why) {
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    const std::string& key = it.key();
    bool known = false, skip = false;
    for (const std::string& a : allowed) known = known || a == key;
    for (const std::string& a : ignored) skip = skip || a == key;
    if (skip) warn(key, "accepted but not used: " + why);
    if (known || skip) continue;
    std::vector<std::string> all = allowed;
    all.insert(all.end(), ignored.begin(), ignored.end());
    error(key, "unknown key \"" + key + "\"" + suggestion_suffix(key, all));
  }
}

void JsonFields::error(std::string_view key, std::string message) {
  error_at_path(path_of(key), std::move(message));
}

void JsonFields::error_here(std::string message) { error_at_path(path_, std::move(message)); }

void JsonFields::error_at_path(const std::string& path, std::string message) {
  ctx_.errors->push_back(
      make_error(ctx_.file, json_line(ctx_.lines, path), path, std::move(message)));
}

void JsonFields::warn(std::string_view key, std::string message) {
  std::string path = path_of(key);
  ctx_.warnings->push_back(
      make_warning(ctx_.file, json_line(ctx_.lines, path), path, std::move(message)));
}

void JsonFields::type_error(std::string_view key, const char* expected) {
  error(key, std::string("expected ") + expected + ", got " + json_type_phrase(*find(key)));
}

bool JsonFields::read_string(std::string_view key, std::string& out) {
  const Json* v = find(key);
  if (!v) return false;
  if (!v->is_string()) {
    type_error(key, "a string");
    return false;
  }
  out = v->get<std::string>();
  return true;
}

bool JsonFields::read_bool(std::string_view key, bool& out) {
  const Json* v = find(key);
  if (!v) return false;
  if (!v->is_boolean()) {
    type_error(key, "a boolean (true or false)");
    return false;
  }
  out = v->get<bool>();
  return true;
}

bool JsonFields::read_int(std::string_view key, std::int64_t& out, std::int64_t min,
                          std::int64_t max) {
  const Json* v = find(key);
  if (!v) return false;
  if (!v->is_number_integer()) {
    type_error(key, "an integer");
    return false;
  }
  if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(kNoMax)) {
    error(key, "too large: " + v->dump());
    return false;
  }
  std::int64_t n = v->get<std::int64_t>();
  if (n < min || n > max) {
    error(key, int_range_phrase(min, max) + ", got " + v->dump());
    return false;
  }
  out = n;
  return true;
}

bool JsonFields::read_number(std::string_view key, double& out, double min, double max) {
  const Json* v = find(key);
  if (!v) return false;
  if (!v->is_number()) {
    type_error(key, "a number");
    return false;
  }
  double n = v->get<double>();
  if (!(n >= min && n <= max)) {
    error(key, number_range_phrase(min, max) + ", got " + format_number(n));
    return false;
  }
  out = n;
  return true;
}

bool JsonFields::read_strings(std::string_view key, std::vector<std::string>& out) {
  const Json* v = find(key);
  if (!v) return false;
  if (!v->is_array()) {
    type_error(key, "an array of strings");
    return false;
  }
  std::vector<std::string> values;
  for (std::size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      error_at_path(index_path(path_of(key), i),
                    "expected a string, got " + json_type_phrase((*v)[i]));
      return false;
    }
    values.push_back((*v)[i].get<std::string>());
  }
  out = std::move(values);
  return true;
}

bool JsonFields::read_duration(std::string_view key, Millis& out) {
  const Json* v = find(key);
  if (!v) return false;
  if (v->is_string()) {
    auto d = parse_duration(v->get<std::string>());
    if (!d.ok()) {
      error(key, d.status().message());
      return false;
    }
    if (d->count() <= 0 || d->count() > kMaxConfigMillis) {
      error(key, d->count() <= 0 ? "must be > 0" : "must be at most a day (86400000 ms)");
      return false;
    }
    out = *d;
    return true;
  }
  if (!v->is_number_integer()) {
    type_error(key, "integer milliseconds or a duration string such as \"500ms\"");
    return false;
  }
  std::int64_t ms = 0;
  if (!read_int(key, ms, 1, kMaxConfigMillis)) return false;
  out = Millis(ms);
  return true;
}

const Json* JsonFields::read_object(std::string_view key) {
  const Json* v = find(key);
  if (!v) return nullptr;
  if (!v->is_object()) {
    type_error(key, "an object");
    return nullptr;
  }
  return v;
}

const Json* JsonFields::read_array(std::string_view key) {
  const Json* v = find(key);
  if (!v) return nullptr;
  if (!v->is_array()) {
    type_error(key, "an array");
    return nullptr;
  }
  return v;
}

}  // namespace understudy
