// Gemini GenerateContentResponse -> OpenAI chat.completion (wire-formats §4.3, §6).
//
// Each candidate becomes a choice: visible text parts (not `thought`) are concatenated into
// message.content, functionCall parts become tool_calls whose ids carry the upstream id and
// thought signature (gemini_ids.h), finishReason maps per §6.2 (STOP with a function call is
// "tool_calls"; the SAFETY family is "content_filter"), usageMetadata per §6.3 (thought
// tokens count as completion and reasoning tokens). The pieces are shared with the stream
// decoder so both paths produce the same ids and numbers. `created` is 0: the router stamps
// the time. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "lib/core/failure.h"
#include "lib/model/json.h"
#include "lib/providers/adapter.h"

namespace understudy {

// OpenAI finish_reason for a Gemini finishReason ("" or unknown -> "stop").
std::string gemini_finish_reason(std::string_view reason, bool saw_function_call);

// OpenAI usage object for a usageMetadata object.
Json gemini_usage(const Json& usage_metadata);

// OpenAI choice.logprobs ({"content":[...]}) for a logprobsResult; null when absent.
Json gemini_logprobs(const Json& logprobs_result);

// The OpenAI tool_call for a part holding a functionCall. `ordinal` counts the candidate's
// function calls from 0 (it becomes the OpenAI tool_calls index).
Json gemini_tool_call(const Json& part, std::string_view response_id, int candidate, int ordinal);

// True for a text part the caller should see: non-empty and not a thought summary.
bool is_visible_text(const Json& part);

// A 200 body that is not an answer: an error object (classified, upstream_status 0) or a
// prompt blocked by promptFeedback.blockReason (kContentPolicy naming the reason).
std::optional<Failure> gemini_reply_failure(const Json& reply);

// "chatcmpl-<responseId>" ("chatcmpl-gemini" when the reply has none).
std::string gemini_completion_id(const Json& reply);
// modelVersion, else the requested model without a "models/" prefix.
std::string gemini_served_model(const Json& reply, const std::string& requested_model);

// A whole non-streaming reply.
ReplyOrFailure parse_gemini_reply(std::string_view body, const std::string& requested_model);

}  // namespace understudy
