// Http1RequestParser: an incremental HTTP/1.1 request parser for the server side of `serve`
// (RFC 9112). Pure: no I/O, no clock. The listener (http_listener.h) feeds it whatever bytes
// arrived, in pieces of any size, and acts on what it reports:
//
//   kNeedMore      every byte given was consumed; feed more.
//   kHeadComplete  the request line and headers are parsed (head() is valid), the body not yet
//                  read. Reported once per request, before any body byte is consumed, so the
//                  listener can answer `Expect: 100-continue` and start the request's work.
//   kComplete      head and body are complete (body() holds the de-chunked body). Bytes after
//                  `consumed` belong to the next request (pipelining); call reset() first.
//   kError         the request is refused (error(): status and message). The connection
//                  cannot be reused: the listener answers and closes it.
//
// Strict where leniency lets two parsers disagree about where a request ends (request
// smuggling): bare LF line ends, obs-fold continuation lines, whitespace before a header's
// colon, Content-Length together with Transfer-Encoding, conflicting Content-Lengths, and a
// Transfer-Encoding other than exactly `chunked` are refused (400; an unknown coding is 501).
// Limits: the request line (414), the whole head and the header count (431), and the body
// (413): a declared Content-Length above the limit is refused as soon as the head is parsed,
// a chunked body as soon as a chunk would cross it.
//
// Keep-alive follows the version: HTTP/1.1 persists unless `Connection: close`, HTTP/1.0 only
// with `Connection: keep-alive`. Header names keep the case they were sent in.
// Not thread-safe; one parser per connection, reused across its requests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/transport/http.h"

namespace understudy {

struct Http1Limits {
  std::size_t max_request_line = 8192;
  std::size_t max_head_bytes = 64 * 1024;  // request line, headers and chunked trailers each
  std::size_t max_headers = 100;
  std::size_t max_body_bytes = 8u << 20;
};

enum class BodyFraming { kNone, kContentLength, kChunked };

struct Http1RequestHead {
  std::string method;
  std::string target;     // as sent: "/v1/models/a%2Fb?x=1"
  std::string path;       // the target's path, percent-decoded, without the query
  int minor_version = 1;  // HTTP/1.<minor_version>
  Headers headers;        // in the order sent, names as sent
  BodyFraming framing = BodyFraming::kNone;
  std::uint64_t content_length = 0;  // for kContentLength
  bool keep_alive = true;
  bool expect_continue = false;  // HTTP/1.1 with `Expect: 100-continue` and a body to come
};

struct Http1Error {
  int status = 0;  // 400, 413, 414, 431, 501, 505
  std::string message;
};

class Http1RequestParser {
 public:
  enum class Result { kNeedMore, kHeadComplete, kComplete, kError };

  explicit Http1RequestParser(Http1Limits limits = {}) : limits_(limits) {}

  // Consumes a prefix of `input` and sets `consumed` to its length. After kComplete or
  // kError, further calls return the same result and consume nothing.
  Result feed(std::string_view input, std::size_t& consumed);

  // Prepares for the next request on the same connection (keeps buffer capacity).
  void reset();

  // True once any byte of the current request has been consumed.
  bool started() const { return started_; }
  // Valid from kHeadComplete (head) and kComplete (body); a caller may move them out then,
  // reset() clears them for the next request.
  const Http1RequestHead& head() const { return head_; }
  Http1RequestHead& head() { return head_; }
  std::string& body() { return body_; }
  const Http1Error& error() const { return error_; }

 private:
  enum class State {
    kRequestLine,
    kHeaders,
    kBody,
    kChunkSize,
    kChunkData,
    kChunkEnd,
    kTrailers,
    kDone,
    kError
  };
  enum class Line { kReady, kPartial, kBareLf, kTooLong };

  Line take_line(std::string_view in, std::size_t& pos, std::size_t max_len,
                 std::string_view& line);
  Result step(std::string_view in, std::size_t& pos);
  Result on_request_line(std::string_view line);
  Result on_header_line(std::string_view line);
  Result finish_head();
  Result on_chunk_size(std::string_view line);
  Result on_trailer_line(std::string_view line);
  Result take_body(std::string_view in, std::size_t& pos);
  Result take_chunk_data(std::string_view in, std::size_t& pos);
  Result fail(int status, std::string message);
  std::size_t head_budget() const;

  const Http1Limits limits_;
  State state_ = State::kRequestLine;
  bool started_ = false;
  std::string pending_;  // a line split across feed() calls
  bool pending_used_ = false;
  std::size_t line_bytes_ = 0;  // of the last line taken, with its CRLF
  std::size_t head_bytes_ = 0;
  std::size_t trailer_bytes_ = 0;
  std::uint64_t remaining_ = 0;  // of the Content-Length body or the current chunk
  Http1RequestHead head_;
  std::string body_;
  Http1Error error_;
};

// Decodes %XX escapes (an invalid escape is kept as written); '+' stays '+'.
std::string percent_decode_path(std::string_view path);

}  // namespace understudy
