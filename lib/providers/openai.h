// The OpenAI Chat Completions adapter, also used for every OpenAI-compatible preset
// (openrouter, groq, mistral, together, deepseek, xai, fireworks, ollama) and for the
// in-process `mock` provider type.
//
// Requests pass through: the body is the caller's, with `model` rewritten to the target
// model and the gateway-only `fallbacks` removed; every other field is kept as sent.
// Classification reads status and body (wire-formats §2.6): insufficient_quota is a 429
// that must not be retried, context_length_exceeded and content filters are 400s that
// need different handling than other 400s, and so on. Stateless; thread-safe.
#pragma once

#include "lib/providers/adapter.h"

namespace understudy {

const ProviderAdapter& openai_adapter();

// Classifies OpenAI-style error fields; shared with compatible formats. `status` may be 0
// for errors that arrived inside a 200 stream.
FailureClass classify_openai_fields(int status, const std::string& type, const std::string& code,
                                    const std::string& message);

// The chat completions URL path for a base URL path prefix ("/v1" -> "/v1/chat/completions").
std::string openai_chat_path(const std::string& base_path);

}  // namespace understudy
