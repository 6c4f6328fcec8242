#include "lib/config/toml_fields.h"

#include "lib/config/suggest.h"

namespace understudy {

int line_of(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

Diagnostic toml_syntax_error(const toml::parse_error& e, const std::string& source) {
  Diagnostic d = make_error(source, static_cast<int>(e.source().begin.line), "",
                            "TOML syntax error: " + std::string(e.description()));
  d.column = static_cast<int>(e.source().begin.column);
  return d;
}

std::string toml_type_phrase(toml::node_type type) {
  switch (type) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

TomlFields::TomlFields(const toml::table& table, std::string path, std::string file,
                       std::vector<Diagnostic>& errors)
    : table_(table), path_(std::move(path)), file_(std::move(file)), errors_(errors) {}

int TomlFields::line_of_key(std::string_view key) const {
  const toml::node* node = find(key);
  int line = node ? line_of(*node) : 0;
  return line > 0 ? line : line_of(table_);
}

void TomlFields::reject_unknown(const std::vector<std::string>& allowed) {
  for (auto&& [key, node] : table_) {
    std::string name(key.str());
    bool known = false;
    for (const std::string& a : allowed) known = known || a == name;
    if (known) continue;
    int line = static_cast<int>(key.source().begin.line);
    if (line <= 0) line = line_of(node);
    errors_.push_back(
        make_error(file_, line, join_key(path_, name),
                   "unknown key \"" + name + "\"" + suggestion_suffix(name, allowed)));
  }
}

void TomlFields::error(std::string_view key, std::string message) {
  errors_.push_back(make_error(file_, line_of_key(key), path_of(key), std::move(message)));
}

void TomlFields::error_here(std::string message) {
  errors_.push_back(make_error(file_, line(), path_, std::move(message)));
}

void TomlFields::error_at(const toml::node& node, std::string path, std::string message) {
  int line = line_of(node);
  errors_.push_back(
      make_error(file_, line > 0 ? line : this->line(), std::move(path), std::move(message)));
}

void TomlFields::type_error(const toml::node& node, const std::string& path, const char* expected) {
  error_at(node, path,
           std::string("expected ") + expected + ", got " + toml_type_phrase(node.type()));
}

bool TomlFields::node_string(const toml::node& node, const std::string& path, std::string& out) {
  if (!node.is_string()) {
    type_error(node, path, "a string");
    return false;
  }
  out = node.as_string()->get();
  return true;
}

bool TomlFields::node_int(const toml::node& node, const std::string& path, std::int64_t& out,
                          std::int64_t min, std::int64_t max) {
  if (!node.is_integer()) {
    type_error(node, path, "an integer");
    return false;
  }
  std::int64_t v = node.as_integer()->get();
  if (v < min || v > max) {
    error_at(node, path, int_range_phrase(min, max) + ", got " + std::to_string(v));
    return false;
  }
  out = v;
  return true;
}

bool TomlFields::node_strings(const toml::node& node, const std::string& path,
                              std::vector<std::string>& out) {
  const toml::array* array = node.as_array();
  if (!array) {
    type_error(node, path, "an array of strings");
    return false;
  }
  std::vector<std::string> values;
  bool ok = true;
  for (std::size_t i = 0; i < array->size(); ++i) {
    std::string v;
    if (node_string(*array->get(i), index_path(path, i), v)) {
      values.push_back(std::move(v));
    } else {
      ok = false;
    }
  }
  if (ok) out = std::move(values);
  return ok;
}

bool TomlFields::read_string(std::string_view key, std::string& out) {
  const toml::node* node = find(key);
  return node && node_string(*node, path_of(key), out);
}

bool TomlFields::read_bool(std::string_view key, bool& out) {
  const toml::node* node = find(key);
  if (!node) return false;
  if (!node->is_boolean()) {
    type_error(*node, path_of(key), "a boolean (true or false)");
    return false;
  }
  out = node->as_boolean()->get();
  return true;
}

bool TomlFields::read_int(std::string_view key, std::int64_t& out, std::int64_t min,
                          std::int64_t max) {
  const toml::node* node = find(key);
  return node && node_int(*node, path_of(key), out, min, max);
}

bool TomlFields::read_int(std::string_view key, int& out, int min, int max) {
  std::int64_t v = 0;
  if (!read_int(key, v, min, max)) return false;
  out = static_cast<int>(v);
  return true;
}

bool TomlFields::read_number(std::string_view key, double& out, double min, double max) {
  const toml::node* node = find(key);
  if (!node) return false;
  double v;
  if (node->is_integer()) {
    v = static_cast<double>(node->as_integer()->get());
  } else if (node->is_floating_point()) {
    v = node->as_floating_point()->get();
  } else {
    type_error(*node, path_of(key), "a number");
    return false;
  }
  if (!(v >= min && v <= max)) {
    error(key, number_range_phrase(min, max) + ", got " + format_number(v));
    return false;
  }
  out = v;
  return true;
}

bool TomlFields::read_millis(std::string_view key, Millis& out, std::int64_t min) {
  std::int64_t v = 0;
  if (!read_int(key, v, min, kMaxConfigMillis)) return false;
  out = Millis(v);
  return true;
}

bool TomlFields::read_strings(std::string_view key, std::vector<std::string>& out) {
  const toml::node* node = find(key);
  return node && node_strings(*node, path_of(key), out);
}

const toml::table* TomlFields::read_table(std::string_view key) {
  const toml::node* node = find(key);
  if (!node) return nullptr;
  if (!node->is_table()) {
    type_error(*node, path_of(key), "a table");
    return nullptr;
  }
  return node->as_table();
}

const toml::array* TomlFields::read_array(std::string_view key) {
  const toml::node* node = find(key);
  if (!node) return nullptr;
  if (!node->is_array()) {
    type_error(*node, path_of(key), "an array");
    return nullptr;
  }
  return node->as_array();
}

}  // namespace understudy
