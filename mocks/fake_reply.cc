#include "mocks/fake_reply.h"

#include <algorithm>

#include "lib/providers/error_text.h"
#include "lib/providers/json_access.h"

namespace understudy {

const char* wire_format_name(WireFormat f) {
  switch (f) {
    case WireFormat::kOpenAI:
      return "openai";
    case WireFormat::kAnthropic:
      return "anthropic";
    case WireFormat::kGemini:
      return "gemini";
  }
  return "openai";
}

namespace {

constexpr std::int64_t kCreated = 1767225600;  // fixed: replies are byte-for-byte deterministic

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string text_of(const Json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (content.is_array()) {
    for (const Json& p : content) {
      if (p.is_object() && p.contains("text") && p["text"].is_string())
        out += p["text"].get<std::string>();
    }
  }
  return out;
}

std::int64_t count_words(const std::string& s) {
  std::int64_t n = 0;
  bool in = false;
  for (char c : s) {
    bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in) ++n;
    in = !space;
  }
  return n;
}

bool bool_member(const Json& obj, const char* key) {
  const Json& v = member(obj, key);
  return v.is_boolean() && v.get<bool>();
}

// Messages as (role, text) for every format: OpenAI/Anthropic "messages", Gemini "contents".
// Runs before validation, so it reads every field without trusting its type.
std::vector<std::pair<std::string, std::string>> turns_of(const FakeRequest& r) {
  std::vector<std::pair<std::string, std::string>> out;
  const Json& b = r.body;
  if (r.format == WireFormat::kGemini) {
    const Json& contents = member(b, "contents");
    for (size_t i = 0; contents.is_array() && i < contents.size(); ++i) {
      const Json& c = contents[i];
      if (!c.is_object()) continue;
      const Json& parts = member(c, "parts");
      std::string t;
      for (size_t j = 0; parts.is_array() && j < parts.size(); ++j) t += json_str(parts[j], "text");
      out.emplace_back(json_str(c, "role") == "model" ? "assistant" : "user", t);
    }
    return out;
  }
  const Json& messages = member(b, "messages");
  for (size_t i = 0; messages.is_array() && i < messages.size(); ++i) {
    const Json& m = messages[i];
    if (!m.is_object()) continue;
    out.emplace_back(json_str(m, "role"), text_of(member(m, "content")));
  }
  return out;
}

}  // namespace

std::optional<FakeRequest> parse_fake_request(const HttpRequest& req) {
  FakeRequest r;
  std::string path = req.path.substr(0, req.path.find('?'));
  if (ends_with(path, "/chat/completions")) {
    r.format = WireFormat::kOpenAI;
  } else if (ends_with(path, "/messages")) {
    r.format = WireFormat::kAnthropic;
  } else if (size_t colon = path.rfind(':');
             colon != std::string::npos && path.find("/models/") != std::string::npos) {
    r.format = WireFormat::kGemini;
    std::string method = path.substr(colon + 1);
    if (method != "generateContent" && method != "streamGenerateContent") return std::nullopt;
    r.stream = method == "streamGenerateContent";
    size_t m = path.find("/models/") + 8;
    r.model = path.substr(m, colon - m);
  } else {
    return std::nullopt;
  }
  // Any body at all may arrive here: the fields are read without trusting their types, and
  // validate_fake_request answers a wrong type the way the real service does.
  r.body = parse_json_or_discarded(req.body);
  if (r.body.is_discarded()) r.body = Json();
  if (r.format != WireFormat::kGemini && r.body.is_object()) {
    const Json& model = member(r.body, "model");
    r.model = model.is_string() ? model.get<std::string>() : "";
    r.stream = bool_member(r.body, "stream");
    r.include_usage = bool_member(member(r.body, "stream_options"), "include_usage");
  }
  auto turns = turns_of(r);
  for (const auto& [role, text] : turns) {
    r.prompt_tokens += count_words(text);
    if (role == "user") r.last_user_text = text;
  }
  if (!turns.empty() && turns.back().first == "assistant") r.assistant_prefix = turns.back().second;
  if (r.format == WireFormat::kAnthropic) {
    r.prompt_tokens += count_words(text_of(member(r.body, "system")));
  }
  return r;
}

std::string fake_reply_text(const FakeRequest& r, const std::string& override_content) {
  std::string full =
      !override_content.empty()
          ? override_content
          : (r.last_user_text.empty() ? std::string("Hello from the understudy mock.")
                                      : "You said: " + r.last_user_text);
  if (!r.assistant_prefix) return full;
  const std::string& p = *r.assistant_prefix;
  if (full.compare(0, p.size(), p) == 0) return full.substr(p.size());
  // Anthropic-style prefixes lose trailing whitespace; tolerate that.
  std::string trimmed = p;
  while (!trimmed.empty() && trimmed.back() == ' ') trimmed.pop_back();
  if (full.compare(0, trimmed.size(), trimmed) == 0) return full.substr(trimmed.size());
  return " (continued)";
}

std::vector<std::string> split_tokens(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ' ' && !cur.empty() && cur.back() != ' ') {
      out.push_back(cur);
      cur.clear();
    }
    cur.push_back(c);
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

Headers stream_headers() {
  return {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}};
}

namespace {

Json openai_usage(const FakeRequest& r, std::int64_t completion) {
  return Json{{"prompt_tokens", r.prompt_tokens},
              {"completion_tokens", completion},
              {"total_tokens", r.prompt_tokens + completion}};
}

std::string sse(const Json& j, const char* event = nullptr) {
  std::string out;
  if (event) out += std::string("event: ") + event + "\n";
  return out + "data: " + j.dump() + "\n\n";
}

Json openai_chunk(const FakeRequest& r, Json delta, Json finish) {
  return Json{{"id", "chatcmpl-mock"},
              {"object", "chat.completion.chunk"},
              {"created", kCreated},
              {"model", r.model},
              {"choices", Json::array({Json{{"index", 0},
                                            {"delta", std::move(delta)},
                                            {"finish_reason", std::move(finish)}}})}};
}

FakeStream openai_stream(const FakeRequest& r, const std::vector<std::string>& tokens) {
  FakeStream s;
  s.head_events.push_back(
      sse(openai_chunk(r, Json{{"role", "assistant"}, {"content", ""}}, nullptr)));
  for (const std::string& t : tokens)
    s.token_events.push_back(sse(openai_chunk(r, Json{{"content", t}}, nullptr)));
  s.tail_events.push_back(sse(openai_chunk(r, Json::object(), "stop")));
  if (r.include_usage) {
    Json u = openai_chunk(r, Json::object(), nullptr);
    u["choices"] = Json::array();
    u["usage"] = openai_usage(r, static_cast<std::int64_t>(tokens.size()));
    s.tail_events.push_back(sse(u));
  }
  s.terminator = "data: [DONE]\n\n";
  return s;
}

FakeStream anthropic_stream(const FakeRequest& r, const std::vector<std::string>& tokens) {
  FakeStream s;
  Json start{
      {"type", "message_start"},
      {"message", Json{{"id", "msg_mock"},
                       {"type", "message"},
                       {"role", "assistant"},
                       {"model", r.model},
                       {"content", Json::array()},
                       {"stop_reason", nullptr},
                       {"stop_sequence", nullptr},
                       {"usage", Json{{"input_tokens", r.prompt_tokens}, {"output_tokens", 1}}}}}};
  s.head_events.push_back(sse(start, "message_start"));
  s.head_events.push_back(sse(Json{{"type", "content_block_start"},
                                   {"index", 0},
                                   {"content_block", Json{{"type", "text"}, {"text", ""}}}},
                              "content_block_start"));
  s.head_events.push_back(sse(Json{{"type", "ping"}}, "ping"));
  for (const std::string& t : tokens) {
    s.token_events.push_back(sse(Json{{"type", "content_block_delta"},
                                      {"index", 0},
                                      {"delta", Json{{"type", "text_delta"}, {"text", t}}}},
                                 "content_block_delta"));
  }
  s.tail_events.push_back(
      sse(Json{{"type", "content_block_stop"}, {"index", 0}}, "content_block_stop"));
  s.tail_events.push_back(
      sse(Json{{"type", "message_delta"},
               {"delta", Json{{"stop_reason", "end_turn"}, {"stop_sequence", nullptr}}},
               {"usage", Json{{"output_tokens", tokens.size()}}}},
          "message_delta"));
  s.terminator = sse(Json{{"type", "message_stop"}}, "message_stop");
  return s;
}

Json gemini_chunk(const FakeRequest& r, const std::string& text) {
  return Json{{"candidates",
               Json::array({Json{{"content", Json{{"parts", Json::array({Json{{"text", text}}})},
                                                  {"role", "model"}}},
                                 {"index", 0}}})},
              {"usageMetadata",
               Json{{"promptTokenCount", r.prompt_tokens}, {"totalTokenCount", r.prompt_tokens}}},
              {"modelVersion", r.model},
              {"responseId", "mock-response"}};
}

FakeStream gemini_stream(const FakeRequest& r, const std::vector<std::string>& tokens) {
  FakeStream s;
  for (const std::string& t : tokens) s.token_events.push_back(sse(gemini_chunk(r, t)));
  Json last = gemini_chunk(r, "");
  last["candidates"][0]["finishReason"] = "STOP";
  std::int64_t n = static_cast<std::int64_t>(tokens.size());
  last["usageMetadata"] = Json{{"promptTokenCount", r.prompt_tokens},
                               {"candidatesTokenCount", n},
                               {"totalTokenCount", r.prompt_tokens + n}};
  s.tail_events.push_back(sse(last));
  return s;
}

}  // namespace

FakeStream render_stream(const FakeRequest& r, const std::string& text) {
  std::vector<std::string> tokens = split_tokens(text);
  switch (r.format) {
    case WireFormat::kOpenAI:
      return openai_stream(r, tokens);
    case WireFormat::kAnthropic:
      return anthropic_stream(r, tokens);
    case WireFormat::kGemini:
      return gemini_stream(r, tokens);
  }
  return openai_stream(r, tokens);
}

FakeHttpReply render_success(const FakeRequest& r, const std::string& text) {
  FakeHttpReply out;
  out.headers = {{"Content-Type", "application/json"}};
  std::int64_t n = static_cast<std::int64_t>(split_tokens(text).size());
  Json b;
  switch (r.format) {
    case WireFormat::kOpenAI:
      b = Json{
          {"id", "chatcmpl-mock"},
          {"object", "chat.completion"},
          {"created", kCreated},
          {"model", r.model},
          {"choices", Json::array({Json{{"index", 0},
                                        {"message", Json{{"role", "assistant"}, {"content", text}}},
                                        {"finish_reason", "stop"}}})},
          {"usage", openai_usage(r, n)}};
      break;
    case WireFormat::kAnthropic:
      b = Json{{"id", "msg_mock"},
               {"type", "message"},
               {"role", "assistant"},
               {"model", r.model},
               {"content", Json::array({Json{{"type", "text"}, {"text", text}}})},
               {"stop_reason", "end_turn"},
               {"stop_sequence", nullptr},
               {"usage", Json{{"input_tokens", r.prompt_tokens}, {"output_tokens", n}}}};
      break;
    case WireFormat::kGemini:
      b = gemini_chunk(r, text);
      b["candidates"][0]["finishReason"] = "STOP";
      b["usageMetadata"] = Json{{"promptTokenCount", r.prompt_tokens},
                                {"candidatesTokenCount", n},
                                {"totalTokenCount", r.prompt_tokens + n}};
      break;
  }
  out.body = b.dump();
  return out;
}

}  // namespace understudy
