// HTTP/1.1 response framing for HttpListener (http_listener.h): the status line and headers,
// and chunks of a streamed body. Pure formatting into a caller's buffer, so a response's head
// and body can leave in one send. No I/O; thread-safe (no state).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "lib/transport/http.h"

namespace understudy {

enum class ResponseFraming {
  kContentLength,  // Content-Length: <content_length>
  kChunked,        // Transfer-Encoding: chunked (HTTP/1.1 clients)
  kUntilClose,     // no length: the body ends when the connection closes (HTTP/1.0 streams)
};

// Appends "HTTP/1.1 <status> <reason>\r\n", then `headers` (a header whose name or value
// holds CR, LF or NUL is dropped: it would split the response), "Content-Type" when
// `content_type` is not empty, the framing header, `connection_headers` (complete lines,
// e.g. "Connection: close\r\n") and the blank line.
void append_response_head(std::string& out, int status, const Headers& headers,
                          std::string_view content_type, ResponseFraming framing,
                          std::size_t content_length, std::string_view connection_headers);

// Appends one chunk of a chunked body: "<hex size>\r\n<data>\r\n". Empty data appends nothing
// (an empty chunk would end the body).
void append_chunk(std::string& out, std::string_view data);

// The end of a chunked body (no trailers).
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

}  // namespace understudy
