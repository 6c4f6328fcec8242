// Fake provider replies in each wire format: deterministic success bodies and streams,
// and realistic error bodies with retry hints. Shared by the in-process ScriptedTransport
// and the HTTP fake servers of `understudy mock`, so both answer identically.
//
// The reply text is derived from the request: "You said: <last user message>", so tests
// can check content made it through whichever provider served. A request that ends with an
// assistant message (a continuation prefix, design §7) gets the rest of that same reply.
// Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/config/fault_rule.h"
#include "lib/model/json.h"
#include "lib/transport/http.h"

namespace understudy {

enum class WireFormat { kOpenAI, kAnthropic, kGemini };
const char* wire_format_name(WireFormat f);

// What the fake needs to know about a request, parsed from its path and body.
struct FakeRequest {
  WireFormat format = WireFormat::kOpenAI;
  std::string model;
  bool stream = false;
  bool include_usage = false;  // OpenAI stream_options.include_usage
  std::string last_user_text;
  std::optional<std::string> assistant_prefix;  // trailing assistant turn, if any
  std::int64_t prompt_tokens = 0;
  Json body;  // parsed body (null when it was not JSON)
};

// Recognizes /chat/completions, /messages and /models/X:(stream)generateContent. The model
// comes from the body (OpenAI, Anthropic) or the path (Gemini).
std::optional<FakeRequest> parse_fake_request(const HttpRequest& req);

// "You said: <text>", or for a continuation, what is left of it after the prefix.
std::string fake_reply_text(const FakeRequest& r, const std::string& override_content = "");

// The reply split into stream tokens (words, each after the first with its leading space).
std::vector<std::string> split_tokens(const std::string& text);

struct FakeHttpReply {
  int status = 200;
  Headers headers;
  std::string body;
};

FakeHttpReply render_success(const FakeRequest& r, const std::string& text);

// Error body, headers and status for a fault action of kind kError / kStreamError.
FakeHttpReply render_error(const FakeRequest& r, const FaultAction& a);

// Stream events (each a complete SSE event ending in a blank line).
struct FakeStream {
  std::vector<std::string> head_events;   // before the first token (role / message_start...)
  std::vector<std::string> token_events;  // one per token
  std::vector<std::string> tail_events;   // finish, usage
  std::string terminator;                 // "[DONE]" / message_stop; "" for Gemini
};
FakeStream render_stream(const FakeRequest& r, const std::string& text);
std::string render_stream_error_event(const FakeRequest& r, const FaultAction& a);
Headers stream_headers();

}  // namespace understudy
