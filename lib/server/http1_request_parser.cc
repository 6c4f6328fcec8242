#include "lib/server/http1_request_parser.h"

#include <algorithm>
#include <cstring>

#include "lib/transport/http1_syntax.h"

namespace understudy {

namespace {

constexpr std::size_t kMaxChunkLine = 4096;          // chunk size plus extensions
constexpr std::uint64_t kMaxBodyReserve = 1u << 20;  // reserved up front for a declared body

// The path of an origin-form ("/a?b") or absolute-form ("http://h/a?b") target; empty when
// the target is neither (asterisk-form "*" is kept as is).
std::string_view target_path(std::string_view target) {
  if (target == "*") return target;
  if (target.front() != '/') {
    std::size_t scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos) return {};
    std::string_view scheme = target.substr(0, scheme_end);
    if (!iequals(scheme, "http") && !iequals(scheme, "https")) return {};
    std::size_t slash = target.find('/', scheme_end + 3);
    if (slash == std::string_view::npos) return "/";
    target.remove_prefix(slash);
  }
  return target.substr(0, target.find_first_of("?#"));
}

}  // namespace

std::string percent_decode_path(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size()) {
      int hi = hex_value(path[i + 1]);
      int lo = hex_value(path[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += path[i];
  }
  return out;
}

void Http1RequestParser::reset() {
  state_ = State::kRequestLine;
  started_ = false;
  pending_.clear();
  pending_used_ = false;
  head_bytes_ = 0;
  trailer_bytes_ = 0;
  remaining_ = 0;
  head_.method.clear();
  head_.target.clear();
  head_.path.clear();
  head_.minor_version = 1;
  head_.headers.clear();
  head_.framing = BodyFraming::kNone;
  head_.content_length = 0;
  head_.keep_alive = true;
  head_.expect_continue = false;
  body_.clear();
  error_ = Http1Error{};
}

Http1RequestParser::Result Http1RequestParser::fail(int status, std::string message) {
  state_ = State::kError;
  error_ = Http1Error{status, std::move(message)};
  return Result::kError;
}

std::size_t Http1RequestParser::head_budget() const {
  return limits_.max_head_bytes > head_bytes_ ? limits_.max_head_bytes - head_bytes_ : 0;
}

// The next CRLF-terminated line of input[pos..]. A line split across calls is collected in
// pending_; a whole line inside `in` is returned without a copy. `line` excludes the CRLF and
// stays valid until the next call.
Http1RequestParser::Line Http1RequestParser::take_line(std::string_view in, std::size_t& pos,
                                                       std::size_t max_len,
                                                       std::string_view& line) {
  if (pending_used_) {
    pending_.clear();
    pending_used_ = false;
  }
  const char* start = in.data() + pos;
  std::size_t avail = in.size() - pos;
  const void* nl = std::memchr(start, '\n', avail);
  if (nl == nullptr) {
    if (pending_.size() + avail > max_len) return Line::kTooLong;
    pending_.append(start, avail);
    pos = in.size();
    return Line::kPartial;
  }
  std::size_t n = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
  if (pending_.size() + n + 1 > max_len) return Line::kTooLong;
  std::string_view raw(start, n);
  if (!pending_.empty()) {
    pending_.append(start, n);
    raw = pending_;
    pending_used_ = true;
  }
  pos += n + 1;
  line_bytes_ = raw.size() + 1;
  if (raw.empty() || raw.back() != '\r') return Line::kBareLf;
  line = raw.substr(0, raw.size() - 1);
  return Line::kReady;
}

Http1RequestParser::Result Http1RequestParser::feed(std::string_view input, std::size_t& consumed) {
  std::size_t pos = 0;
  Result r = Result::kNeedMore;
  if (!input.empty()) started_ = true;
  while (true) {
    if (state_ == State::kError) {
      r = Result::kError;
      break;
    }
    if (state_ == State::kDone) {
      r = Result::kComplete;
      break;
    }
    if (pos == input.size()) break;
    r = step(input, pos);
    if (r != Result::kNeedMore) break;
  }
  consumed = pos;
  return r;
}

// One unit of progress: a line of the head or of the chunked framing, or a run of body bytes.
Http1RequestParser::Result Http1RequestParser::step(std::string_view in, std::size_t& pos) {
  switch (state_) {
    case State::kBody:
      return take_body(in, pos);
    case State::kChunkData:
      return take_chunk_data(in, pos);
    default:
      break;
  }
  std::size_t max_len = state_ == State::kRequestLine
                            ? std::min(limits_.max_request_line, head_budget())
                        : state_ == State::kHeaders  ? head_budget()
                        : state_ == State::kTrailers ? limits_.max_head_bytes - trailer_bytes_
                                                     : kMaxChunkLine;
  std::string_view line;
  Line got = take_line(in, pos, max_len, line);
  if (got == Line::kPartial) return Result::kNeedMore;
  if (got == Line::kBareLf) {
    return fail(400, "malformed HTTP request: a line ends in LF without CR");
  }
  if (got == Line::kTooLong) {
    if (state_ == State::kRequestLine && max_len == limits_.max_request_line) {
      return fail(414, "request line too long: the limit is " +
                           std::to_string(limits_.max_request_line) + " bytes");
    }
    if (state_ == State::kRequestLine || state_ == State::kHeaders) {
      return fail(431, "request head too large: the limit is " +
                           std::to_string(limits_.max_head_bytes) + " bytes");
    }
    return fail(400, state_ == State::kTrailers ? "chunked body trailers too large"
                                                : "malformed chunked body: chunk line too long");
  }
  switch (state_) {
    case State::kRequestLine:
      head_bytes_ += line_bytes_;
      if (line.empty()) return Result::kNeedMore;  // RFC 9112 §2.2: ignore a leading CRLF
      return on_request_line(line);
    case State::kHeaders:
      head_bytes_ += line_bytes_;
      return line.empty() ? finish_head() : on_header_line(line);
    case State::kChunkSize:
      return on_chunk_size(line);
    case State::kChunkEnd:
      if (!line.empty()) {
        return fail(400, "malformed chunked body: chunk data not followed by CRLF");
      }
      state_ = State::kChunkSize;
      return Result::kNeedMore;
    case State::kTrailers:
      trailer_bytes_ += line_bytes_;
      return on_trailer_line(line);
    default:
      return fail(400, "malformed HTTP request");
  }
}

Http1RequestParser::Result Http1RequestParser::on_request_line(std::string_view line) {
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return fail(400, "malformed HTTP request line");
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method)) return fail(400, "malformed HTTP request line: invalid method");
  if (target.empty()) return fail(400, "malformed HTTP request line: empty target");
  for (unsigned char c : target) {
    if (c <= 0x20 || c >= 0x7f) return fail(400, "malformed HTTP request line: invalid target");
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
      version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9') {
    return fail(400, "malformed HTTP request line: invalid HTTP version");
  }
  if (version[5] != '1') return fail(505, "HTTP version not supported: use HTTP/1.1");
  std::string_view path = target_path(target);
  if (path.empty()) return fail(400, "malformed HTTP request line: invalid target");
  head_.method.assign(method);
  head_.target.assign(target);
  head_.path = percent_decode_path(path);
  head_.minor_version = version[7] - '0';
  head_.keep_alive = head_.minor_version >= 1;
  state_ = State::kHeaders;
  return Result::kNeedMore;
}

Http1RequestParser::Result Http1RequestParser::on_header_line(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') {
    return fail(400, "malformed HTTP header: obsolete line folding is not accepted");
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return fail(400, "malformed HTTP header: no colon");
  std::string_view name = line.substr(0, colon);
  if (!is_token(name)) return fail(400, "malformed HTTP header name");
  std::string_view value = trim_ows(line.substr(colon + 1));
  if (has_control_char(value)) return fail(400, "malformed HTTP header value");
  if (head_.headers.size() >= limits_.max_headers) {
    return fail(431,
                "too many request headers: the limit is " + std::to_string(limits_.max_headers));
  }
  head_.headers.emplace_back(std::string(name), std::string(value));
  return Result::kNeedMore;
}

namespace {

struct FramingHeaders {
  bool has_length = false;
  bool bad_length = false;
  bool conflicting_length = false;
  bool length_overflow = false;
  std::uint64_t length = 0;
  bool has_te = false;
  int te_codings = 0;
  int chunked_at = -1;  // index of "chunked" among the codings; -1: absent
  bool chunked_twice = false;
  bool other_coding = false;
  int hosts = 0;
  bool close = false;
  bool keep_alive = false;
  bool expect_continue = false;
};

void read_content_length(std::string_view value, FramingHeaders& f) {
  bool any = false;
  for_each_list_element(value, [&](std::string_view v) {
    any = true;
    std::uint64_t n = 0;
    for (char c : v) {
      if (c < '0' || c > '9') {
        f.bad_length = true;
        return false;
      }
      if (n > (UINT64_MAX - 9) / 10) f.length_overflow = true;
      n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (f.has_length && n != f.length) f.conflicting_length = true;
    f.has_length = true;
    f.length = n;
    return true;
  });
  if (!any) f.bad_length = true;
}

void read_transfer_encoding(std::string_view value, FramingHeaders& f) {
  f.has_te = true;
  for_each_list_element(value, [&](std::string_view coding) {
    if (iequals(coding, "chunked")) {
      if (f.chunked_at >= 0) f.chunked_twice = true;
      f.chunked_at = f.te_codings;
    } else {
      f.other_coding = true;
    }
    ++f.te_codings;
    return true;
  });
}

FramingHeaders read_framing(const Headers& headers) {
  FramingHeaders f;
  for (const auto& [name, value] : headers) {
    if (iequals(name, "content-length")) {
      read_content_length(value, f);
    } else if (iequals(name, "transfer-encoding")) {
      read_transfer_encoding(value, f);
    } else if (iequals(name, "host")) {
      ++f.hosts;
    } else if (iequals(name, "connection")) {
      for_each_list_element(value, [&](std::string_view token) {
        if (iequals(token, "close")) f.close = true;
        if (iequals(token, "keep-alive")) f.keep_alive = true;
        return true;
      });
    } else if (iequals(name, "expect")) {
      if (iequals(value, "100-continue")) f.expect_continue = true;
    }
  }
  return f;
}

}  // namespace

Http1RequestParser::Result Http1RequestParser::finish_head() {
  FramingHeaders f = read_framing(head_.headers);
  const bool http11 = head_.minor_version >= 1;
  if (http11 && f.hosts != 1) {
    return fail(400, f.hosts == 0 ? "malformed HTTP request: no Host header"
                                  : "malformed HTTP request: more than one Host header");
  }
  if (f.has_te) {
    if (!http11) return fail(400, "Transfer-Encoding is not allowed in an HTTP/1.0 request");
    if (f.has_length) {
      return fail(400, "a request must not carry both Content-Length and Transfer-Encoding");
    }
    if (f.te_codings == 0 || f.chunked_twice || f.chunked_at != f.te_codings - 1) {
      return fail(400, "malformed Transfer-Encoding: chunked must be the last coding, once");
    }
    if (f.other_coding) {
      return fail(501, "unsupported Transfer-Encoding: only chunked request bodies are accepted");
    }
    head_.framing = BodyFraming::kChunked;
  } else if (f.has_length) {
    if (f.bad_length || f.conflicting_length) return fail(400, "invalid Content-Length header");
    if (f.length_overflow || f.length > limits_.max_body_bytes) {
      return fail(413, "request body too large");
    }
    head_.content_length = f.length;
    head_.framing = f.length > 0 ? BodyFraming::kContentLength : BodyFraming::kNone;
  } else if (f.bad_length) {
    return fail(400, "invalid Content-Length header");
  }
  head_.keep_alive = f.close ? false : (http11 || f.keep_alive);
  head_.expect_continue = http11 && f.expect_continue && head_.framing != BodyFraming::kNone;
  switch (head_.framing) {
    case BodyFraming::kNone:
      state_ = State::kDone;
      break;
    case BodyFraming::kContentLength:
      remaining_ = head_.content_length;
      // Reserve what is declared only up to a bound: the bytes may never come, and under a
      // large max_body_bytes the allocation itself could fail (bad_alloc on the connection
      // thread would end the process). Larger bodies grow as they arrive.
      body_.reserve(
          static_cast<std::size_t>(std::min<std::uint64_t>(head_.content_length, kMaxBodyReserve)));
      state_ = State::kBody;
      break;
    case BodyFraming::kChunked:
      state_ = State::kChunkSize;
      break;
  }
  // Reported before any body byte is consumed; a bodiless request completes on the next feed.
  return Result::kHeadComplete;
}

Http1RequestParser::Result Http1RequestParser::take_body(std::string_view in, std::size_t& pos) {
  std::size_t take = static_cast<std::size_t>(
      std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(in.size() - pos)));
  body_.append(in.data() + pos, take);
  pos += take;
  remaining_ -= take;
  if (remaining_ > 0) return Result::kNeedMore;
  state_ = State::kDone;
  return Result::kComplete;
}

Http1RequestParser::Result Http1RequestParser::on_chunk_size(std::string_view line) {
  ChunkSizeScan scan = scan_chunk_size(line);
  if (scan.too_large) return fail(413, "request body too large");
  if (scan.digits == 0) return fail(400, "malformed chunked body: invalid chunk size");
  const std::uint64_t size = scan.size;
  std::string_view rest = trim_ows(line.substr(scan.digits));
  if (!rest.empty() && (rest.front() != ';' || has_control_char(rest))) {
    return fail(400, "malformed chunked body: invalid chunk size");
  }
  if (size > limits_.max_body_bytes - body_.size()) return fail(413, "request body too large");
  if (size == 0) {
    state_ = State::kTrailers;
    return Result::kNeedMore;
  }
  remaining_ = size;
  state_ = State::kChunkData;
  return Result::kNeedMore;
}

Http1RequestParser::Result Http1RequestParser::take_chunk_data(std::string_view in,
                                                               std::size_t& pos) {
  std::size_t take = static_cast<std::size_t>(
      std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(in.size() - pos)));
  body_.append(in.data() + pos, take);
  pos += take;
  remaining_ -= take;
  if (remaining_ == 0) state_ = State::kChunkEnd;
  return Result::kNeedMore;
}

// Trailer fields are checked like headers and then dropped: nothing here reads them.
Http1RequestParser::Result Http1RequestParser::on_trailer_line(std::string_view line) {
  if (line.empty()) {
    state_ = State::kDone;
    return Result::kComplete;
  }
  if (line.front() == ' ' || line.front() == '\t') {
    return fail(400, "malformed chunked body trailer: obsolete line folding");
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || !is_token(line.substr(0, colon)) ||
      has_control_char(line.substr(colon + 1))) {
    return fail(400, "malformed chunked body trailer");
  }
  return Result::kNeedMore;
}

}  // namespace understudy
