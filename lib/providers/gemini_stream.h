// Gemini streamGenerateContent?alt=sse -> OpenAI chat.completion.chunk events
// (wire-formats §4.5, §7.2).
//
// Each SSE event is a whole GenerateContentResponse holding only the new output. Per
// candidate the decoder emits a role chunk first, then a content chunk per event with
// visible text, one chunk per function call (Gemini sends calls whole, so each carries its
// complete arguments), and a finish chunk as soon as the candidate's finishReason arrives;
// parts after that are ignored. Gemini sends no terminator: finish() emits the usage chunk
// (from the last usageMetadata seen) and kEnd when every candidate finished, else a
// kFailure of class network. An `{"error":...}` event (with or without "data:", possibly
// spread over several lines) or a blocked prompt is a kFailure and ends the stream. One
// decoder per attempt; not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "lib/providers/adapter.h"

namespace understudy {

// `requested_model` names the model in chunks until the upstream reports modelVersion.
std::unique_ptr<StreamDecoder> new_gemini_stream_decoder(const std::string& requested_model);

}  // namespace understudy
