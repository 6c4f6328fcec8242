// Unit tests of the request head our HTTP/1.1 client writes: no sockets.
#include "lib/transport/http1_request.h"

#include <doctest/doctest.h>

#include <string>

using namespace understudy;

namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("http1 request: request line, Host, the caller's headers, defaults and length") {
  HttpRequest req;
  req.method = "POST";
  req.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer k"}};
  req.body = "{\"a\":1}";
  std::string head = format_request_head(req, "/v1/chat/completions?x=1", "api.local:8080");
  CHECK(head ==
        "POST /v1/chat/completions?x=1 HTTP/1.1\r\n"
        "Host: api.local:8080\r\n"
        "Content-Type: application/json\r\n"
        "Authorization: Bearer k\r\n"
        "Accept: */*\r\n"
        "Accept-Encoding: identity\r\n"
        "User-Agent: understudy/" UNDERSTUDY_VERSION
        "\r\n"
        "Content-Length: 7\r\n"
        "\r\n");
}

TEST_CASE("http1 request: headers the caller sets are not added again") {
  HttpRequest req;
  req.method = "POST";
  req.headers = {{"host", "virtual.example"},
                 {"ACCEPT", "text/event-stream"},
                 {"accept-encoding", "gzip"},
                 {"User-Agent", "mine/1"}};
  std::string head = format_request_head(req, "/", "127.0.0.1:9");
  CHECK(count(head, "ost: ") == 1);
  CHECK(head.find("host: virtual.example\r\n") != std::string::npos);
  CHECK(head.find("127.0.0.1") == std::string::npos);
  CHECK(head.find("ACCEPT: text/event-stream\r\n") != std::string::npos);
  CHECK(head.find("*/*") == std::string::npos);
  CHECK(count(head, "ccept-encoding: ") == 1);
  CHECK(count(head, "ser-Agent: ") == 1);
  CHECK(head.find("Content-Length: 0\r\n") != std::string::npos);  // POST without a body
}

TEST_CASE("http1 request: framing headers are the client's own") {
  HttpRequest req;
  req.method = "PUT";
  req.headers = {{"Content-Length", "999"}, {"Transfer-Encoding", "chunked"}};
  req.body = "abc";
  std::string head = format_request_head(req, "/x", "h");
  CHECK(head.find("999") == std::string::npos);
  CHECK(head.find("Transfer-Encoding") == std::string::npos);
  CHECK(count(head, "Content-Length: ") == 1);
  CHECK(head.find("Content-Length: 3\r\n") != std::string::npos);
}

TEST_CASE("http1 request: GET without a body sends no Content-Length") {
  HttpRequest req;
  req.method = "GET";
  std::string head = format_request_head(req, "/models", "h");
  CHECK(head.rfind("GET /models HTTP/1.1\r\nHost: h\r\n", 0) == 0);
  CHECK(head.find("Content-Length") == std::string::npos);
  CHECK(head.size() >= 4);
  CHECK(head.substr(head.size() - 4) == "\r\n\r\n");
}
