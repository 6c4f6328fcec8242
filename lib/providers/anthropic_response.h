// Anthropic Message -> OpenAI chat.completion (wire-formats §6), shared by the non-streaming
// path and the stream decoder: stop_reason -> finish_reason (§6.2) and usage (§6.3).
//
// Usage: Anthropic's input_tokens counts only uncached input, so prompt_tokens adds the cache
// reads and writes; cached_tokens = cache reads, cache_write_tokens = cache writes,
// reasoning_tokens = output_tokens_details.thinking_tokens (0 when absent).
// Text blocks are concatenated into message.content (null when there are tool calls and no
// text); tool_use blocks become tool_calls; thinking and server-tool blocks are dropped.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "lib/providers/adapter.h"

namespace understudy {

struct AnthropicUsage {
  std::int64_t input = 0;
  std::int64_t cache_creation = 0;
  std::int64_t cache_read = 0;
  std::int64_t output = 0;
  std::int64_t thinking = 0;
  bool seen = false;  // some usage object was read

  // Overwrites every count present (and not null) in an Anthropic usage object. Anthropic
  // reports cumulative totals, never increments.
  void overwrite_from(const Json& usage);
  Json to_openai() const;
};

// end_turn/stop_sequence/pause_turn/unknown -> "stop", max_tokens and
// model_context_window_exceeded -> "length", tool_use -> "tool_calls", refusal ->
// "content_filter".
std::string anthropic_finish_reason(const std::string& stop_reason);

// `message` is a parsed 2xx body. Returns a Failure when it is an error object or not a
// Message. `requested_model` is used when the reply names no model.
ReplyOrFailure anthropic_chat_response(const Json& message, const std::string& requested_model);

}  // namespace understudy
