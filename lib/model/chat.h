// Canonical chat types: an OpenAI Chat Completions request, response and stream chunk.
//
// The canonical format IS the OpenAI format (what callers send and receive), held as JSON
// so that every field we do not know about passes through untouched. The typed members are
// views of the few fields the gateway itself acts on, filled in by parse_chat_request.
// `fallbacks` is a gateway extension: it is read here and never sent upstream.
//
// Plain value types; parse_chat_request is a pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/core/status.h"
#include "lib/model/json.h"

namespace understudy {

struct ChatRequest {
  Json body;                           // the whole request object, key order kept
  std::string model;                   // body["model"]: a provider/model or a route alias
  std::vector<std::string> fallbacks;  // body["fallbacks"], gateway extension
  bool stream = false;                 // body["stream"]
  bool include_usage = false;          // body["stream_options"]["include_usage"]
  // The bytes `body` was parsed from (set by parse_chat_request), so an adapter can splice
  // its few changes into them instead of serializing the tree again (json_splice.h). Empty
  // when the request was built in code. Whoever changes `body` must clear it.
  std::string raw;
};

// Parses and validates a request body. Errors are invalid_argument with field() set to the
// offending parameter ("messages[2].role", "fallbacks[0]", "stream"); invalid JSON reports
// the byte offset. Validation is what every upstream would reject anyway, so a bad request
// never costs an upstream attempt.
Result<ChatRequest> parse_chat_request(std::string_view bytes);

struct Usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t total_tokens = 0;
  bool present = false;
};

// Reads an OpenAI "usage" object; absent or null fields count as 0.
Usage usage_from_json(const Json& usage);

struct ChatResponse {
  ChatResponse() = default;
  explicit ChatResponse(Json b, std::string bytes = {})
      : body(std::move(b)), raw(std::move(bytes)) {}

  Json body;  // an OpenAI "chat.completion" object
  // When set, the serialized form of `body` (the upstream's own bytes, with the gateway's
  // additions spliced in), sent as is instead of dumping `body`. Whoever changes `body`
  // without updating it must clear it.
  std::string raw;
  Usage usage() const { return body.contains("usage") ? usage_from_json(body["usage"]) : Usage{}; }
  // choices[0].message.content as text ("" when null or absent).
  std::string text() const;
};

// True when an OpenAI chunk carries content the caller would see: non-empty delta.content,
// delta.refusal, or any delta.tool_calls. Role-only and finish-only chunks are not content.
bool chunk_has_content(const Json& chunk);
// The text of delta.content in choices[0] ("" if none).
std::string chunk_text(const Json& chunk);
// choices[0].finish_reason, or "" when null/absent.
std::string chunk_finish_reason(const Json& chunk);

}  // namespace understudy
