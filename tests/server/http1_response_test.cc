// Response framing for HttpListener: what goes on the wire, byte for byte.
#include "lib/server/http1_response.h"

#include <doctest/doctest.h>

using namespace understudy;

TEST_CASE("http1 response: a plain head carries the headers, type, length and connection") {
  std::string out;
  append_response_head(out, 200, {{"x-request-id", "req-1"}}, "application/json",
                       ResponseFraming::kContentLength, 42, "Connection: close\r\n");
  CHECK(out ==
        "HTTP/1.1 200 OK\r\nx-request-id: req-1\r\nContent-Type: application/json\r\n"
        "Content-Length: 42\r\nConnection: close\r\n\r\n");
}

TEST_CASE("http1 response: a streamed head is chunked, or close-delimited for HTTP/1.0") {
  std::string chunked;
  append_response_head(chunked, 200, {}, "text/event-stream", ResponseFraming::kChunked, 0, "");
  CHECK(chunked ==
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
  std::string until_close;
  append_response_head(until_close, 200, {}, "text/event-stream", ResponseFraming::kUntilClose, 0,
                       "Connection: close\r\n");
  CHECK(until_close.find("Transfer-Encoding") == std::string::npos);
  CHECK(until_close.find("Content-Length") == std::string::npos);
}

TEST_CASE("http1 response: a header with CR or LF is dropped instead of splitting the response") {
  std::string out;
  append_response_head(out, 400, {{"x-model", "m\r\nSet-Cookie: a=b"}, {"x-ok", "1"}},
                       "application/json", ResponseFraming::kContentLength, 0, "");
  CHECK(out.find("Set-Cookie") == std::string::npos);
  CHECK(out.find("x-ok: 1\r\n") != std::string::npos);
  CHECK(out.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
}

TEST_CASE("http1 response: reason phrases, including codes without a registered one") {
  CHECK(std::string(reason_phrase(429)) == "Too Many Requests");
  CHECK(std::string(reason_phrase(503)) == "Service Unavailable");
  CHECK(std::string(reason_phrase(418)) == "Client Error");
  CHECK(std::string(reason_phrase(599)) == "Server Error");
  std::string out;
  append_response_head(out, 42, {}, "", ResponseFraming::kContentLength, 0, "");
  CHECK(out.rfind("HTTP/1.1 500 ", 0) == 0);  // never a malformed status line
}

TEST_CASE("http1 response: chunks carry their size in hex; empty data is no chunk") {
  std::string out;
  append_chunk(out, std::string(26, 'a'));
  CHECK(out == "1a\r\n" + std::string(26, 'a') + "\r\n");
  out.clear();
  append_chunk(out, "");
  CHECK(out.empty());
  CHECK(kLastChunk == "0\r\n\r\n");
}
