// What a request needs from a target (tools, vision, JSON mode, streaming, context size),
// and whether a target's resolved capabilities can serve it (issue "Capabilities": the
// router skips a fallback target that cannot serve the request and records why).
// Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "lib/model/chat.h"
#include "lib/providers/adapter.h"

namespace understudy {

struct RequestNeeds {
  bool tools = false;
  bool vision = false;
  bool json_mode = false;
  bool streaming = false;
  std::int64_t approx_prompt_tokens = 0;  // characters / 4: a cheap, conservative estimate
};

RequestNeeds needs_of(const ChatRequest& request, bool stream);

// Why `caps` cannot serve `needs` ("does not support tools"), or nullopt when it can.
std::optional<std::string> capability_gap(const RequestNeeds& needs,
                                          const ResolvedCapabilities& caps);

}  // namespace understudy
