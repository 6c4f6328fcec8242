#include "lib/providers/gemini_contents.h"

#include <cctype>

#include "lib/providers/error_text.h"
#include "lib/providers/gemini_ids.h"
#include "lib/providers/json_access.h"

namespace understudy {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string extension_of(std::string_view path) {
  path = path.substr(0, path.find_first_of("?#"));
  size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return "";
  return lower(path.substr(dot + 1));
}

// Appends parts to the last content when it has the same role (Gemini wants alternation).
void add_content(Json& contents, const char* role, Json parts) {
  if (parts.empty()) return;
  if (!contents.empty() && contents.back()["role"] == role) {
    for (Json& p : parts) contents.back()["parts"].push_back(std::move(p));
    return;
  }
  contents.push_back(Json{{"role", role}, {"parts", std::move(parts)}});
}

// "data:<mime>;base64,<data>" -> inlineData.
Result<Json> inline_data_from_data_url(std::string_view url, const std::string& at) {
  size_t comma = url.find(',');
  std::string_view meta = url.substr(5, comma == std::string_view::npos ? 0 : comma - 5);
  constexpr std::string_view kB64 = ";base64";
  if (comma == std::string_view::npos || meta.size() <= kB64.size() ||
      meta.substr(meta.size() - kB64.size()) != kB64) {
    return invalid_argument(at + ": a data URL must look like data:<media type>;base64,<data>", at);
  }
  std::string mime(meta.substr(0, meta.size() - kB64.size()));
  return Json{{"inlineData", {{"mimeType", mime}, {"data", std::string(url.substr(comma + 1))}}}};
}

Result<Json> image_part(const Json& part, const std::string& at) {
  const Json& image = member(part, "image_url");
  std::string url = image.is_string() ? image.get<std::string>() : json_str(image, "url");
  std::string url_at = at + ".image_url.url";
  if (url.rfind("data:", 0) == 0) return inline_data_from_data_url(url, url_at);
  std::string scheme = lower(url.substr(0, 8));
  if (scheme.rfind("http://", 0) == 0 || scheme.rfind("https://", 0) == 0) {
    return Json{{"fileData", {{"mimeType", guess_image_mime_type(url)}, {"fileUri", url}}}};
  }
  return invalid_argument(url_at + " must be an http(s) URL or a base64 data URL", url_at);
}

Result<Json> audio_part(const Json& part, const std::string& at) {
  const Json& audio = member(part, "input_audio");
  std::string data = json_str(audio, "data"), format = lower(json_str(audio, "format"));
  if (data.empty() || format.empty()) {
    return invalid_argument(at + ".input_audio needs data and format", at + ".input_audio");
  }
  return Json{{"inlineData", {{"mimeType", "audio/" + format}, {"data", data}}}};
}

std::string document_mime_type(std::string_view filename) {
  std::string ext = extension_of(filename);
  if (ext == "pdf") return "application/pdf";
  if (ext == "txt") return "text/plain";
  if (ext == "csv") return "text/csv";
  if (ext == "md") return "text/markdown";
  if (ext == "html" || ext == "htm") return "text/html";
  if (ext == "png" || ext == "jpg" || ext == "jpeg" || ext == "webp")
    return guess_image_mime_type(filename);
  return "";
}

Result<Json> file_part(const Json& part, const std::string& at) {
  const Json& file = member(part, "file");
  std::string data = json_str(file, "file_data");
  if (data.empty()) {
    return invalid_argument(at + ".file: Gemini cannot read OpenAI file_id references; send "
                                 "the document inline as file.file_data",
                            at + ".file");
  }
  if (data.rfind("data:", 0) == 0) return inline_data_from_data_url(data, at + ".file.file_data");
  std::string mime = document_mime_type(json_str(file, "filename"));
  if (mime.empty()) {
    return invalid_argument(at + ".file: cannot tell the media type; send file_data as a data "
                                 "URL (data:application/pdf;base64,...)",
                            at + ".file.filename");
  }
  return Json{{"inlineData", {{"mimeType", mime}, {"data", data}}}};
}

// Text of a string or an array of text (or refusal) parts, as Gemini text parts.
Result<Json> text_parts(const Json& content, const std::string& at) {
  Json parts = Json::array();
  if (content.is_string()) {
    if (!content.get_ref<const std::string&>().empty()) parts.push_back({{"text", content}});
    return parts;
  }
  if (!content.is_array()) return parts;  // null content
  for (size_t j = 0; j < content.size(); ++j) {
    const Json& p = content[j];
    std::string type = json_str(p, "type");
    std::string key = type == "refusal" ? "refusal" : "text";
    if (type != "text" && type != "refusal") {
      std::string pat = at + ".content[" + std::to_string(j) + "].type";
      return invalid_argument(pat + " \"" + type + "\" is not supported here; only text parts",
                              pat);
    }
    std::string text = json_str(p, key.c_str());
    if (!text.empty()) parts.push_back({{"text", text}});
  }
  return parts;
}

Result<Json> user_part(const Json& p, const std::string& at) {
  std::string type = json_str(p, "type");
  if (type == "text") return Json{{"text", json_str(p, "text")}};
  if (type == "image_url") return image_part(p, at);
  if (type == "input_audio") return audio_part(p, at);
  if (type == "file") return file_part(p, at);
  return invalid_argument(at + ".type \"" + type + "\" is not supported by Gemini", at + ".type");
}

Result<Json> user_parts(const Json& content, const std::string& at) {
  if (!content.is_array()) return text_parts(content, at);
  Json parts = Json::array();
  for (size_t j = 0; j < content.size(); ++j) {
    auto part = user_part(content[j], at + ".content[" + std::to_string(j) + "]");
    if (!part.ok()) return part.status();
    if (part->contains("text") && (*part)["text"].get_ref<const std::string&>().empty()) continue;
    parts.push_back(std::move(*part));
  }
  return parts;
}

Result<Json> call_args(const Json& function, const std::string& at) {
  const Json& args = member(function, "arguments");
  if (args.is_object()) return args;
  if (args.is_null() || (args.is_string() && args.get_ref<const std::string&>().empty())) {
    return Json::object();
  }
  Json parsed = args.is_string() ? parse_json_or_discarded(args.get<std::string>()) : Json();
  if (!parsed.is_object()) {
    return invalid_argument(at + ".arguments must be a JSON object encoded as a string",
                            at + ".arguments");
  }
  return parsed;
}

// One functionCall part; the id of our own making gives back the upstream id and signature.
Result<Json> function_call_part(const Json& function, const std::string& id,
                                const std::string& at) {
  std::string name = json_str(function, "name");
  if (name.empty()) return invalid_argument(at + ".name is required", at + ".name");
  auto args = call_args(function, at);
  if (!args.ok()) return args.status();
  GeminiCallRef ref = decode_gemini_call_id(id);
  Json call{{"name", name}, {"args", std::move(*args)}};
  if (!ref.upstream_id.empty()) call["id"] = ref.upstream_id;
  Json part{{"functionCall", std::move(call)}};
  if (!ref.thought_signature.empty()) part["thoughtSignature"] = ref.thought_signature;
  return part;
}

Result<Json> assistant_parts(const Json& msg, const std::string& at) {
  auto parts = text_parts(member(msg, "content"), at);
  if (!parts.ok()) return parts;
  const Json& calls = member(msg, "tool_calls");
  for (size_t k = 0; calls.is_array() && k < calls.size(); ++k) {
    std::string cat = at + ".tool_calls[" + std::to_string(k) + "]";
    const Json& c = calls[k];
    std::string type = json_str(c, "type");
    if (!type.empty() && type != "function") {
      return invalid_argument(cat + ".type \"" + type + "\" is not supported by Gemini",
                              cat + ".type");
    }
    auto part = function_call_part(member(c, "function"), json_str(c, "id"), cat + ".function");
    if (!part.ok()) return part.status();
    parts->push_back(std::move(*part));
  }
  if (msg.contains("function_call") && msg["function_call"].is_object()) {  // deprecated form
    auto part = function_call_part(msg["function_call"], "", at + ".function_call");
    if (!part.ok()) return part.status();
    parts->push_back(std::move(*part));
  }
  return parts;
}

// Gemini wants an object; a tool's JSON object output is used as is, anything else wrapped.
Json function_response_payload(const Json& content) {
  std::string text;
  if (content.is_string()) {
    text = content.get<std::string>();
  } else if (content.is_array()) {
    for (const Json& p : content) text += json_str(p, "text");
  }
  Json parsed = parse_json_or_discarded(text);
  if (parsed.is_object()) return parsed;
  return Json{{"output", text}};
}

// The function name of the tool call `id`, from the nearest earlier assistant message.
std::string tool_call_name(const Json& messages, size_t before, const std::string& id) {
  for (size_t j = before; j-- > 0;) {
    const Json& m = messages[j];
    if (json_str(m, "role") != "assistant") continue;
    const Json& calls = member(m, "tool_calls");
    for (size_t k = 0; calls.is_array() && k < calls.size(); ++k) {
      if (json_str(calls[k], "id") == id) return json_str(member(calls[k], "function"), "name");
    }
  }
  return "";
}

Result<Json> tool_result_part(const Json& messages, size_t i, const std::string& at) {
  const Json& m = messages[i];
  std::string id = json_str(m, "tool_call_id");
  std::string name =
      json_str(m, "role") == "function" ? json_str(m, "name") : tool_call_name(messages, i, id);
  if (name.empty()) {
    return invalid_argument(at + ".tool_call_id \"" + id +
                                "\" matches no earlier assistant tool call; Gemini needs the "
                                "function name of every tool result",
                            at + ".tool_call_id");
  }
  Json response{{"name", name}, {"response", function_response_payload(member(m, "content"))}};
  GeminiCallRef ref = decode_gemini_call_id(id);
  if (!ref.upstream_id.empty()) response["id"] = ref.upstream_id;
  return Json{{"functionResponse", std::move(response)}};
}

// Gemini 3 rejects a model turn whose first function call carries no thought signature.
void sign_unsigned_calls(Json& contents) {
  for (Json& c : contents) {
    if (c["role"] != "model") continue;
    for (Json& p : c["parts"]) {
      if (!p.contains("functionCall")) continue;
      if (!p.contains("thoughtSignature")) p["thoughtSignature"] = kGeminiSkipSignature;
      break;
    }
  }
}

Status add_message(GeminiContents& out, const Json& messages, size_t i) {
  const Json& m = messages[i];
  std::string at = "messages[" + std::to_string(i) + "]";
  std::string role = json_str(m, "role");
  Result<Json> parts = Json::array();
  if (role == "system" || role == "developer") {
    parts = text_parts(member(m, "content"), at);
    if (!parts.ok()) return parts.status();
    if (parts->empty()) return Status::Ok();
    if (out.system_instruction.is_null()) out.system_instruction = {{"parts", Json::array()}};
    for (Json& p : *parts) out.system_instruction["parts"].push_back(std::move(p));
    return Status::Ok();
  }
  if (role == "user") parts = user_parts(member(m, "content"), at);
  if (role == "assistant") parts = assistant_parts(m, at);
  if (role == "tool" || role == "function") {
    auto part = tool_result_part(messages, i, at);
    if (!part.ok()) return part.status();
    parts = Json::array({std::move(*part)});
  }
  if (!parts.ok()) return parts.status();
  add_content(out.contents, role == "assistant" ? "model" : "user", std::move(*parts));
  return Status::Ok();
}

}  // namespace

Result<GeminiContents> translate_gemini_messages(
    const Json& messages, const std::optional<std::string>& assistant_prefix) {
  GeminiContents out;
  if (!messages.is_array()) return invalid_argument("messages must be an array", "messages");
  for (size_t i = 0; i < messages.size(); ++i) {
    Status s = add_message(out, messages, i);
    if (!s.ok()) return s;
  }
  sign_unsigned_calls(out.contents);
  if (assistant_prefix && !assistant_prefix->empty()) {
    add_content(out.contents, "model", Json::array({{{"text", *assistant_prefix}}}));
  }
  // Gemini needs at least one content; a system-only conversation is asked as a user turn.
  if (out.contents.empty() && !out.system_instruction.is_null()) {
    add_content(out.contents, "user", out.system_instruction["parts"]);
    out.system_instruction = Json();
  }
  if (out.contents.empty()) {
    return invalid_argument("messages contain no text, image or tool content to send", "messages");
  }
  return out;
}

std::string guess_image_mime_type(std::string_view url) {
  std::string ext = extension_of(url);
  if (ext == "png") return "image/png";
  if (ext == "webp") return "image/webp";
  if (ext == "gif") return "image/gif";
  if (ext == "heic") return "image/heic";
  if (ext == "heif") return "image/heif";
  if (ext == "pdf") return "application/pdf";
  return "image/jpeg";
}

}  // namespace understudy
