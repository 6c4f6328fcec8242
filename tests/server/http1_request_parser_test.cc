// Http1RequestParser without sockets: every request is also fed split at every byte boundary,
// and the smuggling cases (framing two parsers could read differently) must be refused.
#include "lib/server/http1_request_parser.h"

#include <doctest/doctest.h>

#include <random>
#include <vector>

using namespace understudy;
using Result = Http1RequestParser::Result;

namespace {

struct Parsed {
  Result result = Result::kNeedMore;
  Http1RequestHead head;
  std::string body;
  Http1Error error;
  bool head_seen = false;         // kHeadComplete was reported
  bool body_before_head = false;  // a body byte was consumed before kHeadComplete
  std::size_t consumed = 0;       // bytes of the input that belong to this request
};

// Feeds `pieces` in order the way the listener does: after kHeadComplete it feeds the rest
// of the same piece (possibly empty); it stops at kComplete or kError.
Parsed parse_pieces(const std::vector<std::string>& pieces, Http1Limits limits = {}) {
  Http1RequestParser p(limits);
  Parsed out;
  for (const std::string& piece : pieces) {
    std::size_t off = 0;
    while (true) {
      std::size_t used = 0;
      Result r = p.feed(std::string_view(piece).substr(off), used);
      off += used;
      out.consumed += used;
      if (r == Result::kHeadComplete) {
        out.head_seen = true;
        out.body_before_head = !p.body().empty();
        continue;
      }
      if (r == Result::kNeedMore) {
        CHECK(off == piece.size());
        break;
      }
      out.result = r;
      out.head = p.head();
      out.body = p.body();
      out.error = p.error();
      return out;
    }
  }
  out.result = Result::kNeedMore;
  return out;
}

Parsed parse(const std::string& text, Http1Limits limits = {}) {
  return parse_pieces({text}, limits);
}

// The same result for the whole text, for every split into two pieces, and byte by byte.
void check_every_split(const std::string& text, const Parsed& whole, Http1Limits limits = {}) {
  std::vector<std::string> bytes;
  for (char c : text) bytes.emplace_back(1, c);
  std::vector<std::vector<std::string>> ways = {bytes};
  for (std::size_t i = 1; i < text.size(); ++i) {
    ways.push_back({text.substr(0, i), text.substr(i)});
  }
  for (const auto& pieces : ways) {
    Parsed p = parse_pieces(pieces, limits);
    CAPTURE(pieces.size());
    CAPTURE(pieces[0].size());
    CHECK(p.result == whole.result);
    CHECK(p.error.status == whole.error.status);
    CHECK(p.body == whole.body);
    CHECK(p.head.path == whole.head.path);
    CHECK(p.head.headers == whole.head.headers);
    CHECK(p.consumed == whole.consumed);
    CHECK_FALSE(p.body_before_head);
  }
}

int status_of(const std::string& text, Http1Limits limits = {}) {
  Parsed p = parse(text, limits);
  return p.result == Result::kError ? p.error.status : (p.result == Result::kComplete ? 200 : 0);
}

}  // namespace

TEST_CASE("http1 parser: a GET head gives method, path, version and headers as sent") {
  Parsed p = parse("GET /v1/models?limit=2 HTTP/1.1\r\nHost: x\r\nX-Request-ID:  abc \r\n\r\n");
  REQUIRE(p.result == Result::kComplete);
  CHECK(p.head_seen);
  CHECK(p.head.method == "GET");
  CHECK(p.head.target == "/v1/models?limit=2");
  CHECK(p.head.path == "/v1/models");
  CHECK(p.head.minor_version == 1);
  CHECK(p.head.keep_alive);
  CHECK(p.head.framing == BodyFraming::kNone);
  REQUIRE(p.head.headers.size() == 2);
  CHECK(p.head.headers[1].first == "X-Request-ID");
  CHECK(p.head.headers[1].second == "abc");
  CHECK(p.body.empty());
}

TEST_CASE("http1 parser: a Content-Length body split at every byte boundary parses the same") {
  std::string text =
      "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world";
  Parsed whole = parse(text);
  REQUIRE(whole.result == Result::kComplete);
  CHECK(whole.body == "hello world");
  CHECK(whole.head.framing == BodyFraming::kContentLength);
  CHECK(whole.head.content_length == 11);
  check_every_split(text, whole);
}

TEST_CASE("http1 parser: a chunked body with extensions and trailers, split anywhere") {
  std::string text =
      "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
  Parsed whole = parse(text);
  REQUIRE(whole.result == Result::kComplete);
  CHECK(whole.body == "hello world");
  CHECK(whole.head.framing == BodyFraming::kChunked);
  CHECK(whole.consumed == text.size());
  check_every_split(text, whole);
}

TEST_CASE("http1 parser: pipelined requests end where the first one ends") {
  std::string first = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none";
  std::string second = "GET /b HTTP/1.1\r\nHost: x\r\n\r\n";
  Http1RequestParser p;
  std::string both = first + second;
  std::size_t used = 0;
  REQUIRE(p.feed(both, used) == Result::kHeadComplete);
  std::size_t more = 0;
  REQUIRE(p.feed(std::string_view(both).substr(used), more) == Result::kComplete);
  CHECK(used + more == first.size());
  CHECK(p.body() == "one");
  p.reset();
  CHECK_FALSE(p.started());
  std::string_view rest = std::string_view(both).substr(first.size());
  REQUIRE(p.feed(rest, used) == Result::kHeadComplete);
  REQUIRE(p.feed(rest.substr(used), more) == Result::kComplete);
  CHECK(p.head().path == "/b");
  CHECK(p.body().empty());
}

TEST_CASE("http1 parser: keep-alive follows the HTTP version and the Connection header") {
  CHECK(parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n").head.keep_alive);
  CHECK_FALSE(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").head.keep_alive);
  CHECK_FALSE(
      parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, CLOSE\r\n\r\n").head.keep_alive);
  CHECK_FALSE(parse("GET / HTTP/1.0\r\n\r\n").head.keep_alive);
  Parsed ten = parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
  CHECK(ten.result == Result::kComplete);
  CHECK(ten.head.minor_version == 0);
  CHECK(ten.head.keep_alive);
}

TEST_CASE("http1 parser: Expect 100-continue is reported for HTTP/1.1 requests with a body") {
  CHECK(parse("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\na")
            .head.expect_continue);
  CHECK_FALSE(parse("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n")
                  .head.expect_continue);  // no body to wait for
  CHECK_FALSE(parse("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\na")
                  .head.expect_continue);  // RFC 9110: ignored in HTTP/1.0
}

TEST_CASE("http1 parser: a declared body above the limit is refused with 413 at the head") {
  Http1Limits limits;
  limits.max_body_bytes = 10;
  Http1RequestParser p(limits);
  std::size_t used = 0;
  std::string head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n";
  REQUIRE(p.feed(head + "01234567890", used) == Result::kError);
  CHECK(p.error().status == 413);
  CHECK(used == head.size());  // not one body byte read
  CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789", limits) ==
        200);
  CHECK(
      status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n") ==
      413);
}

TEST_CASE("http1 parser: a huge declared length under a huge limit reserves no memory up front") {
  // A head alone must not make the connection thread allocate what it declares: with a large
  // configured limit that allocation can fail, and an exception would end the process.
  Http1Limits limits;
  limits.max_body_bytes = std::size_t{1} << 61;
  Http1RequestParser p(limits);
  std::size_t used = 0;
  Result r = Result::kNeedMore;
  CHECK_NOTHROW(r = p.feed("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2305843009213693952"
                           "\r\n\r\n",
                           used));
  CHECK(r == Result::kHeadComplete);
  CHECK(p.body().capacity() < (std::size_t{1} << 30));
}

TEST_CASE("http1 parser: a chunked body is cut off with 413 at the chunk that crosses the limit") {
  Http1Limits limits;
  limits.max_body_bytes = 8;
  std::string head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  CHECK(status_of(head + "4\r\nabcd\r\n4\r\nefgh\r\n0\r\n\r\n", limits) == 200);
  Parsed over = parse(head + "4\r\nabcd\r\n5\r\nefghi\r\n0\r\n\r\n", limits);
  CHECK(over.result == Result::kError);
  CHECK(over.error.status == 413);
  CHECK(status_of(head + "fffffffffffffffffffff\r\n", limits) == 413);
  CHECK(status_of(head + "00000004\r\nabcd\r\n0\r\n\r\n", limits) == 200);  // leading zeros
}

TEST_CASE("http1 parser: Content-Length together with Transfer-Encoding is refused") {
  CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                  "Content-Length: 3\r\n\r\n0\r\n\r\n") == 400);
}

TEST_CASE("http1 parser: Content-Length values must agree and be plain digits") {
  std::string head = "POST / HTTP/1.1\r\nHost: x\r\n";
  CHECK(status_of(head + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc") == 200);
  CHECK(status_of(head + "Content-Length: 3, 3\r\n\r\nabc") == 200);
  CHECK(status_of(head + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") == 400);
  CHECK(status_of(head + "Content-Length: 3, 4\r\n\r\nabcd") == 400);
  for (const char* bad : {"+3", "-1", "0x3", "3 3", "3a", "", " , "}) {
    CAPTURE(bad);
    CHECK(status_of(head + "Content-Length: " + bad + "\r\n\r\nabc") == 400);
  }
}

TEST_CASE("http1 parser: Transfer-Encoding must be exactly chunked") {
  std::string head = "POST / HTTP/1.1\r\nHost: x\r\n";
  std::string body = "\r\n\r\n1\r\na\r\n0\r\n\r\n";
  CHECK(status_of(head + "Transfer-Encoding: Chunked" + body) == 200);
  CHECK(status_of(head + "Transfer-Encoding: gzip, chunked" + body) == 501);
  CHECK(status_of(head + "Transfer-Encoding: gzip" + body) == 400);  // chunked is not last
  CHECK(status_of(head + "Transfer-Encoding: chunked, gzip" + body) == 400);
  CHECK(status_of(head + "Transfer-Encoding: chunked, chunked" + body) == 400);
  CHECK(status_of(head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked" + body) == 400);
  CHECK(status_of(head + "Transfer-Encoding: xchunked" + body) == 400);
  CHECK(status_of(head + "Transfer-Encoding: " + body) == 400);
  CHECK(status_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked" + body) == 400);
}

TEST_CASE("http1 parser: bare LF line ends are refused in the head and in chunked framing") {
  CHECK(status_of("GET / HTTP/1.1\nHost: x\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: x\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\n\n") == 400);
  std::string head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  CHECK(status_of(head + "1\na\r\n0\r\n\r\n") == 400);
  CHECK(status_of(head + "1\r\na\n0\r\n\r\n") == 400);
  CHECK(status_of(head + "1\r\na\r\n0\r\n\n") == 400);
}

TEST_CASE("http1 parser: malformed header lines are refused") {
  std::string line = "GET / HTTP/1.1\r\nHost: x\r\n";
  CHECK(status_of(line + "X-A: 1\r\n  folded\r\n\r\n") == 400);  // obs-fold
  CHECK(status_of(line + "X-A: 1\r\n\tfolded\r\n\r\n") == 400);
  CHECK(status_of(line + "Content-Length : 0\r\n\r\n") == 400);  // space before the colon
  CHECK(status_of(line + "X-A 1\r\n\r\n") == 400);               // no colon
  CHECK(status_of(line + ": 1\r\n\r\n") == 400);                 // empty name
  CHECK(status_of(line + "X-A: a\rb\r\n\r\n") == 400);           // CR inside a value
  CHECK(status_of(line + std::string("X-A: a\0b\r\n\r\n", 11)) == 400);
  CHECK(status_of(line + "X-A: caf\xc3\xa9\r\n\r\n") == 200);  // obs-text is allowed
}

TEST_CASE("http1 parser: malformed request lines are 400, other HTTP versions 505") {
  CHECK(status_of("GET /\r\nHost: x\r\n\r\n") == 400);
  CHECK(status_of("GET  / HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1 x\r\nHost: x\r\n\r\n") == 400);
  CHECK(status_of("GET / http/1.1\r\nHost: x\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.10\r\nHost: x\r\n\r\n") == 400);
  CHECK(status_of("G(T / HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
  CHECK(status_of("GET nothing HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
  CHECK(status_of("GET /a\x7f HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/2.0\r\nHost: x\r\n\r\n") == 505);
  CHECK(status_of("GET / HTTP/0.9\r\nHost: x\r\n\r\n") == 505);
}

TEST_CASE("http1 parser: HTTP/1.1 needs exactly one Host header") {
  CHECK(status_of("GET / HTTP/1.1\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.0\r\n\r\n") == 200);
}

TEST_CASE("http1 parser: absolute-form and asterisk-form targets, leading empty lines") {
  CHECK(parse("GET http://h:1/v1/models?x HTTP/1.1\r\nHost: h\r\n\r\n").head.path == "/v1/models");
  CHECK(parse("GET HTTP://h HTTP/1.1\r\nHost: h\r\n\r\n").head.path == "/");
  CHECK(status_of("GET ftp://h/a HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
  CHECK(parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").head.path == "*");
  Parsed p = parse("\r\n\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n");
  CHECK(p.result == Result::kComplete);
  CHECK(p.head.path == "/after");
}

TEST_CASE("http1 parser: the head limits give 414 and 431") {
  Http1Limits limits;
  limits.max_request_line = 64;
  limits.max_head_bytes = 200;
  limits.max_headers = 3;
  CHECK(status_of("GET /" + std::string(70, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", limits) == 414);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: " + std::string(200, 'a') + "\r\n\r\n",
                  limits) == 431);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits) == 431);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\n\r\n", limits) == 200);
  // A line that never ends is refused as soon as it crosses the limit, not buffered forever.
  Parsed endless =
      parse_pieces({"GET / HTTP/1.1\r\nHost: x\r\nX-A: ", std::string(300, 'a')}, limits);
  CHECK(endless.result == Result::kError);
  CHECK(endless.error.status == 431);
}

TEST_CASE("http1 parser: malformed chunked framing is refused") {
  std::string head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  CHECK(status_of(head + "g\r\n") == 400);
  CHECK(status_of(head + "\r\n") == 400);
  CHECK(status_of(head + "-1\r\n") == 400);
  CHECK(status_of(head + "1 x\r\na\r\n0\r\n\r\n") == 400);
  CHECK(status_of(head + "1\r\nab\r\n0\r\n\r\n") == 400);  // data longer than its size
  CHECK(status_of(head + "1\r\na\r\n0\r\nbad trailer\r\n\r\n") == 400);
}

TEST_CASE("http1 parser: after an error nothing more is consumed") {
  Http1RequestParser p;
  std::size_t used = 0;
  REQUIRE(p.feed("GET / HTTP/9.9\r\n", used) == Result::kError);
  CHECK(p.error().status == 505);
  CHECK(p.feed("more", used) == Result::kError);
  CHECK(used == 0);
  p.reset();
  REQUIRE(p.feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n", used) == Result::kHeadComplete);
}

TEST_CASE("http1 parser: paths are percent-decoded, invalid escapes kept") {
  CHECK(percent_decode_path("/v1/models/a%2Fb") == "/v1/models/a/b");
  CHECK(percent_decode_path("/a%zz%4") == "/a%zz%4");
  CHECK(percent_decode_path("/a+b%20c") == "/a+b c");
  CHECK(parse("GET /v1/models/openrouter%2Fx%3A1?q=%2F HTTP/1.1\r\nHost: x\r\n\r\n").head.path ==
        "/v1/models/openrouter/x:1");
}

TEST_CASE("http1 parser: mutated requests get the same verdict whole and in random pieces") {
  // A seeded mutation run: whatever the bytes, feeding them in pieces must not change the
  // outcome (the split-at-every-boundary cases above, over inputs nobody wrote by hand).
  std::mt19937 rng(7);
  const std::string seeds[] = {
      "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world",
      "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n"
      "6\r\n world\r\n0\r\nT: t\r\n\r\n",
      "GET /v1/models/a%2Fb?x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"};
  const std::string alphabet = std::string("\r\n :;,0129afAF%/\t\x7f", 19) + '\0';
  for (int i = 0; i < 3000; ++i) {
    std::string text = seeds[rng() % 3];
    for (int m = static_cast<int>(rng() % 4); m > 0 && !text.empty(); --m) {
      std::size_t pos = rng() % text.size();
      char c = alphabet[rng() % alphabet.size()];
      if (rng() % 2)
        text[pos] = c;
      else
        text.insert(pos, 1, c);
    }
    Http1Limits limits;
    limits.max_body_bytes = 8 + rng() % 20;
    limits.max_head_bytes = 60 + rng() % 100;
    std::vector<std::string> pieces;
    for (std::size_t off = 0; off < text.size();) {
      std::size_t n = std::min<std::size_t>(text.size() - off, 1 + rng() % 6);
      pieces.push_back(text.substr(off, n));
      off += n;
    }
    Parsed whole = parse(text, limits);
    Parsed split = parse_pieces(pieces, limits);
    CAPTURE(text);
    REQUIRE(split.result == whole.result);
    REQUIRE(split.error.status == whole.error.status);
    REQUIRE(split.body == whole.body);
    if (whole.result == Result::kComplete) REQUIRE(split.consumed == whole.consumed);
  }
}
