// OpenAI `messages` -> Anthropic `system` + `messages` (wire-formats §3.2, §3.3, §5.2).
//
// - every system/developer message, wherever it occurs, joins the top-level `system` text
//   (in order, separated by a blank line);
// - user content parts become blocks: text, image (data URL -> base64 source, http(s) URL ->
//   url source), PDF file -> document; input_audio and other part types cannot be expressed
//   and are an invalid_argument naming the part;
// - assistant text and tool_calls become text + tool_use blocks (arguments parsed to an
//   object; "" means {});
// - tool messages become tool_result blocks in a user turn, placed before any other blocks of
//   that turn;
// - consecutive same-role turns are merged; empty text is skipped (Anthropic rejects it);
// - the conversation starts with a user turn (a "." turn is inserted when it would not);
// - `assistant_prefix` (design §7 continuation) is appended as the final assistant turn, and
//   a final assistant turn loses its trailing whitespace (Anthropic rejects it).
// Tool-call ids are passed through with characters outside [A-Za-z0-9_-] replaced by "_"
// (the same mapping on tool_use and tool_result, so pairs still match).
//
// Pure function; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "lib/core/status.h"
#include "lib/model/json.h"

namespace understudy {

struct AnthropicConversation {
  std::string system;             // "" when the request had no system/developer text
  Json messages = Json::array();  // Anthropic messages, roles alternating, user first
};

// Errors: invalid_argument with field() set to the offending path ("messages[2].content[1]").
Result<AnthropicConversation> anthropic_conversation(
    const Json& openai_messages, const std::optional<std::string>& assistant_prefix);

// A tool-call id Anthropic accepts (^[a-zA-Z0-9_-]+$), derived deterministically.
std::string anthropic_tool_id(const std::string& id);

}  // namespace understudy
