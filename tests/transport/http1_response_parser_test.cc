// Unit tests of the incremental HTTP/1.1 response parser: no sockets, bytes fed in pieces.
#include "lib/transport/http1_response_parser.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace understudy;
using Status = Http1ResponseParser::Status;

namespace {

struct Collector : ResponseHandler {
  bool on_head(const ResponseHead& h) override {
    ++heads;
    head = h;
    return accept_head;
  }
  bool on_body(std::string_view bytes) override {
    pieces.emplace_back(bytes);
    body.append(bytes);
    return body.size() < stop_after_body_bytes;
  }
  int heads = 0;
  ResponseHead head;
  std::string body;
  std::vector<std::string> pieces;
  bool accept_head = true;
  size_t stop_after_body_bytes = std::string::npos;
};

struct Outcome {
  Status status = Status::kNeedMore;
  size_t consumed = 0;  // over all pieces
  std::string error;
  bool keep_alive = false;
};

// Feeds `bytes` cut at the given offsets (ascending), stopping at the first piece that ends
// the response or fails.
Outcome feed_split(Http1ResponseParser& parser, Collector& c, std::string_view bytes,
                   const std::vector<size_t>& cuts) {
  Outcome out;
  size_t start = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(bytes.size());
  for (size_t end : ends) {
    Http1ResponseParser::Progress p = parser.feed(bytes.substr(start, end - start), c);
    out.consumed += p.consumed;
    out.status = p.status;
    if (p.status != Status::kNeedMore) break;
    start = end;
  }
  out.error = parser.error();
  out.keep_alive = parser.keep_alive();
  return out;
}

Outcome parse(std::string_view bytes, Collector& c, bool head_request = false,
              Http1ParserLimits limits = {}) {
  Http1ResponseParser parser(head_request, limits);
  return feed_split(parser, c, bytes, {});
}

const char kChunked[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/event-stream\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n"
    "b\r\ndata: one\n\n\r\n"
    "B;ext=1;other\r\ndata: two\n\n\r\n"
    "0000e \r\ndata: [DONE]\n\n\r\n"
    "0\r\n"
    "X-Trailer: dropped\r\n"
    "\r\n";

}  // namespace

TEST_CASE("http1 parser: a Content-Length response gives head, body and keep-alive") {
  Collector c;
  std::string text = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Id: abc\r\n\r\nhello";
  Outcome o = parse(text, c);
  CHECK(o.status == Status::kComplete);
  CHECK(o.consumed == text.size());
  CHECK(o.keep_alive);
  CHECK(c.heads == 1);
  CHECK(c.head.status == 200);
  CHECK(header_value(c.head.headers, "x-id") == std::optional<std::string>("abc"));
  CHECK(c.body == "hello");
}

TEST_CASE("http1 parser: every split point gives the same head and body") {
  const std::string responses[] = {
      "HTTP/1.1 404 Not Found\r\nContent-Length: 11\r\nX-A:  spaced  \r\n\r\n{\"e\":\"no\"}\n",
      kChunked,
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nX-Fold: one\r\n  two\r\n\tthree\r\nContent-Length: 1\r\n\r\nz",
      "HTTP/1.1 200 OK\nContent-Length: 3\n\nabc",  // bare LF line ends
  };
  for (const std::string& text : responses) {
    Collector whole;
    Outcome expected = parse(text, whole);
    REQUIRE_MESSAGE(expected.status == Status::kComplete, expected.error);
    for (size_t cut = 1; cut < text.size(); ++cut) {
      for (size_t second = cut; second <= text.size(); second += 7) {
        Collector c;
        Http1ResponseParser parser;
        Outcome o = feed_split(parser, c, text, {cut, second});
        CAPTURE(text);
        CAPTURE(cut);
        CAPTURE(second);
        REQUIRE(o.status == Status::kComplete);
        CHECK(o.consumed == text.size());
        CHECK(c.heads == 1);
        CHECK(c.head.status == whole.head.status);
        CHECK(c.head.headers == whole.head.headers);
        CHECK(c.body == whole.body);
      }
    }
    // One byte at a time.
    std::vector<size_t> every_byte;
    for (size_t i = 1; i < text.size(); ++i) every_byte.push_back(i);
    Collector c;
    Http1ResponseParser parser;
    Outcome o = feed_split(parser, c, text, every_byte);
    CHECK(o.status == Status::kComplete);
    CHECK(c.body == whole.body);
    CHECK(c.head.headers == whole.head.headers);
  }
}

TEST_CASE("http1 parser: chunked bodies are de-chunked, extensions and trailers dropped") {
  Collector c;
  Outcome o = parse(kChunked, c);
  CHECK(o.status == Status::kComplete);
  CHECK(o.keep_alive);
  CHECK(c.body == "data: one\n\ndata: two\n\ndata: [DONE]\n\n");
  CHECK(c.pieces.size() == 3);
  CHECK(c.body.find("X-Trailer") == std::string::npos);
}

TEST_CASE("http1 parser: body bytes are handed over before the response ends") {
  Collector c;
  Http1ResponseParser parser;
  std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  CHECK(parser.feed(head, c).status == Status::kNeedMore);
  CHECK(c.heads == 1);
  CHECK(parser.head_complete());
  // Half of a chunk: its bytes arrive at once, without waiting for the rest of the chunk.
  CHECK(parser.feed("10\r\n01234567", c).status == Status::kNeedMore);
  CHECK(c.body == "01234567");
  CHECK(parser.feed("89abcdef\r\n", c).status == Status::kNeedMore);
  CHECK(c.body == "0123456789abcdef");
  CHECK(parser.feed("0\r\n\r\n", c).status == Status::kComplete);
  CHECK(parser.complete());
}

TEST_CASE("http1 parser: malformed chunk framing is an error naming the problem") {
  struct Row {
    const char* body;
    const char* error_part;
  };
  const Row rows[] = {
      {"zz\r\n", "no hexadecimal size"},
      {"\r\n", "no hexadecimal size"},
      {"5 x\r\nhello\r\n0\r\n\r\n", "unexpected character after the size"},
      {"5\r\nhelloXX0\r\n\r\n", "not followed by CRLF"},
      {"5\r\nhello\rX", "not followed by CRLF"},
      {"1000000000000000\r\n", "too large"},  // 2^60
      {"ffffffffffffffffffff\r\n", "too large"},
  };
  for (const Row& row : rows) {
    Collector c;
    std::string text =
        std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") + row.body;
    Outcome o = parse(text, c);
    CAPTURE(row.body);
    CHECK(o.status == Status::kError);
    CHECK(o.error.find(row.error_part) != std::string::npos);
  }
  // A huge size with leading zeros is still only its value.
  Collector c;
  Outcome o = parse(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
      "chunked\r\n\r\n00000000000000000003\r\nabc\r\n0\r\n\r\n",
      c);
  CHECK(o.status == Status::kComplete);
  CHECK(c.body == "abc");
}

TEST_CASE("http1 parser: a chunk size line longer than the limit is refused") {
  Collector c;
  std::string text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;" +
                     std::string(Http1ResponseParser::kMaxChunkLine, 'e');
  Outcome o = parse(text, c);
  CHECK(o.status == Status::kError);
  CHECK(o.error.find("chunk size line") != std::string::npos);
}

TEST_CASE("http1 parser: Content-Length must be one non-negative number") {
  struct Row {
    const char* headers;
    bool ok;
    const char* error_part;
  };
  const Row rows[] = {
      {"Content-Length: -1\r\n", false, "not a non-negative decimal"},
      {"Content-Length: +3\r\n", false, "not a non-negative decimal"},
      {"Content-Length: 3x\r\n", false, "not a non-negative decimal"},
      {"Content-Length: 0x3\r\n", false, "not a non-negative decimal"},
      {"Content-Length: 1 2\r\n", false, "not a non-negative decimal"},
      {"Content-Length: 3\r\nContent-Length: 4\r\n", false, "conflicting"},
      {"Content-Length: 3, 4\r\n", false, "conflicting"},
      {"Content-Length: 99999999999999999999\r\n", false, "too large"},
      {"Content-Length: 3\r\nContent-Length: 3\r\n", true, ""},
      {"Content-Length: 3, 3\r\n", true, ""},
      {"Content-Length:3\r\n", true, ""},
  };
  for (const Row& row : rows) {
    Collector c;
    Outcome o = parse(std::string("HTTP/1.1 200 OK\r\n") + row.headers + "\r\nabc", c);
    CAPTURE(row.headers);
    if (row.ok) {
      CHECK(o.status == Status::kComplete);
      CHECK(c.body == "abc");
    } else {
      CHECK(o.status == Status::kError);
      CHECK(o.error.find(row.error_part) != std::string::npos);
      CHECK(c.heads == 0);
    }
  }
}

TEST_CASE("http1 parser: Transfer-Encoding chunked wins over Content-Length, without reuse") {
  Collector c;
  Outcome o = parse(
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n0\r\n\r\n",
      c);
  CHECK(o.status == Status::kComplete);
  CHECK(c.body == "abc");
  CHECK_FALSE(o.keep_alive);
}

TEST_CASE("http1 parser: transfer codings other than chunked are refused") {
  for (const char* te :
       {"gzip", "gzip, chunked", "chunked, gzip", "chunked\r\nTransfer-Encoding: chunked"}) {
    Collector c;
    Outcome o =
        parse(std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: ") + te + "\r\n\r\n0\r\n\r\n", c);
    CAPTURE(te);
    CHECK(o.status == Status::kError);
    CHECK(o.error.find("Transfer-Encoding") != std::string::npos);
  }
  Collector c;
  CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\nContent-Length: 1\r\n\r\nx", c)
            .status == Status::kComplete);
}

TEST_CASE("http1 parser: without framing the body runs until the connection closes") {
  Collector c;
  Http1ResponseParser parser;
  CHECK(parser.feed("HTTP/1.1 200 OK\r\n\r\nsome", c).status == Status::kNeedMore);
  CHECK(parser.feed(" more", c).status == Status::kNeedMore);
  CHECK(parser.finish_at_eof());
  CHECK(parser.complete());
  CHECK_FALSE(parser.keep_alive());
  CHECK(c.body == "some more");
}

TEST_CASE("http1 parser: a connection closed early leaves the response truncated") {
  const char* cut_short[] = {
      "",
      "HTTP/1.1 200 OK\r\nContent-Le",
      "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
  };
  for (const char* text : cut_short) {
    Collector c;
    Http1ResponseParser parser;
    CHECK(parser.feed(text, c).status == Status::kNeedMore);
    CAPTURE(text);
    CHECK_FALSE(parser.finish_at_eof());
    CHECK_FALSE(parser.complete());
  }
}

TEST_CASE("http1 parser: HEAD, 204 and 304 responses have no body whatever their headers say") {
  Collector head;
  std::string text = "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n";
  Outcome o = parse(text + "HTTP/1.1 200 OK\r\n", head, /*head_request=*/true);
  CHECK(o.status == Status::kComplete);
  CHECK(o.consumed == text.size());  // the next bytes are not this response's
  CHECK(o.keep_alive);
  CHECK(head.heads == 1);
  CHECK(head.body.empty());
  for (const char* status : {"204 No Content", "304 Not Modified"}) {
    Collector c;
    std::string response = std::string("HTTP/1.1 ") + status +
                           "\r\nTransfer-Encoding: chunked\r\nContent-Length: 9\r\n\r\n";
    o = parse(response, c);
    CHECK(o.status == Status::kComplete);
    CHECK(o.consumed == response.size());
    CHECK(c.heads == 1);
    CHECK(c.pieces.empty());
  }
}

TEST_CASE("http1 parser: interim 1xx responses are skipped; 101 is an error") {
  Collector c;
  Outcome o = parse(
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
      c);
  CHECK(o.status == Status::kComplete);
  CHECK(c.heads == 1);
  CHECK(c.head.status == 200);
  CHECK_FALSE(header_value(c.head.headers, "Link").has_value());
  CHECK(c.body == "ok");

  Collector upgrade;
  o = parse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", upgrade);
  CHECK(o.status == Status::kError);
  CHECK(o.error.find("101") != std::string::npos);
  CHECK(upgrade.heads == 0);
}

TEST_CASE("http1 parser: a garbage status line is an error before any callback") {
  const char* lines[] = {
      "SSH-2.0-OpenSSH_9.2\r\n", "<html>\r\n",          "HTTP/2 200\r\n",
      "HTTP/2.0 200 OK\r\n",     "HTTP/1.1 20 OK\r\n",  "HTTP/1.1 2000 OK\r\n",
      "HTTP/1.1  200 OK\r\n",    "HTTP/1.1 099 X\r\n",  "HTTP/1.1 200 O\x01K\r\n",
      "http/1.1 200 OK\r\n",     "HTTP/1.1 abc OK\r\n",
  };
  for (const char* line : lines) {
    Collector c;
    Outcome o = parse(std::string(line) + "Content-Length: 0\r\n\r\n", c);
    CAPTURE(line);
    CHECK(o.status == Status::kError);
    CHECK(o.error.find("status line") != std::string::npos);
    CHECK(c.heads == 0);
  }
  Collector ok;
  CHECK(parse("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", ok).status == Status::kComplete);
  CHECK(ok.head.status == 200);
}

TEST_CASE("http1 parser: malformed header lines are errors that never quote values") {
  struct Row {
    const char* line;
    const char* error_part;
  };
  const Row rows[] = {
      {"NoColonHere\r\n", "no colon"},
      {"Name : value\r\n", "whitespace between the header name and the colon"},
      {": value\r\n", "empty header name"},
      {"Bad(Name): value\r\n", "invalid character in a header name"},
      {"Authorization: sk-secret\x01more\r\n",
       "control character in the value of header Authorization"},
      {"X-Thing: a\rb\r\n", "control character"},
      {" folded-first: x\r\n", "folded header line comes before any header"},
  };
  for (const Row& row : rows) {
    Collector c;
    Outcome o =
        parse(std::string("HTTP/1.1 200 OK\r\n") + row.line + "Content-Length: 0\r\n\r\n", c);
    CAPTURE(row.line);
    CHECK(o.status == Status::kError);
    CHECK(o.error.find(row.error_part) != std::string::npos);
    CHECK(o.error.find("sk-secret") == std::string::npos);
    CHECK(c.heads == 0);
  }
}

TEST_CASE("http1 parser: obsolete line folding joins the value with a space") {
  Collector c;
  Outcome o = parse(
      "HTTP/1.1 200 OK\r\nX-Long: first\r\n   second\r\n\tthird\r\nContent-Length: 0\r\n\r\n", c);
  CHECK(o.status == Status::kComplete);
  CHECK(header_value(c.head.headers, "X-Long") == std::optional<std::string>("first second third"));
}

TEST_CASE("http1 parser: head size and header count are limited") {
  Http1ParserLimits limits;
  limits.max_head_bytes = 200;
  limits.max_headers = 5;
  Collector big;
  Outcome o =
      parse("HTTP/1.1 200 OK\r\nX-Big: " + std::string(300, 'a') + "\r\n\r\n", big, false, limits);
  CHECK(o.status == Status::kError);
  CHECK(o.error.find("larger than 200 bytes") != std::string::npos);

  // The limit counts interim heads too, so endless 100 Continues cannot run forever.
  Collector interim;
  std::string many;
  for (int i = 0; i < 20; ++i) many += "HTTP/1.1 100 Continue\r\n\r\n";
  o = parse(many, interim, false, limits);
  CHECK(o.status == Status::kError);

  Collector counted;
  std::string headers;
  for (int i = 0; i < 6; ++i) headers += "X-" + std::to_string(i) + ": v\r\n";
  o = parse("HTTP/1.1 200 OK\r\n" + headers + "\r\n", counted, false, limits);
  CHECK(o.status == Status::kError);
  CHECK(o.error.find("more than 5 headers") != std::string::npos);

  Collector trailers;
  std::string trailer_lines;
  for (int i = 0; i < 6; ++i) trailer_lines += "T: v\r\n";
  o = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + trailer_lines + "\r\n",
            trailers, false, limits);
  CHECK(o.status == Status::kError);
  CHECK(o.error.find("trailer") != std::string::npos);
}

TEST_CASE("http1 parser: Connection: close and HTTP/1.0 responses are not kept alive") {
  Collector a;
  CHECK_FALSE(
      parse("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n", a).keep_alive);
  Collector b;
  CHECK_FALSE(parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", b)
                  .keep_alive);
  Collector d;
  CHECK(parse("HTTP/1.1 200 OK\r\nConnection: keep-alive, Upgrade\r\nContent-Length: 0\r\n\r\n", d)
            .keep_alive);
}

TEST_CASE("http1 parser: a handler that returns false stops the parse") {
  Collector refuse;
  refuse.accept_head = false;
  Outcome o = parse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", refuse);
  CHECK(o.status == Status::kStopped);
  CHECK(refuse.heads == 1);
  CHECK(refuse.body.empty());

  Collector enough;
  enough.stop_after_body_bytes = 3;
  Http1ResponseParser parser;
  o = feed_split(parser, enough, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabcdef", {41});
  CHECK(o.status == Status::kStopped);
  CHECK(enough.body == "abc");
  CHECK(parser.feed("more", enough).status == Status::kStopped);  // takes nothing after
}

TEST_CASE("http1 parser: bytes after a complete response are not consumed") {
  Collector c;
  std::string first = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  Http1ResponseParser parser;
  Http1ResponseParser::Progress p = parser.feed(first + "HTTP/1.1 500 Oops\r\n", c);
  CHECK(p.status == Status::kComplete);
  CHECK(p.consumed == first.size());
  CHECK(c.heads == 1);
  CHECK(parser.feed("more", c).consumed == 0);
}
