// Request-head parsing and response framing of the fake servers (mocks/http_head.h): pure,
// no sockets.
#include "mocks/http_head.h"

#include <doctest/doctest.h>

using namespace understudy;

TEST_CASE("http head: a complete request head is parsed with its body length") {
  std::string raw =
      "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n"
      "Authorization: Bearer sk\r\n\r\n{\"a\": true}";
  HeadParse p = parse_request_head(raw);
  REQUIRE(p.kind == HeadParse::Kind::kOk);
  CHECK(p.head.method == "POST");
  CHECK(p.head.target == "/v1/chat/completions");
  CHECK(p.head.content_length == 12);
  CHECK(p.head.keep_alive);
  CHECK(p.head.head_size == raw.find("{"));
  CHECK(header_value(p.head.headers, "authorization") == "Bearer sk");
}

TEST_CASE("http head: an unfinished head is incomplete, not an error") {
  CHECK(parse_request_head("POST /v1/messages HTTP/1.1\r\nHost: x\r\n").kind ==
        HeadParse::Kind::kIncomplete);
  CHECK(parse_request_head("").kind == HeadParse::Kind::kIncomplete);
}

TEST_CASE("http head: bare LF line ends are accepted") {
  HeadParse p = parse_request_head("GET /_mock/requests HTTP/1.1\nHost: x\n\n");
  REQUIRE(p.kind == HeadParse::Kind::kOk);
  CHECK(p.head.target == "/_mock/requests");
}

TEST_CASE("http head: Connection and HTTP version decide keep-alive") {
  CHECK_FALSE(parse_request_head("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").head.keep_alive);
  CHECK_FALSE(parse_request_head("GET / HTTP/1.0\r\n\r\n").head.keep_alive);
  CHECK(parse_request_head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").head.keep_alive);
}

TEST_CASE("http head: Expect 100-continue is noted") {
  HeadParse p = parse_request_head(
      "POST /v1/messages HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  REQUIRE(p.kind == HeadParse::Kind::kOk);
  CHECK(p.head.expect_continue);
}

TEST_CASE("http head: garbage yields the right status and never throws") {
  struct Case {
    std::string raw;
    int status;
    std::string fragment;
  };
  const Case cases[] = {
      {"HELLO\r\n\r\n", 400, "malformed request line"},
      {"GET  / HTTP/1.1\r\n\r\n", 400, "malformed request line"},
      {"GET nopath HTTP/1.1\r\n\r\n", 400, "must start with"},
      {"G(T / HTTP/1.1\r\n\r\n", 400, "invalid method"},
      {"GET / HTTP/2.0\r\n\r\n", 505, "HTTP/1.0 and HTTP/1.1"},
      {"GET / FTP/1.0\r\n\r\n", 400, "invalid HTTP version"},
      {"GET / HTTP/1.1\r\nno colon here\r\n\r\n", 400, "malformed header"},
      {"GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", 400, "folding"},
      {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400, "Content-Length"},
      {"POST / HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n", 400, "Content-Length"},
      {"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400, "Content-Length"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411, "Content-Length"},
      {"POST / HTTP/1.1\r\nExpect: magic\r\n\r\n", 417, "Expect"},
      {std::string("GET /\x01 HTTP/1.1\r\n\r\n"), 400, "control character"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.raw);
    HeadParse p = parse_request_head(c.raw);
    REQUIRE(p.kind == HeadParse::Kind::kBad);
    CHECK(p.status == c.status);
    CHECK(p.error.find(c.fragment) != std::string::npos);
  }
}

TEST_CASE("http head: oversized heads and bodies are refused") {
  HeadLimits limits;
  limits.max_head_bytes = 64;
  limits.max_body_bytes = 100;
  HeadParse huge = parse_request_head(std::string(65, 'a'), limits);
  REQUIRE(huge.kind == HeadParse::Kind::kBad);
  CHECK(huge.status == 431);
  HeadParse body = parse_request_head("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n", limits);
  REQUIRE(body.kind == HeadParse::Kind::kBad);
  CHECK(body.status == 413);
}

TEST_CASE("http head: response heads carry exactly one framing header") {
  std::string chunked = format_response_head(
      200, {{"Content-Type", "text/event-stream"}, {"Content-Length", "99"}}, true, 0, true);
  CHECK(chunked ==
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
        "Connection: keep-alive\r\n\r\n");
  std::string plain = format_response_head(429, {{"retry-after", "1"}}, false, 17, false);
  CHECK(plain ==
        "HTTP/1.1 429 Too Many Requests\r\nretry-after: 1\r\nContent-Length: 17\r\n"
        "Connection: close\r\n\r\n");
  CHECK(std::string(reason_phrase(529)) == "Site Overloaded");
  CHECK(std::string(reason_phrase(299)) == "Success");
}

TEST_CASE("http head: chunk frames are sized in hex and empty data sends nothing") {
  CHECK(chunk_frame("hello world, 17 b") == "11\r\nhello world, 17 b\r\n");
  CHECK(chunk_frame("").empty());
}
