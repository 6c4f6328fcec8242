#include "lib/server/http1_response.h"

#include <charconv>

namespace understudy {

namespace {

bool splits_response(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return true;
  }
  return false;
}

void append_number(std::string& out, std::size_t n, int base) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n, base);
  out.append(buf, static_cast<std::size_t>(end - buf));
}

}  // namespace

void append_response_head(std::string& out, int status, const Headers& headers,
                          std::string_view content_type, ResponseFraming framing,
                          std::size_t content_length, std::string_view connection_headers) {
  if (status < 100 || status > 999) status = 500;  // a status line needs three digits
  out += "HTTP/1.1 ";
  append_number(out, static_cast<std::size_t>(status), 10);
  out += ' ';
  out += reason_phrase(status);
  out += "\r\n";
  for (const auto& [name, value] : headers) {
    if (name.empty() || splits_response(name) || splits_response(value)) continue;
    out.append(name).append(": ").append(value).append("\r\n");
  }
  if (!content_type.empty() && !splits_response(content_type)) {
    out.append("Content-Type: ").append(content_type).append("\r\n");
  }
  if (framing == ResponseFraming::kContentLength) {
    out += "Content-Length: ";
    append_number(out, content_length, 10);
    out += "\r\n";
  } else if (framing == ResponseFraming::kChunked) {
    out += "Transfer-Encoding: chunked\r\n";
  }
  out.append(connection_headers);
  out += "\r\n";
}

void append_chunk(std::string& out, std::string_view data) {
  if (data.empty()) return;
  append_number(out, data.size(), 16);
  out += "\r\n";
  out.append(data);
  out += "\r\n";
}

}  // namespace understudy
