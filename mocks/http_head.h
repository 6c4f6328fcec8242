// HTTP/1.1 message heads for the fake provider servers (mocks/fake_server.h): parsing a
// request head out of the bytes read so far, and formatting a response head.
//
// Only what a fake needs: a request line, headers, and a body framed by Content-Length.
// Chunked request bodies are refused with 411 (every HTTP client sends Content-Length for
// the small JSON bodies a chat API takes). Garbage never throws: it yields kBad with the
// status to answer and a message naming what was wrong. Pure functions, no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "lib/transport/http.h"

namespace understudy {

struct RequestHead {
  std::string method;
  std::string target;   // path and query as sent: "/v1/chat/completions"
  std::string version;  // "HTTP/1.1"
  Headers headers;
  std::size_t content_length = 0;
  bool keep_alive = true;        // HTTP/1.1 unless "Connection: close"; 1.0 only if asked
  bool expect_continue = false;  // "Expect: 100-continue": answer 100 before reading the body
  std::size_t head_size = 0;     // bytes up to and including the blank line
};

struct HeadParse {
  enum class Kind { kIncomplete, kOk, kBad };
  Kind kind = Kind::kIncomplete;
  RequestHead head;   // kOk
  int status = 400;   // kBad: the status to answer with (400, 411, 413, 431, 505)
  std::string error;  // kBad: what was wrong, for the error body
};

struct HeadLimits {
  std::size_t max_head_bytes = 64 * 1024;
  std::size_t max_body_bytes = 64u << 20;
};

// Parses the request head at the start of `buffer` (which may hold more bytes after it).
HeadParse parse_request_head(std::string_view buffer, const HeadLimits& limits = {});

// "HTTP/1.1 <status> <reason>\r\n<headers>\r\n", adding the framing header (Content-Length
// or Transfer-Encoding: chunked) and Connection; framing headers in `headers` are dropped.
std::string format_response_head(int status, const Headers& headers, bool chunked,
                                 std::size_t content_length, bool keep_alive);

// One chunk of a chunked body: "<hex size>\r\n<data>\r\n". Empty data is skipped ("").
std::string chunk_frame(std::string_view data);
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

}  // namespace understudy
