#include "lib/model/chat.h"

#include "lib/model/json_depth.h"

namespace understudy {

namespace {

const char* kRoles[] = {"system", "developer", "user", "assistant", "tool", "function"};

bool valid_role(const std::string& role) {
  for (const char* r : kRoles) {
    if (role == r) return true;
  }
  return false;
}

Status validate_message(const Json& m, size_t i) {
  std::string at = "messages[" + std::to_string(i) + "]";
  if (!m.is_object()) return invalid_argument(at + " must be an object", at);
  auto role = m.find("role");
  if (role == m.end() || !role->is_string()) {
    return invalid_argument(at + ".role is required and must be a string", at + ".role");
  }
  std::string r = role->get<std::string>();
  if (!valid_role(r)) {
    return invalid_argument(
        at + ".role \"" + r + "\" is not one of system, developer, user, assistant, tool, function",
        at + ".role");
  }
  auto content = m.find("content");
  bool has_tool_calls = m.contains("tool_calls") && !m["tool_calls"].is_null();
  if (content == m.end() || content->is_null()) {
    if (r == "assistant" && (has_tool_calls || m.contains("function_call"))) return Status::Ok();
    if (r == "assistant" && content != m.end()) return Status::Ok();
    return invalid_argument(at + ".content is required", at + ".content");
  }
  if (!content->is_string() && !content->is_array()) {
    return invalid_argument(at + ".content must be a string or an array of content parts",
                            at + ".content");
  }
  if (content->is_array()) {
    for (size_t j = 0; j < content->size(); ++j) {
      const Json& part = (*content)[j];
      std::string pat = at + ".content[" + std::to_string(j) + "]";
      if (!part.is_object() || !part.contains("type") || !part["type"].is_string()) {
        return invalid_argument(pat + " must be an object with a string \"type\"", pat);
      }
    }
  }
  if (r == "tool" && (!m.contains("tool_call_id") || !m["tool_call_id"].is_string())) {
    return invalid_argument(at + ".tool_call_id is required for role \"tool\"",
                            at + ".tool_call_id");
  }
  return Status::Ok();
}

Status validate_messages(const Json& body) {
  auto it = body.find("messages");
  if (it == body.end() || it->is_null())
    return invalid_argument("messages is required", "messages");
  if (!it->is_array()) return invalid_argument("messages must be an array", "messages");
  if (it->empty()) return invalid_argument("messages must not be empty", "messages");
  for (size_t i = 0; i < it->size(); ++i) {
    Status s = validate_message((*it)[i], i);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status read_fallbacks(const Json& body, std::vector<std::string>& out) {
  auto it = body.find("fallbacks");
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) {
    return invalid_argument("fallbacks must be an array of \"provider/model\" strings",
                            "fallbacks");
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& f = (*it)[i];
    std::string at = "fallbacks[" + std::to_string(i) + "]";
    if (!f.is_string()) return invalid_argument(at + " must be a string", at);
    if (f.get<std::string>().empty()) return invalid_argument(at + " is empty", at);
    out.push_back(f.get<std::string>());
  }
  return Status::Ok();
}

Status read_stream_flags(const Json& body, ChatRequest& req) {
  auto it = body.find("stream");
  if (it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) return invalid_argument("stream must be a boolean", "stream");
    req.stream = it->get<bool>();
  }
  auto so = body.find("stream_options");
  if (so != body.end() && !so->is_null()) {
    if (!so->is_object()) {
      return invalid_argument("stream_options must be an object", "stream_options");
    }
    auto iu = so->find("include_usage");
    if (iu != so->end() && !iu->is_null()) {
      if (!iu->is_boolean()) {
        return invalid_argument("stream_options.include_usage must be a boolean",
                                "stream_options.include_usage");
      }
      req.include_usage = iu->get<bool>();
    }
  }
  return Status::Ok();
}

// e.byte counts from 1; report the 0-based offset of the offending byte, and drop the
// library's "[json.exception.parse_error.101] " tag, which means nothing to a caller.
std::string json_error_message(const nlohmann::json::parse_error& e) {
  std::string what = e.what();
  size_t tag_end = what.find("] ");
  if (what.rfind("[json.exception.", 0) == 0 && tag_end != std::string::npos) {
    what.erase(0, tag_end + 2);
  }
  std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
  return "request body is not valid JSON at byte offset " + std::to_string(offset) + ": " + what;
}

}  // namespace

Result<ChatRequest> parse_chat_request(std::string_view bytes) {
  ChatRequest req;
  // Checked before parsing: a deeper body would overflow the stack when it is copied or
  // serialized on its way upstream (lib/model/json_depth.h).
  if (auto at = json_too_deep_at(bytes)) {
    return invalid_argument("request body nests arrays and objects more than " +
                            std::to_string(kMaxJsonDepth) + " levels deep (at byte offset " +
                            std::to_string(*at) + ")");
  }
  try {
    req.body = Json::parse(bytes.begin(), bytes.end());
  } catch (const nlohmann::json::parse_error& e) {
    return invalid_argument(json_error_message(e));
  }
  if (!req.body.is_object()) return invalid_argument("request body must be a JSON object");
  auto model = req.body.find("model");
  if (model == req.body.end() || model->is_null()) {
    return invalid_argument("model is required", "model");
  }
  if (!model->is_string() || model->get<std::string>().empty()) {
    return invalid_argument("model must be a non-empty string", "model");
  }
  req.model = model->get<std::string>();
  req.raw.assign(bytes.data(), bytes.size());
  Status s = validate_messages(req.body);
  if (!s.ok()) return s;
  s = read_fallbacks(req.body, req.fallbacks);
  if (!s.ok()) return s;
  s = read_stream_flags(req.body, req);
  if (!s.ok()) return s;
  return req;
}

Usage usage_from_json(const Json& u) {
  Usage out;
  if (!u.is_object()) return out;
  auto num = [&](const char* k) -> std::int64_t {
    auto it = u.find(k);
    return (it != u.end() && it->is_number()) ? it->get<std::int64_t>() : 0;
  };
  out.prompt_tokens = num("prompt_tokens");
  out.completion_tokens = num("completion_tokens");
  out.total_tokens = num("total_tokens");
  if (out.total_tokens == 0) out.total_tokens = out.prompt_tokens + out.completion_tokens;
  out.present = true;
  return out;
}

std::string ChatResponse::text() const {
  if (!body.contains("choices") || !body["choices"].is_array() || body["choices"].empty()) {
    return "";
  }
  const Json& c = body["choices"][0];
  if (!c.contains("message") || !c["message"].is_object()) return "";
  const Json& content = c["message"].value("content", Json());
  if (content.is_string()) return content.get<std::string>();
  if (content.is_array()) {
    std::string out;
    for (const Json& p : content) {
      if (!p.is_object()) continue;
      // Not value("type", ""): it throws when "type" is there but not a string.
      auto type = p.find("type");
      if (type != p.end() && *type == "text" && p.contains("text") && p["text"].is_string()) {
        out += p["text"].get<std::string>();
      }
    }
    return out;
  }
  return "";
}

namespace {
const Json* first_delta(const Json& chunk) {
  auto ch = chunk.find("choices");
  if (ch == chunk.end() || !ch->is_array() || ch->empty()) return nullptr;
  const Json& c0 = (*ch)[0];
  if (!c0.is_object()) return nullptr;
  auto d = c0.find("delta");
  if (d == c0.end() || !d->is_object()) return nullptr;
  return &*d;
}
}  // namespace

bool chunk_has_content(const Json& chunk) {
  const Json* d = first_delta(chunk);
  if (!d) return false;
  auto c = d->find("content");
  if (c != d->end() && c->is_string() && !c->get_ref<const std::string&>().empty()) return true;
  auto r = d->find("refusal");
  if (r != d->end() && r->is_string() && !r->get_ref<const std::string&>().empty()) return true;
  auto t = d->find("tool_calls");
  return t != d->end() && t->is_array() && !t->empty();
}

std::string chunk_text(const Json& chunk) {
  const Json* d = first_delta(chunk);
  if (!d) return "";
  auto c = d->find("content");
  return (c != d->end() && c->is_string()) ? c->get<std::string>() : "";
}

std::string chunk_finish_reason(const Json& chunk) {
  auto ch = chunk.find("choices");
  if (ch == chunk.end() || !ch->is_array() || ch->empty()) return "";
  const Json& c0 = (*ch)[0];
  if (!c0.is_object()) return "";
  auto f = c0.find("finish_reason");
  return (f != c0.end() && f->is_string()) ? f->get<std::string>() : "";
}

}  // namespace understudy
