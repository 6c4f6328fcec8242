// The OpenAI adapter's stream decoder: chunks, [DONE], error events, malformed events and
// truncated streams, under any split of the bytes (lib/providers/openai.h, wire-formats §2.5,
// §8.2).
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "lib/providers/openai.h"
#include "tests/support/adapter_target.h"

using namespace understudy;
using understudy::testing::AdapterTarget;

namespace {

const std::string kTranscript =
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"finish_reason\":null}],"
    "\"usage\":null}\n\n"
    ": keep-alive\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"content\":\"! How can I help you today?\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
    "\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":"
    "{\"prompt_tokens\":19,\"completion_tokens\":9,\"total_tokens\":28}}\n\n"
    "data: [DONE]\n\n";

std::unique_ptr<StreamDecoder> new_decoder() {
  AdapterTarget t("openai", "https://api.openai.com/v1", "gpt-4o-mini", "");
  return openai_adapter().new_stream_decoder(t.target);
}

std::vector<StreamEvent> decode(const std::vector<std::string_view>& pieces, bool finish = true) {
  auto decoder = new_decoder();
  std::vector<StreamEvent> out;
  for (std::string_view p : pieces) decoder->feed(p, out);
  if (finish) decoder->finish(out);
  return out;
}

std::string kinds(const std::vector<StreamEvent>& events) {
  std::string out;
  for (const StreamEvent& e : events) {
    switch (e.kind) {
      case StreamEvent::Kind::kChunk:
        out += 'C';
        break;
      case StreamEvent::Kind::kFailure:
        out += 'F';
        break;
      case StreamEvent::Kind::kEnd:
        out += 'E';
        break;
      case StreamEvent::Kind::kSkipped:
        out += 'S';
        break;
    }
  }
  return out;
}

// A comparable rendering of events: kinds, chunk JSON, failure class and message.
std::string render(const std::vector<StreamEvent>& events) {
  std::string out;
  for (const StreamEvent& e : events) {
    out += kinds({e}) + " " + e.chunk.dump() + " " + failure_class_name(e.failure.cls) + " " +
           e.failure.message + " " + e.note + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("openai stream: a normal transcript yields its chunks and ends at [DONE]") {
  std::vector<StreamEvent> events = decode({kTranscript});
  REQUIRE(kinds(events) == "CCCCCE");
  std::string text;
  for (const StreamEvent& e : events) text += chunk_text(e.chunk);
  CHECK(text == "Hello! How can I help you today?");
  CHECK_FALSE(chunk_has_content(events[0].chunk));  // role only
  CHECK(chunk_has_content(events[1].chunk));
  CHECK(chunk_finish_reason(events[3].chunk) == "stop");
  CHECK(usage_from_json(events[4].chunk["usage"]).total_tokens == 28);
  CHECK(events[5].note.empty());
}

TEST_CASE("openai stream: any split of the bytes gives the same events") {
  std::string whole = render(decode({kTranscript}));
  std::string_view s(kTranscript);
  for (size_t i = 0; i <= s.size(); ++i) {
    CAPTURE(i);
    REQUIRE(render(decode({s.substr(0, i), s.substr(i)})) == whole);
  }
  std::vector<std::string_view> bytes;
  for (size_t i = 0; i < s.size(); ++i) bytes.push_back(s.substr(i, 1));
  CHECK(render(decode(bytes)) == whole);
}

TEST_CASE("openai stream: nothing after [DONE] is reported, and finish() adds nothing") {
  std::vector<StreamEvent> events =
      decode({"data: {\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}\n\n"
              "data: [DONE]\n\n"
              "data: {\"choices\":[{\"delta\":{\"content\":\"late\"}}]}\n\n"
              "data: {\"error\":{\"message\":\"late\"}}\n\n"});
  CHECK(kinds(events) == "CE");
}

TEST_CASE("openai stream: an error event mid-stream is a failure with the right class") {
  std::vector<StreamEvent> events =
      decode({"data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
              "data: {\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":"
              "\"rate_limit_error\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}\n\n"
              "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n"});
  REQUIRE(kinds(events) == "CF");  // nothing after the error, not even at finish()
  const Failure& f = events[1].failure;
  CHECK(f.cls == FailureClass::kRateLimit);
  CHECK(f.message == "Rate limit reached for requests");
  CHECK(f.code == "rate_limit_exceeded");
  CHECK(f.upstream_status == 0);
}

TEST_CASE("openai stream: a server_error event is a server failure") {
  std::vector<StreamEvent> events =
      decode({"data: {\"error\":{\"message\":\"The server had an error while processing your "
              "request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n"});
  REQUIRE(kinds(events) == "F");
  CHECK(events[0].failure.cls == FailureClass::kServer);
  CHECK(events[0].failure.type == "server_error");
}

TEST_CASE("openai stream: OpenRouter's numeric-code error event is classified by that code") {
  std::vector<StreamEvent> events = decode(
      {": OPENROUTER PROCESSING\n\n"
       "data: {\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"provider\":\"OpenAI\","
       "\"error\":{\"code\":502,\"message\":\"Provider disconnected unexpectedly\"},"
       "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}"
       "\n\n"});
  REQUIRE(kinds(events) == "F");
  CHECK(events[0].failure.cls == FailureClass::kServer);
  CHECK(events[0].failure.code.empty());
  CHECK(events[0].failure.message == "Provider disconnected unexpectedly");
  CHECK(events[0].failure.upstream_status == 0);

  std::vector<StreamEvent> limited =
      decode({"data: {\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\"}}\n\n"});
  REQUIRE(kinds(limited) == "F");
  CHECK(limited[0].failure.cls == FailureClass::kRateLimit);
}

TEST_CASE("openai stream: an SSE event named error is a failure even without an error key") {
  std::vector<StreamEvent> events = decode(
      {"event: error\ndata: {\"message\":\"Overloaded\",\"type\":\"overloaded_error\"}\n\n"});
  REQUIRE(kinds(events) == "F");
  CHECK(events[0].failure.cls == FailureClass::kOverloaded);
  CHECK(events[0].failure.message == "Overloaded");
}

TEST_CASE("openai stream: a malformed event is skipped and decoding continues") {
  std::vector<StreamEvent> events =
      decode({"data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
              "data: {\"choices\":[{\"delta\":{\"content\":\"tru\n\n"
              "data: 42\n\n"
              "data: {\"choices\":[{\"delta\":{\"content\":\"b\"},\"finish_reason\":\"stop\"}]}\n\n"
              "data: [DONE]\n\n"});
  REQUIRE(kinds(events) == "CSSCE");
  CHECK(events[1].note.find("malformed") != std::string::npos);
  CHECK(events[1].note.find("{\"choices\"") != std::string::npos);
  CHECK(chunk_text(events[3].chunk) == "b");
}

TEST_CASE("openai stream: Azure's empty-choices filter chunk is an ordinary chunk") {
  std::vector<StreamEvent> events =
      decode({"data: {\"choices\":[],\"prompt_filter_results\":[{\"prompt_index\":0,"
              "\"content_filter_results\":{}}]}\n\n"},
             /*finish=*/false);
  REQUIRE(kinds(events) == "C");
  CHECK_FALSE(chunk_has_content(events[0].chunk));
}

TEST_CASE("openai stream: a finished message without [DONE] ends cleanly at finish()") {
  std::vector<StreamEvent> events =
      decode({"data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
              "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"});
  REQUIRE(kinds(events) == "CCE");
  CHECK(events[2].note.find("[DONE]") != std::string::npos);
}

TEST_CASE("openai stream: an unterminated final [DONE] is still seen at finish()") {
  std::vector<StreamEvent> events =
      decode({"data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]"});
  REQUIRE(kinds(events) == "CE");
  CHECK(events[1].note.empty());
}

TEST_CASE("openai stream: a stream cut before finish_reason fails as a network error") {
  std::vector<StreamEvent> events =
      decode({"data: {\"choices\":[{\"delta\":{\"content\":\"Once upon\"},"
              "\"finish_reason\":null}]}\n\n"});
  REQUIRE(kinds(events) == "CF");
  CHECK(events[1].failure.cls == FailureClass::kNetwork);
  CHECK(events[1].failure.local_origin());
  CHECK(events[1].failure.message.find("ended before the message finished") != std::string::npos);

  CHECK(kinds(decode({""})) == "F");
  CHECK(decode({""})[0].failure.cls == FailureClass::kNetwork);
}

TEST_CASE("openai stream: finish() twice reports the end only once") {
  auto decoder = new_decoder();
  std::vector<StreamEvent> out;
  decoder->feed("data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n", out);
  decoder->finish(out);
  decoder->finish(out);
  CHECK(kinds(out) == "CF");
}
