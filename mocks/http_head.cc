#include "mocks/http_head.h"

#include <cstdio>
#include <utility>

#include "lib/transport/http1_syntax.h"

namespace understudy {

namespace {

HeadParse bad(int status, std::string error) {
  HeadParse p;
  p.kind = HeadParse::Kind::kBad;
  p.status = status;
  p.error = std::move(error);
  return p;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool contains_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    if (iequals(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// Where the head ends (just past the blank line), accepting bare LF line ends too.
std::size_t head_end(std::string_view buffer) {
  std::size_t crlf = buffer.find("\r\n\r\n");
  std::size_t lf = buffer.find("\n\n");
  if (crlf == std::string_view::npos && lf == std::string_view::npos) return 0;
  if (lf == std::string_view::npos || (crlf != std::string_view::npos && crlf < lf)) {
    return crlf + 4;
  }
  return lf + 2;
}

bool parse_request_line(std::string_view line, RequestHead& head, HeadParse& error) {
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    error = bad(400, "malformed request line: expected \"METHOD /path HTTP/1.1\"");
    return false;
  }
  head.method = std::string(line.substr(0, sp1));
  head.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  head.version = std::string(line.substr(sp2 + 1));
  if (!is_token(head.method)) {
    error = bad(400, "malformed request line: invalid method");
    return false;
  }
  if (head.target.empty() || head.target.front() != '/') {
    error = bad(400, "malformed request line: the target must start with \"/\"");
    return false;
  }
  for (unsigned char c : head.target) {
    if (c <= 0x20 || c == 0x7f) {
      error = bad(400, "malformed request line: control character in the target");
      return false;
    }
  }
  if (head.version != "HTTP/1.1" && head.version != "HTTP/1.0") {
    bool http = head.version.rfind("HTTP/", 0) == 0;
    error = bad(http ? 505 : 400, http ? "only HTTP/1.0 and HTTP/1.1 are supported"
                                       : "malformed request line: invalid HTTP version");
    return false;
  }
  return true;
}

bool parse_content_length(std::string_view v, std::size_t& out) {
  if (v.empty() || v.size() > 15) return false;
  std::size_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  out = n;
  return true;
}

// Applies the headers that matter for framing and connection handling.
bool apply_headers(RequestHead& head, const HeadLimits& limits, HeadParse& error) {
  bool have_length = false;
  head.keep_alive = head.version == "HTTP/1.1";
  for (const auto& [name, value] : head.headers) {
    if (iequals(name, "content-length")) {
      std::size_t n = 0;
      if (!parse_content_length(value, n) || (have_length && n != head.content_length)) {
        error = bad(400, "invalid Content-Length header");
        return false;
      }
      have_length = true;
      head.content_length = n;
    } else if (iequals(name, "transfer-encoding")) {
      error = bad(411, "Transfer-Encoding request bodies are not supported: send Content-Length");
      return false;
    } else if (iequals(name, "connection")) {
      if (contains_token(value, "close")) head.keep_alive = false;
      if (contains_token(value, "keep-alive")) head.keep_alive = true;
    } else if (iequals(name, "expect")) {
      if (!iequals(trim(value), "100-continue")) {
        error = bad(417, "unsupported Expect header");
        return false;
      }
      head.expect_continue = true;
    }
  }
  if (head.content_length > limits.max_body_bytes) {
    error = bad(413, "request body of " + std::to_string(head.content_length) +
                         " bytes exceeds the limit of " + std::to_string(limits.max_body_bytes));
    return false;
  }
  return true;
}

}  // namespace

HeadParse parse_request_head(std::string_view buffer, const HeadLimits& limits) {
  std::size_t end = head_end(buffer);
  if (end > limits.max_head_bytes || (end == 0 && buffer.size() > limits.max_head_bytes)) {
    return bad(431, "request head larger than " + std::to_string(limits.max_head_bytes) + " bytes");
  }
  if (end == 0) return HeadParse{};
  HeadParse out;
  out.kind = HeadParse::Kind::kOk;
  RequestHead& head = out.head;
  head.head_size = end;
  std::string_view rest = buffer.substr(0, end);
  bool first = true;
  while (!rest.empty()) {
    std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first) {
      first = false;
      if (!parse_request_line(line, head, out)) return out;
      continue;
    }
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      return bad(400, "obsolete header line folding is not accepted");
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return bad(400, "malformed header line");
    }
    head.headers.emplace_back(std::string(line.substr(0, colon)),
                              std::string(trim(line.substr(colon + 1))));
  }
  if (!apply_headers(head, limits, out)) return out;
  return out;
}

std::string format_response_head(int status, const Headers& headers, bool chunked,
                                 std::size_t content_length, bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  for (const auto& [name, value] : headers) {
    if (iequals(name, "content-length") || iequals(name, "transfer-encoding") ||
        iequals(name, "connection")) {
      continue;
    }
    out += name + ": " + value + "\r\n";
  }
  if (chunked) {
    out += "Transfer-Encoding: chunked\r\n";
  } else {
    out += "Content-Length: " + std::to_string(content_length) + "\r\n";
  }
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return out;
}

std::string chunk_frame(std::string_view data) {
  if (data.empty()) return "";
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string out = size;
  out.append(data);
  out += "\r\n";
  return out;
}

}  // namespace understudy
