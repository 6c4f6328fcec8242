#include "lib/providers/anthropic_response.h"

#include "lib/providers/anthropic_errors.h"
#include "lib/providers/error_text.h"
#include "lib/providers/json_member.h"

namespace understudy {

namespace {

void overwrite_count(const Json& usage, const char* key, std::int64_t& target) {
  const Json& v = json_member(usage, key);
  if (v.is_number()) target = json_int(usage, key);
}

Json tool_call_from_block(const Json& block) {
  const Json& input = json_member(block, "input");
  return Json{{"id", json_str(block, "id")},
              {"type", "function"},
              {"function",
               {{"name", json_str(block, "name")},
                {"arguments", input.is_object() ? input.dump() : std::string("{}")}}}};
}

}  // namespace

void AnthropicUsage::overwrite_from(const Json& usage) {
  if (!usage.is_object()) return;
  seen = true;
  overwrite_count(usage, "input_tokens", input);
  overwrite_count(usage, "cache_creation_input_tokens", cache_creation);
  overwrite_count(usage, "cache_read_input_tokens", cache_read);
  overwrite_count(usage, "output_tokens", output);
  overwrite_count(json_member(usage, "output_tokens_details"), "thinking_tokens", thinking);
}

Json AnthropicUsage::to_openai() const {
  std::int64_t prompt = input + cache_creation + cache_read;
  return Json{{"prompt_tokens", prompt},
              {"completion_tokens", output},
              {"total_tokens", prompt + output},
              {"prompt_tokens_details",
               {{"cached_tokens", cache_read}, {"cache_write_tokens", cache_creation}}},
              {"completion_tokens_details", {{"reasoning_tokens", thinking}}}};
}

std::string anthropic_finish_reason(const std::string& stop_reason) {
  if (stop_reason == "max_tokens" || stop_reason == "model_context_window_exceeded") {
    return "length";
  }
  if (stop_reason == "tool_use") return "tool_calls";
  if (stop_reason == "refusal") return "content_filter";
  return "stop";  // end_turn, stop_sequence, pause_turn, null, and future values
}

ReplyOrFailure anthropic_chat_response(const Json& message, const std::string& requested_model) {
  if (json_str(message, "type") == "error") return anthropic_failure(0, message, "");
  const Json& content = json_member(message, "content");
  if (!content.is_array()) {
    return make_local_failure(FailureClass::kServer,
                              "anthropic reply is not a message: it has no content array");
  }
  std::string text;
  bool has_text = false;
  Json tool_calls = Json::array();
  for (const Json& block : content) {
    std::string type = json_str(block, "type");
    if (type == "text") {
      text += json_str(block, "text");
      has_text = true;
    } else if (type == "tool_use") {
      tool_calls.push_back(tool_call_from_block(block));
    }
  }
  Json msg{{"role", "assistant"}};
  msg["content"] = (has_text || tool_calls.empty()) ? Json(text) : Json();
  if (!tool_calls.empty()) msg["tool_calls"] = std::move(tool_calls);
  AnthropicUsage usage;
  usage.overwrite_from(json_member(message, "usage"));
  std::string model = json_str(message, "model");
  return ChatResponse{Json{
      {"id", json_str(message, "id")},
      {"object", "chat.completion"},
      {"created", 0},
      {"model", model.empty() ? requested_model : model},
      {"choices", Json::array({Json{{"index", 0},
                                    {"message", std::move(msg)},
                                    {"logprobs", nullptr},
                                    {"finish_reason",
                                     anthropic_finish_reason(json_str(message, "stop_reason"))}}})},
      {"usage", usage.to_openai()}}};
}

}  // namespace understudy
