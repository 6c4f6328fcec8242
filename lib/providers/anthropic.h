// The Anthropic Messages API adapter (wire-formats §3, §5-§8). See lib/providers/adapter.h
// for the contract. The pieces live in anthropic_request.h (OpenAI request -> Messages body),
// anthropic_messages.h (the conversation), anthropic_response.h (Message -> chat.completion),
// anthropic_stream.h (SSE events -> chunks) and anthropic_errors.h (classification).
//
// Requests go to POST <base_url path>/messages (base URLs include the version segment:
// https://api.anthropic.com/v1) with x-api-key, anthropic-version: 2023-06-01 and
// content-type; the provider's configured headers are added last and override these.
// Stateless; thread-safe.
#pragma once

#include "lib/providers/adapter.h"

namespace understudy {

const ProviderAdapter& anthropic_adapter();

// The only version string of the Messages API; features arrive via beta headers instead.
inline constexpr const char* kAnthropicVersion = "2023-06-01";

}  // namespace understudy
