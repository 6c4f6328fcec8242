// Diagnostic: one config error or warning, tied to a file, a line and a key path.
//
// Loaders collect every problem they find (they never stop at the first), so a user fixes a
// config in one round. to_string() renders the user-facing line, e.g.
//   config understudy.toml:12: providers.openai.keys[0].value: environment variable
//   OPENAI_API_KEY is not set
//   warning: understudy.toml:30: routes.cheap: ...
// Messages never contain secret values (key values, header values, auth tokens).
// Plain values; no I/O.
#pragma once

#include <string>
#include <vector>

namespace understudy {

struct Diagnostic {
  bool warning = false;
  std::string file;  // "understudy.toml", "<presets>"
  int line = 0;      // 1-based; 0 = unknown (not printed)
  int column = 0;    // 1-based; 0 = not printed (only syntax errors carry one)
  std::string path;  // key path such as providers.openai.keys[0].value; may be empty
  std::string message;

  std::string to_string() const;
};

Diagnostic make_error(std::string file, int line, std::string path, std::string message);
Diagnostic make_warning(std::string file, int line, std::string path, std::string message);

// Builds a diagnostic from an origin written as "file:line" (see ProviderConfig::origin).
Diagnostic diagnostic_at_origin(bool warning, const std::string& origin, std::string path,
                                std::string message);

// "file:line", the form stored in the `origin` fields of the config structs.
std::string origin_string(const std::string& file, int line);

// Orders by line (stable, so diagnostics on one line keep their order); line 0 comes last.
void sort_by_line(std::vector<Diagnostic>& diagnostics);

// One diagnostic per line, each ending in "\n".
std::string format_diagnostics(const std::vector<Diagnostic>& diagnostics);

}  // namespace understudy
