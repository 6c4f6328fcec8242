// The Anthropic stream decoder: Anthropic SSE events -> OpenAI chat.completion.chunk events
// (the state machine of wire-formats §7.1).
//
// - message_start: remembers id, model and the prompt-side usage; emits the role chunk.
// - content blocks share one index space over text, thinking and tool_use; the decoder maps
//   each tool_use block index to the next OpenAI tool_call index (0, 1, ...). A tool_use
//   start emits the call's id/name with arguments ""; each non-empty input_json_delta emits an
//   arguments fragment; a tool block that ends without any fragment emits "{}".
// - text_delta -> delta.content. Thinking, signature and citation deltas, server-tool blocks,
//   ping and unknown event types are ignored.
// - message_delta: keeps stop_reason and overwrites usage (cumulative totals); emits nothing.
// - message_stop: emits the finish chunk, then the usage chunk {"choices":[],"usage":{...}},
//   then kEnd.
// - error event: one kFailure classified like an HTTP error (upstream_status 0); then stops.
// - a malformed event is a kSkipped with a note.
// - finish() without message_stop: when a message_delta already carried the stop_reason the
//   message is complete and only the terminator is missing, so the finish and usage chunks
//   and kEnd are emitted (design §7: a missing terminator is completed); otherwise a kFailure
//   of class network.
// Chunk ids are the upstream message id; "created" is 0 (the router stamps the time).
// One decoder per attempt; not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "lib/providers/adapter.h"

namespace understudy {

// `model` is reported until message_start names the served model.
std::unique_ptr<StreamDecoder> new_anthropic_stream_decoder(const std::string& model);

}  // namespace understudy
