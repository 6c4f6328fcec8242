#include "lib/config/diagnostics.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace understudy {

std::string Diagnostic::to_string() const {
  std::string out = warning ? "warning: " : "config ";
  out += file;
  if (line > 0) {
    out += ':';
    out += std::to_string(line);
    if (column > 0) {
      out += ':';
      out += std::to_string(column);
    }
  }
  out += ": ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

Diagnostic make_error(std::string file, int line, std::string path, std::string message) {
  return Diagnostic{false, std::move(file), line, 0, std::move(path), std::move(message)};
}

Diagnostic make_warning(std::string file, int line, std::string path, std::string message) {
  return Diagnostic{true, std::move(file), line, 0, std::move(path), std::move(message)};
}

Diagnostic diagnostic_at_origin(bool warning, const std::string& origin, std::string path,
                                std::string message) {
  std::string file = origin;
  int line = 0;
  size_t colon = origin.rfind(':');
  if (colon != std::string::npos && colon + 1 < origin.size() &&
      origin.find_first_not_of("0123456789", colon + 1) == std::string::npos) {
    file = origin.substr(0, colon);
    line = std::atoi(origin.c_str() + colon + 1);
  }
  return Diagnostic{warning, std::move(file), line, 0, std::move(path), std::move(message)};
}

std::string origin_string(const std::string& file, int line) {
  return line > 0 ? file + ":" + std::to_string(line) : file;
}

void sort_by_line(std::vector<Diagnostic>& diagnostics) {
  auto key = [](const Diagnostic& d) { return d.line > 0 ? d.line : INT32_MAX; };
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
}

std::string format_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) out += d.to_string() + "\n";
  return out;
}

}  // namespace understudy
