// HTTP/1.1 lexical pieces (RFC 9110, RFC 9112) shared by the two incremental parsers, serve's
// request parser (lib/server/http1_request_parser.h) and the client's response parser
// (http1_response_parser.h), and by the fake servers' head parser (mocks/http_head.h):
// tokens, field values, optional whitespace, comma-separated lists and chunk sizes. Each
// parser keeps its own policy (what it refuses, with which status and message); only the
// character-level reading lives here. Pure functions over ASCII; no I/O, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace understudy {

// A token (method, header name, transfer coding): one or more RFC 9110 tchar.
bool is_token(std::string_view s);

// True if `s` holds a control character other than HTAB (not allowed in a field value or a
// reason phrase).
bool has_control_char(std::string_view s);

// Optional whitespace: space or HTAB.
inline bool is_ows(char c) { return c == ' ' || c == '\t'; }
std::string_view trim_ows(std::string_view s);

// Calls fn(element) for each non-empty, OWS-trimmed element of a comma-separated list; stops
// and returns false as soon as fn does.
template <typename Fn>
bool for_each_list_element(std::string_view list, Fn fn) {
  while (true) {
    std::size_t comma = list.find(',');
    std::string_view element = trim_ows(list.substr(0, comma));
    if (!element.empty() && !fn(element)) return false;
    if (comma == std::string_view::npos) return true;
    list.remove_prefix(comma + 1);
  }
}

// 0-15 for a hexadecimal digit, else -1.
int hex_value(char c);

// The hexadecimal size at the start of a chunk size line. `digits` counts the hex digits
// read; the scan stops with `too_large` at a 16th significant digit, so a size is always
// below 2^60 and never overflows.
struct ChunkSizeScan {
  std::uint64_t size = 0;
  std::size_t digits = 0;
  bool too_large = false;
};
ChunkSizeScan scan_chunk_size(std::string_view line);

}  // namespace understudy
