#include "lib/transport/http1_syntax.h"

namespace understudy {

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) continue;
    if (std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool has_control_char(std::string_view s) {
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  }
  return false;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

ChunkSizeScan scan_chunk_size(std::string_view line) {
  ChunkSizeScan scan;
  for (; scan.digits < line.size(); ++scan.digits) {
    int value = hex_value(line[scan.digits]);
    if (value < 0) break;
    if ((scan.size >> 56) != 0) {  // already 15 significant digits
      scan.too_large = true;
      break;
    }
    scan.size = scan.size * 16 + static_cast<std::uint64_t>(value);
  }
  return scan;
}

}  // namespace understudy
