// Http1ResponseParser: an incremental parser for one HTTP/1.1 response, as the bytes come off
// a socket. Pure: no I/O, no clock, no allocation beyond the head it builds.
//
// Feed it the bytes in whatever pieces they arrive (one byte at a time works); it calls
// ResponseHandler::on_head exactly once, when the final response head is complete, and
// on_body for each piece of the body as soon as it is available, already taken out of its
// chunked framing. Body bytes are handed over as views into the fed bytes: nothing is copied
// or buffered. What it understands (RFC 9112):
//   - the status line "HTTP/1.x SSS reason" (HTTP/1.0 and 1.1; the reason may be empty);
//   - header lines, with obsolete line folding joined into the previous value with a space,
//     and bare LF accepted as a line end;
//   - interim 1xx responses (100 Continue, 103 Early Hints), which are skipped; 101 is an
//     error, since we never ask to switch protocols;
//   - bodies framed by Content-Length, by chunked transfer coding (chunk extensions ignored,
//     trailers read and dropped), or by the connection closing (finish_at_eof());
//   - no body after a HEAD request, and for 204 and 304.
// Limits: the status line and headers (of all interim heads together) and, separately, the
// trailers may take at most max_head_bytes and hold at most max_headers lines; a chunk size
// line at most kMaxChunkLine bytes; a chunk size above 2^60 is refused.
//
// Errors: anything that is not a valid response (garbage status line, bad header line,
// negative or conflicting Content-Length, unsupported transfer coding, bad chunk framing,
// oversized head) makes feed() return kError, and error() names what was wrong without
// quoting header values. After kError, kStopped or kComplete the parser takes no more bytes.
//
// keep_alive() says whether the connection may carry another request once the response is
// complete: HTTP/1.1, no "Connection: close", a body with an explicit end, and no framing
// a careful client distrusts (Transfer-Encoding together with Content-Length).
//
// Not thread-safe: one parser per response, used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/transport/http.h"
#include "lib/transport/transport.h"

namespace understudy {

struct Http1ParserLimits {
  size_t max_head_bytes = 64 * 1024;  // status line + headers; trailers separately
  size_t max_headers = 256;           // header lines per head (and per trailer section)
};

class Http1ResponseParser {
 public:
  static constexpr size_t kMaxChunkLine = 4096;  // chunk size line, extensions included

  enum class Status {
    kNeedMore,  // every byte was used; the response is not complete yet
    kComplete,  // the response ended after `consumed` bytes
    kStopped,   // the handler returned false
    kError,     // not a valid HTTP/1.1 response: see error()
  };
  struct Progress {
    Status status = Status::kNeedMore;
    size_t consumed = 0;  // bytes of the fed piece that belong to this response
  };

  // `head_request`: the request was HEAD, so the response has no body whatever its headers
  // say.
  explicit Http1ResponseParser(bool head_request = false, Http1ParserLimits limits = {});

  // Parses the next bytes of the response, calling `handler` as described above.
  Progress feed(std::string_view bytes, ResponseHandler& handler);

  // The peer closed the connection after everything fed so far. Returns true if that ends
  // the response (a body delimited by the close, or a response already complete); false if
  // the response was cut short.
  bool finish_at_eof();

  // on_head has been called (the final head was complete and its framing valid).
  bool head_complete() const { return head_delivered_; }
  bool complete() const { return state_ == State::kDone; }
  bool keep_alive() const { return keep_alive_; }
  int status() const { return status_; }
  const std::string& error() const { return error_; }

 private:
  enum class State {
    kStatusLine,
    kHeaders,
    kFixedBody,     // Content-Length bytes left in remaining_
    kChunkSize,     // reading a chunk size line
    kChunkData,     // remaining_ bytes of the current chunk left
    kChunkDataCr,   // expecting the CR (or LF) after a chunk's data
    kChunkDataLf,   // expecting the LF after that CR
    kTrailers,      // after the last chunk, until an empty line
    kBodyUntilEof,  // everything until the connection closes
    kDone,
    kStopped,  // the handler returned false
    kFailed,
  };
  enum class LineResult { kLine, kNeedMore, kTooLong };

  // The steps below return kNeedMore to mean "go on with the rest of the bytes".
  LineResult take_line(std::string_view& in, std::string_view& line, size_t limit);
  Status fail(std::string message);
  Status head_step(std::string_view& in, ResponseHandler& handler);
  Status on_head_line(std::string_view line, ResponseHandler& handler);
  bool parse_status_line(std::string_view line);
  bool parse_header_line(std::string_view line);
  Status finish_head(ResponseHandler& handler);
  bool choose_framing();
  Status body_step(std::string_view& in, ResponseHandler& handler);
  Status chunk_size_step(std::string_view& in);
  Status chunk_end_step(std::string_view& in);
  Status trailer_step(std::string_view& in);
  Status deliver(std::string_view& in, uint64_t max, ResponseHandler& handler);

  const bool head_request_;
  const Http1ParserLimits limits_;
  State state_ = State::kStatusLine;
  std::string line_;       // a line split across feeds
  size_t line_size_ = 0;   // bytes of the line take_line() returned last, line end included
  size_t head_bytes_ = 0;  // bytes of status lines and headers so far (interim heads too)
  size_t trailer_bytes_ = 0;
  size_t trailer_lines_ = 0;
  int status_ = 0;
  bool http10_ = false;
  Headers headers_;
  uint64_t remaining_ = 0;  // of the fixed body or the current chunk
  bool keep_alive_ = false;
  bool head_delivered_ = false;
  std::string error_;
};

}  // namespace understudy
