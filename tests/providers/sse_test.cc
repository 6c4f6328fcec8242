// SseParser: line ends, splits across reads, fields, comments and finish()
// (lib/providers/sse.h, wire-formats §1.1).
#include "lib/providers/sse.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

using namespace understudy;

namespace {

using Events = std::vector<std::pair<std::string, std::string>>;  // (event, data)

Events flatten(const std::vector<SseEvent>& events) {
  Events out;
  for (const SseEvent& e : events) out.push_back({e.event, e.data});
  return out;
}

Events parse_whole(std::string_view bytes, bool finish = true) {
  SseParser p;
  std::vector<SseEvent> out;
  p.feed(bytes, out);
  if (finish) p.finish(out);
  return flatten(out);
}

Events parse_pieces(const std::vector<std::string_view>& pieces, bool finish = true) {
  SseParser p;
  std::vector<SseEvent> out;
  for (std::string_view piece : pieces) p.feed(piece, out);
  if (finish) p.finish(out);
  return flatten(out);
}

// A stream exercising every rule: comments, event names, multi-line data, all three line
// ends, a bare JSON line, a final unterminated event, and a multi-byte UTF-8 character.
const std::string kMixedStream =
    ": OPENROUTER PROCESSING\n\n"
    "event: message_start\r\ndata: {\"type\":\"message_start\"}\r\n\r\n"
    "data: {\"choices\":[{\"delta\":{\"content\":\"h\xc3\xa9llo\"}}]}\r\r"
    "data: line one\ndata:line two\n: keep-alive\ndata:  indented\n\n"
    "id: 7\nretry: 1000\nevent: ping\n\n"
    "{\"error\":{\"code\":503,\"status\":\"UNAVAILABLE\"}}\r\n\r\n"
    "data: [DONE]";

const Events kMixedExpected = {
    {"message_start", "{\"type\":\"message_start\"}"},
    {"", "{\"choices\":[{\"delta\":{\"content\":\"h\xc3\xa9llo\"}}]}"},
    {"", "line one\nline two\n indented"},
    {"", "{\"error\":{\"code\":503,\"status\":\"UNAVAILABLE\"}}"},
    {"", "[DONE]"},
};

}  // namespace

TEST_CASE("sse: LF, CRLF and CR all end lines and blank lines end events") {
  Events two{{"", "a"}, {"", "b"}};
  CHECK(parse_whole("data: a\n\ndata: b\n\n") == two);
  CHECK(parse_whole("data: a\r\n\r\ndata: b\r\n\r\n") == two);
  CHECK(parse_whole("data: a\r\rdata: b\r\r") == two);
  CHECK(parse_whole("data: a\r\n\ndata: b\n\r\n") == two);
}

TEST_CASE("sse: a CRLF split between two reads is one line end, not two") {
  Events got = parse_pieces({"data: a\r", "\ndata: b\r", "\n\r", "\n"}, /*finish=*/false);
  CHECK(got == Events{{"", "a\nb"}});
}

TEST_CASE("sse: a mixed stream decodes to the expected events") {
  CHECK(parse_whole(kMixedStream) == kMixedExpected);
}

TEST_CASE("sse: any split into two reads gives the same events as one read") {
  for (size_t i = 0; i <= kMixedStream.size(); ++i) {
    std::string_view s(kMixedStream);
    CAPTURE(i);
    REQUIRE(parse_pieces({s.substr(0, i), s.substr(i)}) == kMixedExpected);
  }
}

TEST_CASE("sse: feeding byte by byte gives the same events as one read") {
  SseParser p;
  std::vector<SseEvent> out;
  for (char c : kMixedStream) p.feed(std::string_view(&c, 1), out);
  p.finish(out);
  CHECK(flatten(out) == kMixedExpected);
}

TEST_CASE("sse: events are returned as soon as their blank line arrives") {
  SseParser p;
  std::vector<SseEvent> out;
  p.feed("data: one\n", out);
  CHECK(out.empty());
  p.feed("\ndata: tw", out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].data == "one");
  CHECK(p.pending_bytes() == 8);  // "data: tw"
  p.feed("o\n\n", out);
  REQUIRE(out.size() == 2);
  CHECK(out[1].data == "two");
  CHECK(p.pending_bytes() == 0);
}

TEST_CASE("sse: multi-line data is joined with newlines") {
  CHECK(parse_whole("data: {\ndata: \"a\": 1\ndata: }\n\n") == Events{{"", "{\n\"a\": 1\n}"}});
}

TEST_CASE("sse: exactly one space after the colon is stripped") {
  CHECK(parse_whole("data:x\n\n") == Events{{"", "x"}});
  CHECK(parse_whole("data: x\n\n") == Events{{"", "x"}});
  CHECK(parse_whole("data:  x\n\n") == Events{{"", " x"}});
  CHECK(parse_whole("data: x \n\n") == Events{{"", "x "}});
  CHECK(parse_whole("event:error\ndata:{}\n\n") == Events{{"error", "{}"}});
}

TEST_CASE("sse: comment lines are ignored, also between data lines") {
  CHECK(parse_whole(": OPENROUTER PROCESSING\n\n: keep-alive\n\n").empty());
  CHECK(parse_whole("data: a\n: keep-alive\ndata: b\n\n") == Events{{"", "a\nb"}});
  CHECK(parse_whole(":data: not data\n\n").empty());
}

TEST_CASE("sse: event names apply to their own event only") {
  Events got = parse_whole(
      "event: content_block_delta\ndata: {\"i\":1}\n\n"
      "data: {\"i\":2}\n\n"
      "event: ping\n\n"
      "data: {\"i\":3}\n\n");
  CHECK(got == Events{{"content_block_delta", "{\"i\":1}"}, {"", "{\"i\":2}"}, {"", "{\"i\":3}"}});
}

TEST_CASE("sse: events without data lines are not emitted") {
  CHECK(parse_whole("event: ping\n\n").empty());
  CHECK(parse_whole("id: 1\nretry: 10\n\n").empty());
  CHECK(parse_whole("\n\n\n\n").empty());
}

TEST_CASE("sse: an empty data line still makes an event with empty data") {
  CHECK(parse_whole("data:\n\n") == Events{{"", ""}});
  CHECK(parse_whole("data\n\n") == Events{{"", ""}});
  CHECK(parse_whole("data:\ndata:\n\n") == Events{{"", "\n"}});
}

TEST_CASE("sse: unknown fields, id and retry are ignored") {
  CHECK(parse_whole("id: 42\nfoo: bar\nretry: 3000\ndata: x\n\n") == Events{{"", "x"}});
  CHECK(parse_whole("Data: x\n\n").empty());  // field names are case-sensitive
}

TEST_CASE("sse: a bare JSON value is an event of its own") {
  CHECK(parse_whole("{\"error\":{\"code\":429}}\n\n") ==
        Events{{"", "{\"error\":{\"code\":429}}"}});
  CHECK(parse_whole("[{\"candidates\":[]}\n]\n\n").size() == 1);
  // It ends a pending data: event first rather than being joined to it.
  CHECK(parse_whole("data: a\n{\"b\":1}\n\n") == Events{{"", "a"}, {"", "{\"b\":1}"}});
  // A bare JSON line containing a colon is still data, not a field.
  CHECK(parse_whole("{\"data\": \"x\"}\n\n") == Events{{"", "{\"data\": \"x\"}"}});
}

TEST_CASE("sse: finish() flushes an unterminated final event") {
  CHECK(parse_whole("data: {\"a\":1}") == Events{{"", "{\"a\":1}"}});
  CHECK(parse_whole("data: {\"a\":1}\n") == Events{{"", "{\"a\":1}"}});
  CHECK(parse_whole("data: [DONE]\r") == Events{{"", "[DONE]"}});
  CHECK(parse_whole("data: {\"a\":1}", /*finish=*/false).empty());
}

TEST_CASE("sse: finish() with nothing pending adds nothing, and is idempotent") {
  SseParser p;
  std::vector<SseEvent> out;
  p.feed("data: a\n\n", out);
  p.finish(out);
  p.finish(out);
  CHECK(flatten(out) == Events{{"", "a"}});
}
