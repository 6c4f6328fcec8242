// TomlFields: typed, range-checked reads from one TOML table, for the config loaders.
//
// Each read looks a key up, checks its type and range, and on a problem appends a
// Diagnostic with the file, the line of the offending node and its key path
// ("providers.openai.timeout_ms"), then returns false and leaves `out` untouched, so
// defaults survive and parsing carries on to collect every error. reject_unknown() reports
// keys outside an allowed list with the nearest valid key as a suggestion.
// A TomlFields borrows the table and the error list; it must not outlive either. Not
// thread-safe (single-use, on one thread).
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/config/diagnostics.h"
#include "lib/config/key_path.h"
#include "lib/core/clock.h"

namespace understudy {

// 1-based line where `node` starts (0 if toml++ did not record it).
int line_of(const toml::node& node);
// "a string", "an integer", "a table", ...
std::string toml_type_phrase(toml::node_type type);
// The diagnostic for a TOML syntax error in `source`, with its line and column.
Diagnostic toml_syntax_error(const toml::parse_error& e, const std::string& source);

class TomlFields {
 public:
  TomlFields(const toml::table& table, std::string path, std::string file,
             std::vector<Diagnostic>& errors);

  const toml::table& table() const { return table_; }
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }
  std::vector<Diagnostic>& errors() { return errors_; }
  int line() const { return line_of(table_); }
  std::string path_of(std::string_view key) const { return join_key(path_, key); }
  // Line of the value of `key`, or of the table when the key is absent.
  int line_of_key(std::string_view key) const;

  const toml::node* find(std::string_view key) const { return table_.get(key); }
  bool has(std::string_view key) const { return find(key) != nullptr; }

  // Every key not in `allowed` is an error: unknown key "x" (did you mean "y"?).
  void reject_unknown(const std::vector<std::string>& allowed);

  void error(std::string_view key, std::string message);  // at the key's value
  void error_here(std::string message);                   // at the table itself
  void error_at(const toml::node& node, std::string path, std::string message);

  // Key reads: absent = false and no error; wrong type or range = false and an error.
  bool read_string(std::string_view key, std::string& out);
  bool read_bool(std::string_view key, bool& out);
  bool read_int(std::string_view key, std::int64_t& out, std::int64_t min,
                std::int64_t max = kNoMax);
  bool read_int(std::string_view key, int& out, int min, int max);
  bool read_number(std::string_view key, double& out, double min, double max);
  bool read_millis(std::string_view key, Millis& out, std::int64_t min);
  bool read_strings(std::string_view key, std::vector<std::string>& out);
  const toml::table* read_table(std::string_view key);
  const toml::array* read_array(std::string_view key);

  // Node reads, for array elements and inline values; same error behaviour.
  bool node_string(const toml::node& node, const std::string& path, std::string& out);
  bool node_int(const toml::node& node, const std::string& path, std::int64_t& out,
                std::int64_t min, std::int64_t max);
  bool node_strings(const toml::node& node, const std::string& path, std::vector<std::string>& out);
  void type_error(const toml::node& node, const std::string& path, const char* expected);

 private:
  const toml::table& table_;
  std::string path_;
  std::string file_;
  std::vector<Diagnostic>& errors_;
};

}  // namespace understudy
