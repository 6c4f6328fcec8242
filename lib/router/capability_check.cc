#include "lib/router/capability_check.h"

namespace understudy {

namespace {

// A string member of a caller's object, or "": value() with a string default would throw on
// {"type": 5}, and nothing on the data path of `serve` may throw.
std::string string_member(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

void scan_content(const Json& content, RequestNeeds& needs, std::int64_t& chars) {
  if (content.is_string()) {
    chars += static_cast<std::int64_t>(content.get_ref<const std::string&>().size());
    return;
  }
  if (!content.is_array()) return;
  for (const Json& part : content) {
    if (!part.is_object()) continue;
    std::string type = string_member(part, "type");
    if (type == "image_url" || type == "image") needs.vision = true;
    if (part.contains("text") && part["text"].is_string()) {
      chars += static_cast<std::int64_t>(part["text"].get_ref<const std::string&>().size());
    }
  }
}

}  // namespace

RequestNeeds needs_of(const ChatRequest& request, bool stream) {
  RequestNeeds needs;
  needs.streaming = stream;
  const Json& body = request.body;
  auto tools = body.find("tools");
  needs.tools = tools != body.end() && tools->is_array() && !tools->empty();
  auto rf = body.find("response_format");
  if (rf != body.end() && rf->is_object()) {
    std::string type = string_member(*rf, "type");
    needs.json_mode = type == "json_object" || type == "json_schema";
  }
  std::int64_t chars = 0;
  auto msgs = body.find("messages");
  if (msgs != body.end() && msgs->is_array()) {
    for (const Json& m : *msgs) {
      if (m.is_object() && m.contains("content")) scan_content(m["content"], needs, chars);
    }
  }
  needs.approx_prompt_tokens = chars / 4;
  return needs;
}

std::optional<std::string> capability_gap(const RequestNeeds& needs,
                                          const ResolvedCapabilities& caps) {
  if (needs.tools && !caps.tools) return "capability: does not support tools";
  if (needs.vision && !caps.vision) return "capability: does not support images";
  if (needs.json_mode && !caps.json_mode) return "capability: does not support JSON mode";
  if (needs.streaming && !caps.streaming) return "capability: does not support streaming";
  if (caps.context_window > 0 && needs.approx_prompt_tokens > caps.context_window) {
    return "capability: prompt of about " + std::to_string(needs.approx_prompt_tokens) +
           " tokens exceeds the context window of " + std::to_string(caps.context_window);
  }
  return std::nullopt;
}

}  // namespace understudy
