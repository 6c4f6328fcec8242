#include "lib/providers/anthropic_messages.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "lib/providers/error_text.h"
#include "lib/providers/json_member.h"

namespace understudy {

namespace {

// Sent as the first user turn when the conversation would otherwise start with the assistant
// or have no turn at all (a system-only request). [verify] Anthropic may accept an
// assistant-first conversation today; a minimal user turn is harmless either way.
constexpr const char* kPlaceholderUserText = ".";

const char* const kImageTypes[] = {"image/jpeg", "image/png", "image/gif", "image/webp"};

Json text_block(std::string text) { return Json{{"type", "text"}, {"text", std::move(text)}}; }

std::string rtrim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

struct DataUrl {
  std::string media_type;
  std::string data;
};

// "data:<media type>[;params];base64,<data>"; nullopt when not a base64 data URL.
std::optional<DataUrl> parse_data_url(const std::string& url) {
  if (url.rfind("data:", 0) != 0) return std::nullopt;
  size_t comma = url.find(',');
  if (comma == std::string::npos) return std::nullopt;
  std::string meta = url.substr(5, comma - 5);
  const std::string suffix = ";base64";
  if (meta.size() < suffix.size() ||
      meta.compare(meta.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return std::nullopt;
  }
  return DataUrl{meta.substr(0, meta.find(';')), url.substr(comma + 1)};
}

Result<Json> image_block(const Json& part, const std::string& at) {
  const Json& image = json_member(part, "image_url");
  std::string url = image.is_string() ? image.get<std::string>() : json_str(image, "url");
  if (url.empty()) {
    return invalid_argument(at + ".image_url.url is required", at + ".image_url.url");
  }
  if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) {
    return Json{{"type", "image"}, {"source", {{"type", "url"}, {"url", url}}}};
  }
  auto data = parse_data_url(url);
  if (!data) {
    return invalid_argument(at + ".image_url.url must be an http(s) URL or a base64 data URL",
                            at + ".image_url.url");
  }
  if (std::find(std::begin(kImageTypes), std::end(kImageTypes), data->media_type) ==
      std::end(kImageTypes)) {
    return invalid_argument(at +
                                ".image_url: anthropic accepts image/jpeg, image/png, "
                                "image/gif or image/webp, not \"" +
                                data->media_type + "\"",
                            at + ".image_url.url");
  }
  return Json{
      {"type", "image"},
      {"source", {{"type", "base64"}, {"media_type", data->media_type}, {"data", data->data}}}};
}

// OpenAI file parts carry base64 file data (usually as a data URL); Anthropic takes PDFs as
// document blocks. File ids belong to OpenAI's Files API and mean nothing to Anthropic.
Result<Json> file_block(const Json& part, const std::string& at) {
  const Json& file = json_member(part, "file");
  std::string data = json_str(file, "file_data");
  if (data.empty()) {
    return invalid_argument(at + ": anthropic needs file.file_data (OpenAI file ids cannot be "
                                 "sent to anthropic)",
                            at + ".file");
  }
  if (auto url = parse_data_url(data)) {
    if (url->media_type != "application/pdf") {
      return invalid_argument(
          at + ": anthropic accepts PDF files only, not \"" + url->media_type + "\"",
          at + ".file.file_data");
    }
    data = url->data;
  }
  return Json{{"type", "document"},
              {"source", {{"type", "base64"}, {"media_type", "application/pdf"}, {"data", data}}}};
}

// One OpenAI content part -> one Anthropic block; nullopt for parts that carry nothing.
Result<std::optional<Json>> part_block(const Json& part, const std::string& at) {
  std::string type = json_str(part, "type");
  if (type == "text" || type == "refusal") {
    std::string text = json_str(part, type.c_str());
    if (text.empty()) return std::optional<Json>();
    return std::optional<Json>(text_block(std::move(text)));
  }
  if (type == "image_url") {
    auto b = image_block(part, at);
    if (!b.ok()) return b.status();
    return std::optional<Json>(std::move(*b));
  }
  if (type == "file") {
    auto b = file_block(part, at);
    if (!b.ok()) return b.status();
    return std::optional<Json>(std::move(*b));
  }
  return invalid_argument(at + ": content part type \"" + type + "\" is not supported by anthropic",
                          at + ".type");
}

// Content (string or parts) -> blocks.
Result<Json> content_blocks(const Json& content, const std::string& at) {
  Json blocks = Json::array();
  if (content.is_string()) {
    if (!content.get_ref<const std::string&>().empty()) {
      blocks.push_back(text_block(content.get<std::string>()));
    }
    return blocks;
  }
  if (!content.is_array()) return blocks;  // null: nothing
  for (size_t j = 0; j < content.size(); ++j) {
    auto b = part_block(content[j], at + ".content[" + std::to_string(j) + "]");
    if (!b.ok()) return b.status();
    if (*b) blocks.push_back(std::move(**b));
  }
  return blocks;
}

Result<std::string> system_text(const Json& content, const std::string& at) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (!content.is_array()) return out;
  for (size_t j = 0; j < content.size(); ++j) {
    std::string pat = at + ".content[" + std::to_string(j) + "]";
    if (json_str(content[j], "type") != "text") {
      return invalid_argument(pat + ": system messages may only contain text parts", pat);
    }
    if (!out.empty()) out += "\n";
    out += json_str(content[j], "text");
  }
  return out;
}

Result<Json> tool_use_block(const Json& call, const std::string& at) {
  if (!call.is_object()) return invalid_argument(at + " must be an object", at);
  const Json& fn = json_member(call, "function");
  std::string id = json_str(call, "id");
  std::string name = json_str(fn, "name");
  if (id.empty()) return invalid_argument(at + ".id is required", at + ".id");
  if (name.empty()) {
    return invalid_argument(at + ".function.name is required", at + ".function.name");
  }
  Json input = Json::object();
  auto args = fn.find("arguments");
  if (args != fn.end() && args->is_object()) input = *args;
  if (args != fn.end() && args->is_string() && !args->get_ref<const std::string&>().empty()) {
    input = parse_json_or_discarded(args->get_ref<const std::string&>());
    if (input.is_discarded() || !input.is_object()) {
      return invalid_argument(at + ".function.arguments must be a JSON object (anthropic "
                                   "requires tool input to be an object)",
                              at + ".function.arguments");
    }
  }
  return Json{
      {"type", "tool_use"}, {"id", anthropic_tool_id(id)}, {"name", name}, {"input", input}};
}

Result<Json> assistant_blocks(const Json& m, const std::string& at) {
  auto blocks = content_blocks(json_member(m, "content"), at);
  if (!blocks.ok()) return blocks;
  auto calls = m.find("tool_calls");
  if (calls == m.end() || !calls->is_array()) return blocks;
  for (size_t k = 0; k < calls->size(); ++k) {
    auto b = tool_use_block((*calls)[k], at + ".tool_calls[" + std::to_string(k) + "]");
    if (!b.ok()) return b.status();
    blocks->push_back(std::move(*b));
  }
  return blocks;
}

Result<Json> tool_result_block(const Json& m, const std::string& at) {
  std::string id = json_str(m, "tool_call_id");
  if (id.empty()) return invalid_argument(at + ".tool_call_id is required", at + ".tool_call_id");
  Json block{{"type", "tool_result"}, {"tool_use_id", anthropic_tool_id(id)}};
  const Json& content = json_member(m, "content");
  if (content.is_string()) {
    if (!content.get_ref<const std::string&>().empty()) block["content"] = content;
    return block;
  }
  auto blocks = content_blocks(content, at);
  if (!blocks.ok()) return blocks;
  if (!blocks->empty()) block["content"] = std::move(*blocks);
  return block;
}

struct Turn {
  std::string role;
  Json blocks = Json::array();
};

class ConversationBuilder {
 public:
  Status add(const Json& m, size_t i) {
    std::string at = "messages[" + std::to_string(i) + "]";
    if (!m.is_object()) return invalid_argument(at + " must be an object", at);
    std::string role = json_str(m, "role");
    if (role == "system" || role == "developer") return add_system(m, at);
    if (role == "user") return add_turn("user", content_blocks(json_member(m, "content"), at));
    if (role == "assistant") return add_turn("assistant", assistant_blocks(m, at));
    if (role == "tool") {
      auto b = tool_result_block(m, at);
      if (!b.ok()) return b.status();
      return add_turn("user", Json::array({std::move(*b)}));
    }
    return invalid_argument(at + ".role \"" + role +
                                "\" is not supported by anthropic (use tool "
                                "messages instead of function messages)",
                            at + ".role");
  }

  void add_prefix(const std::string& prefix) {
    std::string text = rtrim(prefix);
    if (!text.empty()) append("assistant", Json::array({text_block(std::move(text))}));
  }

  AnthropicConversation finish() {
    if (turns_.empty() || turns_.front().role != "user") {
      turns_.insert(turns_.begin(), Turn{"user", Json::array({text_block(kPlaceholderUserText)})});
    }
    trim_final_assistant();
    AnthropicConversation out;
    out.system = std::move(system_);
    for (Turn& t : turns_) {
      if (t.role == "user") tool_results_first(t.blocks);
      out.messages.push_back(Json{{"role", t.role}, {"content", compact(std::move(t.blocks))}});
    }
    return out;
  }

 private:
  Status add_system(const Json& m, const std::string& at) {
    auto text = system_text(json_member(m, "content"), at);
    if (!text.ok()) return text.status();
    if (text->empty()) return Status::Ok();
    if (!system_.empty()) system_ += "\n\n";
    system_ += *text;
    return Status::Ok();
  }

  Status add_turn(const std::string& role, Result<Json> blocks) {
    if (!blocks.ok()) return blocks.status();
    append(role, std::move(*blocks));
    return Status::Ok();
  }

  void append(const std::string& role, Json blocks) {
    if (blocks.empty()) return;  // Anthropic rejects empty turns
    if (turns_.empty() || turns_.back().role != role) turns_.push_back(Turn{role, Json::array()});
    for (Json& b : blocks) turns_.back().blocks.push_back(std::move(b));
  }

  // Anthropic answers 400 to a final assistant turn ending in whitespace.
  void trim_final_assistant() {
    if (turns_.back().role != "assistant") return;
    Json& blocks = turns_.back().blocks;
    Json& last = blocks.back();
    if (json_str(last, "type") != "text") return;
    std::string text = rtrim(json_str(last, "text"));
    if (!text.empty()) {
      last["text"] = text;
      return;
    }
    blocks.erase(blocks.size() - 1);
    if (blocks.empty()) turns_.pop_back();
  }

  // tool_result blocks must come first in their user turn (wire-formats §3.2).
  static void tool_results_first(Json& blocks) {
    Json results = Json::array();
    Json others = Json::array();
    for (Json& b : blocks) {
      (json_str(b, "type") == "tool_result" ? results : others).push_back(std::move(b));
    }
    for (Json& b : others) results.push_back(std::move(b));
    blocks = std::move(results);
  }

  // A lone plain text block is sent as a string, the shape of Anthropic's own examples.
  static Json compact(Json blocks) {
    if (blocks.size() == 1 && blocks[0].size() == 2 && json_str(blocks[0], "type") == "text") {
      return blocks[0]["text"];
    }
    return blocks;
  }

  std::string system_;
  std::vector<Turn> turns_;
};

}  // namespace

std::string anthropic_tool_id(const std::string& id) {
  std::string out = id;
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_';
  }
  return out;
}

Result<AnthropicConversation> anthropic_conversation(
    const Json& openai_messages, const std::optional<std::string>& assistant_prefix) {
  if (!openai_messages.is_array()) return invalid_argument("messages must be an array", "messages");
  ConversationBuilder builder;
  for (size_t i = 0; i < openai_messages.size(); ++i) {
    Status s = builder.add(openai_messages[i], i);
    if (!s.ok()) return s;
  }
  if (assistant_prefix) builder.add_prefix(*assistant_prefix);
  return builder.finish();
}

}  // namespace understudy
