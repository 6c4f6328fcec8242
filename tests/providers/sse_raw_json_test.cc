// SseParser: JSON values sent without "data:" (Gemini's unprefixed error bodies).
#include <doctest/doctest.h>

#include "lib/providers/sse.h"

using namespace understudy;

namespace {

std::vector<std::string> data_of(const std::string& body, size_t step) {
  SseParser parser;
  std::vector<SseEvent> events;
  for (size_t i = 0; i < body.size(); i += step) parser.feed(body.substr(i, step), events);
  parser.finish(events);
  std::vector<std::string> out;
  for (const SseEvent& e : events) out.push_back(e.data);
  return out;
}

}  // namespace

TEST_CASE("sse: a pretty-printed JSON value without data: is one event") {
  std::string body =
      "data: {\"a\":1}\r\n\r\n"
      "{\r\n  \"error\": {\r\n    \"message\": \"odd } and { and \\\" inside\",\r\n"
      "    \"details\": [\r\n      {}\r\n    ]\r\n  }\r\n}\r\n"
      "data: {\"b\":2}\r\n\r\n";
  std::vector<std::string> expected = {
      "{\"a\":1}",
      "{\n  \"error\": {\n    \"message\": \"odd } and { and \\\" inside\",\n    \"details\": [\n"
      "      {}\n    ]\n  }\n}",
      "{\"b\":2}"};
  for (size_t step : {1, 2, 3, 1000}) {
    CAPTURE(step);
    CHECK(data_of(body, step) == expected);
  }
}

TEST_CASE("sse: a bare JSON line right after data lines is an event of its own") {
  CHECK(data_of("data: x\n{\"error\":{}}\n", 1) == std::vector<std::string>{"x", "{\"error\":{}}"});
  CHECK(data_of("[{\"error\": {\"code\": 500}}]\n\n", 4) ==
        std::vector<std::string>{"[{\"error\": {\"code\": 500}}]"});
}

TEST_CASE("sse: an unbalanced bare JSON value ends at a blank line or the end of the body") {
  CHECK(data_of("{\"error\": {\n\ndata: ok\n\n", 1) ==
        std::vector<std::string>{"{\"error\": {", "ok"});
  CHECK(data_of("{\"error\": {\n  \"code\": 1", 1) ==
        std::vector<std::string>{"{\"error\": {\n  \"code\": 1"});
}
