// Stream translation: recorded Anthropic event sequences -> the exact OpenAI chunk sequence.
#include "lib/providers/anthropic_stream.h"

#include <doctest/doctest.h>

#include "tests/providers/anthropic_test_support.h"

namespace understudy {
namespace {

using testing::canon;

// The transcript of wire-formats §3.9, with a ping between the blocks.
const char* const kTextStream =
    "event: message_start\n"
    R"(data: {"type":"message_start","message":{"id":"msg_01H8","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":14,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":2,"service_tier":"standard"}}})"
    "\n\n"
    "event: content_block_start\n"
    R"(data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"
    "\n\n"
    "event: ping\n"
    R"(data: {"type":"ping"})"
    "\n\n"
    "event: content_block_delta\n"
    R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello!"}})"
    "\n\n"
    "event: content_block_delta\n"
    R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" How can I help you today?"}})"
    "\n\n"
    "event: content_block_stop\n"
    R"(data: {"type":"content_block_stop","index":0})"
    "\n\n"
    "event: message_delta\n"
    R"(data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":12}})"
    "\n\n"
    "event: message_stop\n"
    R"(data: {"type":"message_stop"})"
    "\n\n";

std::string chunk(const std::string& delta, const std::string& finish = "null") {
  return canon(("{\"id\":\"msg_01H8\",\"object\":\"chat.completion.chunk\",\"created\":0,"
                "\"model\":\"claude-sonnet-4-5-20250929\",\"choices\":[{\"index\":0,\"delta\":" +
                delta + ",\"logprobs\":null,\"finish_reason\":" + finish + "}]}")
                   .c_str());
}

std::string usage_chunk(const std::string& usage) {
  return canon(("{\"id\":\"msg_01H8\",\"object\":\"chat.completion.chunk\",\"created\":0,"
                "\"model\":\"claude-sonnet-4-5-20250929\",\"choices\":[],\"usage\":" +
                usage + "}")
                   .c_str());
}

// Events rendered as comparable lines: chunks as canonical JSON, others by kind.
std::vector<std::string> render(const std::vector<StreamEvent>& events) {
  std::vector<std::string> out;
  for (const StreamEvent& e : events) {
    switch (e.kind) {
      case StreamEvent::Kind::kChunk:
        out.push_back(canon(e.chunk));
        break;
      case StreamEvent::Kind::kEnd:
        out.push_back("END " + e.note);
        break;
      case StreamEvent::Kind::kSkipped:
        out.push_back("SKIPPED");
        break;
      case StreamEvent::Kind::kFailure:
        out.push_back(std::string("FAILURE ") + failure_class_name(e.failure.cls));
        break;
    }
  }
  return out;
}

// Feeds `bytes` in pieces of `step` bytes (0 = all at once), then finishes.
std::vector<StreamEvent> decode_events(const std::string& bytes, size_t step = 0) {
  ProviderConfig p = testing::anthropic_provider();
  auto decoder = anthropic_adapter().new_stream_decoder(testing::anthropic_target(p, "claude-x"));
  std::vector<StreamEvent> events;
  if (step == 0) step = bytes.size() + 1;
  for (size_t i = 0; i < bytes.size(); i += step) decoder->feed(bytes.substr(i, step), events);
  decoder->finish(events);
  return events;
}

std::vector<std::string> decode(const std::string& bytes, size_t step = 0) {
  return render(decode_events(bytes, step));
}

const std::string kTextUsage = R"({"prompt_tokens":14,"completion_tokens":12,"total_tokens":26,
  "prompt_tokens_details":{"cached_tokens":0,"cache_write_tokens":0},
  "completion_tokens_details":{"reasoning_tokens":0}})";

std::vector<std::string> expected_text_chunks() {
  return {chunk(R"({"role":"assistant","content":""})"),
          chunk(R"({"content":"Hello!"})"),
          chunk(R"({"content":" How can I help you today?"})"),
          chunk("{}", "\"stop\""),
          usage_chunk(kTextUsage),
          "END "};
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

TEST_CASE("anthropic stream: a text message becomes role, content, finish and usage chunks") {
  CHECK(decode(kTextStream) == expected_text_chunks());
}

TEST_CASE("anthropic stream: any split of the bytes gives the same chunks") {
  CHECK(decode(kTextStream, 1) == expected_text_chunks());
  CHECK(decode(kTextStream, 7) == expected_text_chunks());
  CHECK(decode(kTextStream, 64) == expected_text_chunks());
}

TEST_CASE("anthropic stream: CRLF and CR line ends") {
  CHECK(decode(replace_all(kTextStream, "\n", "\r\n"), 3) == expected_text_chunks());
  CHECK(decode(replace_all(kTextStream, "\n", "\r"), 5) == expected_text_chunks());
}

TEST_CASE("anthropic stream: comments, pings, thinking and unknown events are ignored") {
  std::string noisy = std::string(": keep-alive\n\n") + kTextStream;
  noisy = replace_all(noisy, "event: content_block_stop\n",
                      "event: future_event\ndata: {\"type\":\"future_event\",\"x\":1}\n\n"
                      "event: content_block_delta\n"
                      "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                      "{\"type\":\"citations_delta\",\"citation\":{}}}\n\n"
                      "event: content_block_stop\n");
  CHECK(decode(noisy, 2) == expected_text_chunks());
}

TEST_CASE("anthropic stream: tool_use blocks map to tool_call indexes from 0") {
  std::string stream =
      "event: message_start\n"
      R"(data: {"type":"message_start","message":{"id":"msg_01H8","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"usage":{"input_tokens":40,"cache_read_input_tokens":100,"output_tokens":1}}})"
      "\n\n"
      R"(data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}})"
      "\n\n"
      R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Paris weather"}})"
      "\n\n"
      R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQB"}})"
      "\n\n"
      R"(data: {"type":"content_block_stop","index":0})"
      "\n\n"
      R"(data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":"Let me check."}})"
      "\n\n"
      R"(data: {"type":"content_block_stop","index":1})"
      "\n\n"
      R"(data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_01Qm","name":"get_weather","input":{}}})"
      "\n\n"
      R"(data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":""}})"
      "\n\n"
      R"(data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Pa"}})"
      "\n\n"
      R"(data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"ris\"}"}})"
      "\n\n"
      R"(data: {"type":"content_block_stop","index":2})"
      "\n\n"
      R"(data: {"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_02Zx","name":"get_time","input":{}}})"
      "\n\n"
      R"(data: {"type":"content_block_stop","index":3})"
      "\n\n"
      R"(data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":58}})"
      "\n\n"
      R"(data: {"type":"message_stop"})"
      "\n\n";
  std::vector<std::string> expected = {
      chunk(R"({"role":"assistant","content":""})"),
      chunk(R"({"content":"Let me check."})"),
      chunk(
          R"({"tool_calls":[{"index":0,"id":"toolu_01Qm","type":"function","function":{"name":"get_weather","arguments":""}}]})"),
      chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"{\"city\": \"Pa"}}]})"),
      chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"ris\"}"}}]})"),
      chunk(
          R"({"tool_calls":[{"index":1,"id":"toolu_02Zx","type":"function","function":{"name":"get_time","arguments":""}}]})"),
      chunk(R"({"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]})"),
      chunk("{}", "\"tool_calls\""),
      usage_chunk(R"({"prompt_tokens":140,"completion_tokens":58,"total_tokens":198,
        "prompt_tokens_details":{"cached_tokens":100,"cache_write_tokens":0},
        "completion_tokens_details":{"reasoning_tokens":0}})"),
      "END "};
  CHECK(decode(stream) == expected);
  CHECK(decode(stream, 1) == expected);
}

TEST_CASE("anthropic stream: usage from message_delta overwrites, never adds") {
  std::string stream = replace_all(
      kTextStream,
      R"(data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":12}})",
      R"(data: {"type":"message_delta","delta":{"stop_reason":null},"usage":{"output_tokens":7}})"
      "\n\n"
      R"(data: {"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"input_tokens":20,"cache_creation_input_tokens":null,"output_tokens":12}})");
  std::vector<std::string> got = decode(stream);
  REQUIRE(got.size() == 6);
  CHECK(got[3] == chunk("{}", "\"length\""));
  CHECK(got[4] == usage_chunk(R"({"prompt_tokens":20,"completion_tokens":12,"total_tokens":32,
    "prompt_tokens_details":{"cached_tokens":0,"cache_write_tokens":0},
    "completion_tokens_details":{"reasoning_tokens":0}})"));
}

TEST_CASE("anthropic stream: an error event mid-stream is a failure and ends the stream") {
  std::string stream = replace_all(kTextStream, "event: content_block_stop\n",
                                   "event: error\n"
                                   "data: "
                                   "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                                   "\"message\":\"Overloaded\"}}\n\n"
                                   "event: content_block_stop\n");
  std::vector<StreamEvent> events = decode_events(stream, 11);
  std::vector<std::string> got = render(events);
  REQUIRE(got.size() == 4);
  CHECK(got[0] == chunk(R"({"role":"assistant","content":""})"));
  CHECK(got[2] == chunk(R"({"content":" How can I help you today?"})"));
  CHECK(got[3] == "FAILURE overloaded");
  const Failure& f = events[3].failure;
  CHECK(f.upstream_status == 0);
  CHECK(f.message == "Overloaded");
  CHECK(f.type == "server_error");
  CHECK(f.code == "server_is_overloaded");
}

TEST_CASE("anthropic stream: a stream cut before the message finished is a network failure") {
  std::string cut(kTextStream);
  cut = cut.substr(0, cut.find("event: message_delta"));
  std::vector<StreamEvent> events = decode_events(cut);
  std::vector<std::string> got = render(events);
  REQUIRE(got.size() == 4);
  CHECK(got[2] == chunk(R"({"content":" How can I help you today?"})"));
  CHECK(got[3] == "FAILURE network");
  CHECK(events[3].failure.message.find("ended before the message finished") != std::string::npos);

  // Cut in the middle of an event: the partial event is not half-translated.
  std::string mid(kTextStream);
  mid = mid.substr(0, mid.find("Hello!"));
  CHECK(decode(mid) == std::vector<std::string>{chunk(R"({"role":"assistant","content":""})"),
                                                "SKIPPED", "FAILURE network"});
  CHECK(decode("") == std::vector<std::string>{"FAILURE network"});
}

TEST_CASE("anthropic stream: a missing message_stop after the stop_reason is completed") {
  std::string stream(kTextStream);
  stream = stream.substr(0, stream.find("event: message_stop"));
  std::vector<std::string> expected = expected_text_chunks();
  expected.back() = "END upstream omitted message_stop";
  CHECK(decode(stream) == expected);
}

TEST_CASE("anthropic stream: a malformed event is skipped and the stream goes on") {
  std::string stream = replace_all(kTextStream,
                                   "event: ping\n"
                                   R"(data: {"type":"ping"})",
                                   "event: content_block_delta\ndata: {\"type\":\"content_blo");
  std::vector<StreamEvent> events = decode_events(stream);
  std::vector<std::string> expected = expected_text_chunks();
  expected.insert(expected.begin() + 1, "SKIPPED");
  CHECK(render(events) == expected);
  CHECK(events[1].note.find("malformed") != std::string::npos);
}

TEST_CASE("anthropic stream: nothing is emitted after the end") {
  ProviderConfig p = testing::anthropic_provider();
  auto decoder = anthropic_adapter().new_stream_decoder(testing::anthropic_target(p, "claude-x"));
  std::vector<StreamEvent> events;
  decoder->feed(kTextStream, events);
  size_t n = events.size();
  decoder->feed(kTextStream, events);
  decoder->finish(events);
  CHECK(events.size() == n);
  CHECK(events.back().kind == StreamEvent::Kind::kEnd);
}

}  // namespace
}  // namespace understudy
