// JsonFields: typed, range-checked reads from one JSON object, for the Bifrost loader.
//
// The JSON twin of TomlFields. nlohmann/json keeps no source positions, so line numbers
// come from a JsonLineIndex built by a small scanner over the same text: key path
// ("providers.openai.keys[0].value") -> line where that key (or array element) starts.
// A JsonFields borrows the object and the context; it must not outlive either. Not
// thread-safe (single-use, on one thread).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lib/config/diagnostics.h"
#include "lib/core/clock.h"
#include "lib/model/json.h"

namespace understudy {

// Key path -> 1-based line. Expects text that already parsed as JSON.
using JsonLineIndex = std::map<std::string, int>;
JsonLineIndex index_json_lines(std::string_view text);
// Line of `path`, else of its nearest indexed ancestor, else 0.
int json_line(const JsonLineIndex& index, std::string path);

// "a string", "an integer", "an object", ...
std::string json_type_phrase(const Json& value);

struct JsonContext {
  std::string file;
  JsonLineIndex lines;
  std::vector<Diagnostic>* errors;
  std::vector<Diagnostic>* warnings;
};

class JsonFields {
 public:
  JsonFields(const Json& object, std::string path, JsonContext& ctx)
      : object_(object), path_(std::move(path)), ctx_(ctx) {}

  const Json& object() const { return object_; }
  const std::string& path() const { return path_; }
  JsonContext& context() { return ctx_; }
  std::string path_of(std::string_view key) const;
  int line() const { return json_line(ctx_.lines, path_); }

  const Json* find(std::string_view key) const;
  bool has(std::string_view key) const { return find(key) != nullptr; }

  // Keys in `ignored` are accepted with a warning naming `why`; any other key outside
  // `allowed` is an error with the nearest allowed key as a suggestion.
  void reject_unknown(const std::vector<std::string>& allowed,
                      const std::vector<std::string>& ignored = {}, const std::string& why = "");

  void error(std::string_view key, std::string message);
  void error_here(std::string message);
  void error_at_path(const std::string& path, std::string message);
  void warn(std::string_view key, std::string message);

  // Absent = false and no error; wrong type or range = false and an error.
  bool read_string(std::string_view key, std::string& out);
  bool read_bool(std::string_view key, bool& out);
  bool read_int(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);
  bool read_number(std::string_view key, double& out, double min, double max);
  bool read_strings(std::string_view key, std::vector<std::string>& out);
  // Integer milliseconds or a duration string ("500ms", "5s").
  bool read_duration(std::string_view key, Millis& out);
  const Json* read_object(std::string_view key);
  const Json* read_array(std::string_view key);

 private:
  void type_error(std::string_view key, const char* expected);

  const Json& object_;
  std::string path_;
  JsonContext& ctx_;
};

}  // namespace understudy
