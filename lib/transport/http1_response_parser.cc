#include "lib/transport/http1_response_parser.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "lib/transport/http1_syntax.h"

namespace understudy {
namespace {

// A Content-Length value: 1 to 18 decimal digits (no sign, no spaces inside).
std::optional<uint64_t> parse_length(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

// What the framing headers of a final response say.
struct Framing {
  std::optional<uint64_t> content_length;
  bool chunked = false;
  bool connection_close = false;
  std::string error;  // non-empty: the headers are contradictory or unsupported
};

bool read_content_length(std::string_view value, Framing& f) {
  return for_each_list_element(value, [&](std::string_view element) {
    std::optional<uint64_t> n = parse_length(element);
    if (!n) {
      f.error = element.size() > 18 && element.find_first_not_of("0123456789") == element.npos
                    ? "Content-Length is too large"
                    : "Content-Length is not a non-negative decimal number";
      return false;
    }
    if (f.content_length && *f.content_length != *n) {
      f.error = "conflicting Content-Length values";
      return false;
    }
    f.content_length = n;
    return true;
  });
}

bool read_transfer_encoding(std::string_view value, Framing& f) {
  return for_each_list_element(value, [&](std::string_view coding) {
    if (iequals(coding, "identity")) return true;  // obsolete no-op coding
    if (f.chunked) {
      f.error = "Transfer-Encoding has a coding after chunked";
      return false;
    }
    if (!iequals(coding, "chunked")) {
      f.error = "unsupported Transfer-Encoding (only chunked is supported)";
      return false;
    }
    f.chunked = true;
    return true;
  });
}

Framing read_framing(const Headers& headers) {
  Framing f;
  for (const auto& [name, value] : headers) {
    bool ok = true;
    if (iequals(name, "content-length")) {
      ok = read_content_length(value, f);
    } else if (iequals(name, "transfer-encoding")) {
      ok = read_transfer_encoding(value, f);
    } else if (iequals(name, "connection")) {
      for_each_list_element(value, [&](std::string_view option) {
        if (iequals(option, "close")) f.connection_close = true;
        return true;
      });
    }
    if (!ok) break;
  }
  return f;
}

}  // namespace

Http1ResponseParser::Http1ResponseParser(bool head_request, Http1ParserLimits limits)
    : head_request_(head_request), limits_(limits) {}

Http1ResponseParser::Progress Http1ResponseParser::feed(std::string_view bytes,
                                                        ResponseHandler& handler) {
  std::string_view in = bytes;
  while (!in.empty() && state_ != State::kDone && state_ != State::kFailed &&
         state_ != State::kStopped) {
    Status step = state_ <= State::kHeaders ? head_step(in, handler) : body_step(in, handler);
    if (step != Status::kNeedMore) return Progress{step, bytes.size() - in.size()};
  }
  size_t consumed = bytes.size() - in.size();
  switch (state_) {
    case State::kDone:
      return Progress{Status::kComplete, consumed};
    case State::kFailed:
      return Progress{Status::kError, consumed};
    case State::kStopped:
      return Progress{Status::kStopped, consumed};
    default:
      return Progress{Status::kNeedMore, consumed};
  }
}

bool Http1ResponseParser::finish_at_eof() {
  if (state_ == State::kBodyUntilEof) state_ = State::kDone;
  return state_ == State::kDone;
}

// Takes the next line from `in` into `line` (a view into `in` or into line_, without its
// line end). `limit` bounds the whole line including its line end. The caller clears line_
// once it is done with `line`.
Http1ResponseParser::LineResult Http1ResponseParser::take_line(std::string_view& in,
                                                               std::string_view& line,
                                                               size_t limit) {
  size_t newline = in.find('\n');
  if (newline == std::string_view::npos) {
    if (line_.size() + in.size() > limit) return LineResult::kTooLong;
    line_.append(in);
    in = {};
    return LineResult::kNeedMore;
  }
  line_size_ = line_.size() + newline + 1;
  if (line_size_ > limit) return LineResult::kTooLong;
  if (line_.empty()) {
    line = in.substr(0, newline);
  } else {
    line_.append(in.substr(0, newline));
    line = line_;
  }
  in.remove_prefix(newline + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return LineResult::kLine;
}

Http1ResponseParser::Status Http1ResponseParser::fail(std::string message) {
  state_ = State::kFailed;
  error_ = std::move(message);
  line_.clear();
  return Status::kError;
}

Http1ResponseParser::Status Http1ResponseParser::head_step(std::string_view& in,
                                                           ResponseHandler& handler) {
  std::string_view line;
  switch (take_line(in, line, limits_.max_head_bytes - head_bytes_)) {
    case LineResult::kTooLong:
      return fail("response head is larger than " + std::to_string(limits_.max_head_bytes) +
                  " bytes");
    case LineResult::kNeedMore:
      return Status::kNeedMore;
    case LineResult::kLine:
      break;
  }
  head_bytes_ += line_size_;
  Status status = on_head_line(line, handler);
  line_.clear();
  return status;
}

Http1ResponseParser::Status Http1ResponseParser::on_head_line(std::string_view line,
                                                              ResponseHandler& handler) {
  if (state_ == State::kStatusLine) {
    if (line.empty()) return Status::kNeedMore;  // stray blank lines before a status line
    if (!parse_status_line(line)) return Status::kError;
    state_ = State::kHeaders;
    return Status::kNeedMore;
  }
  if (line.empty()) return finish_head(handler);
  if (is_ows(line.front())) {  // obsolete line folding: continues the previous value
    if (headers_.empty()) return fail("a folded header line comes before any header");
    std::string_view more = trim_ows(line);
    if (has_control_char(more)) {
      return fail("control character in the value of header " + headers_.back().first);
    }
    if (!more.empty()) headers_.back().second.append(" ").append(more);
    return Status::kNeedMore;
  }
  if (headers_.size() >= limits_.max_headers) {
    return fail("response has more than " + std::to_string(limits_.max_headers) + " headers");
  }
  return parse_header_line(line) ? Status::kNeedMore : Status::kError;
}

// "HTTP/1.1 200 OK": version, one space, three digits, then nothing or a space and a reason.
bool Http1ResponseParser::parse_status_line(std::string_view line) {
  auto digit = [&](size_t i) { return i < line.size() && line[i] >= '0' && line[i] <= '9'; };
  if (line.substr(0, 5) != "HTTP/" || !digit(5) || line.size() < 7 || line[6] != '.' || !digit(7)) {
    fail("malformed status line: it does not start with HTTP/<major>.<minor>");
    return false;
  }
  if (line[5] != '1') {
    fail("unsupported HTTP version " + std::string(line.substr(5, 3)) + " in the status line");
    return false;
  }
  if (line.size() < 12 || line[8] != ' ' || !digit(9) || !digit(10) || !digit(11) ||
      (line.size() > 12 && line[12] != ' ')) {
    fail("malformed status line: expected HTTP/1.x, a space and a three-digit status code");
    return false;
  }
  status_ = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (status_ < 100) {
    fail("malformed status line: status code " + std::to_string(status_) + " is below 100");
    return false;
  }
  if (has_control_char(line.substr(std::min<size_t>(line.size(), 13)))) {
    fail("control character in the status line's reason phrase");
    return false;
  }
  http10_ = line[7] == '0';
  return true;
}

bool Http1ResponseParser::parse_header_line(std::string_view line) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    fail("malformed header line: no colon");
    return false;
  }
  std::string_view name = line.substr(0, colon);
  if (!name.empty() && is_ows(name.back())) {
    fail("malformed header line: whitespace between the header name and the colon");
    return false;
  }
  if (!is_token(name)) {
    fail(name.empty() ? "malformed header line: empty header name"
                      : "malformed header line: invalid character in a header name");
    return false;
  }
  std::string_view value = trim_ows(line.substr(colon + 1));
  if (has_control_char(value)) {
    fail("control character in the value of header " + std::string(name));
    return false;
  }
  headers_.emplace_back(std::string(name), std::string(value));
  return true;
}

Http1ResponseParser::Status Http1ResponseParser::finish_head(ResponseHandler& handler) {
  if (status_ == 101) return fail("unexpected 101 Switching Protocols: no upgrade was requested");
  if (status_ < 200) {  // interim response: the final one follows
    headers_.clear();
    state_ = State::kStatusLine;
    return Status::kNeedMore;
  }
  if (!choose_framing()) return Status::kError;
  head_delivered_ = true;
  ResponseHead head;
  head.status = status_;
  head.headers = std::move(headers_);
  if (!handler.on_head(head)) {
    state_ = State::kStopped;
    return Status::kStopped;
  }
  return Status::kNeedMore;
}

// RFC 9112 section 6.3, in its order: no body for HEAD, 204 and 304; chunked wins over
// Content-Length (and then the connection is not reused: the sender is confused or hostile);
// otherwise Content-Length; otherwise the body runs until the connection closes.
bool Http1ResponseParser::choose_framing() {
  Framing framing = read_framing(headers_);
  if (!framing.error.empty()) {
    fail(framing.error);
    return false;
  }
  keep_alive_ = !http10_ && !framing.connection_close;
  if (head_request_ || status_ == 204 || status_ == 304) {
    state_ = State::kDone;
  } else if (framing.chunked) {
    if (framing.content_length) keep_alive_ = false;
    state_ = State::kChunkSize;
  } else if (framing.content_length) {
    remaining_ = *framing.content_length;
    state_ = remaining_ == 0 ? State::kDone : State::kFixedBody;
  } else {
    keep_alive_ = false;
    state_ = State::kBodyUntilEof;
  }
  return true;
}

Http1ResponseParser::Status Http1ResponseParser::body_step(std::string_view& in,
                                                           ResponseHandler& handler) {
  switch (state_) {
    case State::kFixedBody:
      return deliver(in, remaining_, handler);
    case State::kBodyUntilEof:
      return deliver(in, in.size(), handler);
    case State::kChunkData:
      return deliver(in, remaining_, handler);
    case State::kChunkSize:
      return chunk_size_step(in);
    case State::kChunkDataCr:
    case State::kChunkDataLf:
      return chunk_end_step(in);
    case State::kTrailers:
      return trailer_step(in);
    default:
      return Status::kNeedMore;
  }
}

// Hands up to `max` bytes of `in` to the handler and moves on when a fixed body or a chunk
// is used up.
Http1ResponseParser::Status Http1ResponseParser::deliver(std::string_view& in, uint64_t max,
                                                         ResponseHandler& handler) {
  size_t n = static_cast<size_t>(std::min<uint64_t>(in.size(), max));
  std::string_view piece = in.substr(0, n);
  in.remove_prefix(n);
  if (state_ != State::kBodyUntilEof) {
    remaining_ -= n;
    if (remaining_ == 0) state_ = state_ == State::kChunkData ? State::kChunkDataCr : State::kDone;
  }
  if (!handler.on_body(piece)) {
    state_ = State::kStopped;
    return Status::kStopped;
  }
  return Status::kNeedMore;
}

// "1a2b;name=value" with optional whitespace before the extensions, which are ignored.
Http1ResponseParser::Status Http1ResponseParser::chunk_size_step(std::string_view& in) {
  std::string_view line;
  switch (take_line(in, line, kMaxChunkLine)) {
    case LineResult::kTooLong:
      return fail("chunk size line is longer than " + std::to_string(kMaxChunkLine) + " bytes");
    case LineResult::kNeedMore:
      return Status::kNeedMore;
    case LineResult::kLine:
      break;
  }
  ChunkSizeScan scan = scan_chunk_size(line);
  if (scan.too_large) return fail("chunk size is too large");
  if (scan.digits == 0) return fail("malformed chunk size line: no hexadecimal size");
  const uint64_t size = scan.size;
  size_t i = scan.digits;
  while (i < line.size() && is_ows(line[i])) ++i;
  if (i < line.size() && line[i] != ';') {
    return fail("malformed chunk size line: unexpected character after the size");
  }
  line_.clear();
  if (size == 0) {
    state_ = State::kTrailers;
  } else {
    remaining_ = size;
    state_ = State::kChunkData;
  }
  return Status::kNeedMore;
}

Http1ResponseParser::Status Http1ResponseParser::chunk_end_step(std::string_view& in) {
  char c = in.front();
  in.remove_prefix(1);
  if (state_ == State::kChunkDataCr && c == '\r') {
    state_ = State::kChunkDataLf;
  } else if (c == '\n') {  // CRLF, or a bare LF
    state_ = State::kChunkSize;
  } else {
    return fail("chunk data is not followed by CRLF");
  }
  return Status::kNeedMore;
}

// Trailer fields are read and dropped: nothing downstream has a use for them.
Http1ResponseParser::Status Http1ResponseParser::trailer_step(std::string_view& in) {
  std::string_view line;
  switch (take_line(in, line, limits_.max_head_bytes - trailer_bytes_)) {
    case LineResult::kTooLong:
      return fail("trailer section is larger than " + std::to_string(limits_.max_head_bytes) +
                  " bytes");
    case LineResult::kNeedMore:
      return Status::kNeedMore;
    case LineResult::kLine:
      break;
  }
  trailer_bytes_ += line_size_;
  bool end = line.empty();
  line_.clear();
  if (end) {
    state_ = State::kDone;
  } else if (++trailer_lines_ > limits_.max_headers) {
    return fail("more than " + std::to_string(limits_.max_headers) + " trailer lines");
  }
  return Status::kNeedMore;
}

}  // namespace understudy
