// OpenAI chat request -> Anthropic Messages request body (wire-formats §5.1).
//
// The per-model parameter policy (param_policy.h) runs first. Then every field is either
// translated (see docs/providers.md, "Anthropic"), or dropped and its name appended to
// `dropped` (OpenAI-only parameters such as seed, logit_bias, presence_penalty; unknown
// vendor fields too, since Anthropic rejects unknown fields). Values that equal OpenAI's
// defaults (n: 1, logprobs: false, parallel_tool_calls: true) and null values are consumed
// silently: dropping them loses nothing.
//
// Pure function: no clock, no randomness; thread-safe. Errors: invalid_argument with field()
// naming the parameter when the request needs something Anthropic cannot do (n > 1,
// input_audio, custom tools, a non-object tool argument string, ...).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/providers/adapter.h"

namespace understudy {

// max_tokens when neither the caller nor the provider config gave one: 4096 for Claude 2 and
// Claude 3 (their output limit), 8192 for every later model.
std::int64_t anthropic_default_max_tokens(const std::string& model);

// The instruction added to `system` for response_format json_object (Anthropic has no
// schema-less JSON mode).
extern const char* const kAnthropicJsonObjectInstruction;

Result<Json> anthropic_request_body(const ChatRequest& request, const AttemptTarget& target,
                                    const BuildOptions& options, std::vector<std::string>& dropped);

}  // namespace understudy
