#include "mocks/fake_validate.h"

#include <openssl/evp.h>

#include <cctype>
#include <vector>

namespace understudy {

namespace {

// ---- error bodies, each in its provider's own shape ----

Rejection openai_reject(int status, std::string message, Json param = nullptr,
                        Json code = nullptr) {
  Json body{{"error", Json{{"message", message},
                           {"type", "invalid_request_error"},
                           {"param", std::move(param)},
                           {"code", std::move(code)}}}};
  return {{status, {{"Content-Type", "application/json"}}, body.dump()}, std::move(message)};
}

Rejection anthropic_reject(int status, const std::string& type, std::string message) {
  Json body{{"type", "error"},
            {"error", Json{{"type", type}, {"message", message}}},
            {"request_id", "req_mock"}};
  return {{status, {{"Content-Type", "application/json"}}, body.dump()}, std::move(message)};
}

Rejection gemini_reject(int status, const std::string& code_name, std::string message,
                        Json details = nullptr) {
  Json error{{"code", status}, {"message", message}, {"status", code_name}};
  if (!details.is_null()) error["details"] = std::move(details);
  Json body{{"error", std::move(error)}};
  return {{status, {{"Content-Type", "application/json; charset=UTF-8"}}, body.dump()},
          std::move(message)};
}

std::string json_type_name(const Json& j) {
  if (j.is_string()) return "a string";
  if (j.is_number()) return "a number";
  if (j.is_boolean()) return "a boolean";
  if (j.is_object()) return "an object";
  if (j.is_array()) return "an array";
  return "null";
}

bool ends_with_space(const std::string& s) {
  return !s.empty() && std::isspace(static_cast<unsigned char>(s.back()));
}

// ---- OpenAI ----

std::optional<Rejection> openai_message_problem(const Json& messages) {
  static const char* kRoles[] = {"system", "assistant", "user", "function", "tool", "developer"};
  for (std::size_t i = 0; i < messages.size(); ++i) {
    std::string at = "messages[" + std::to_string(i) + "]";
    const Json& m = messages[i];
    if (!m.is_object()) {
      return openai_reject(400,
                           "Invalid type for '" + at + "': expected an object, but got " +
                               json_type_name(m) + " instead.",
                           at, "invalid_type");
    }
    if (!m.contains("role")) {
      return openai_reject(400, "Missing required parameter: '" + at + ".role'.", at + ".role",
                           "missing_required_parameter");
    }
    std::string role = m["role"].is_string() ? m["role"].get<std::string>() : m["role"].dump();
    bool known = false;
    for (const char* r : kRoles) known = known || role == r;
    if (!known) {
      return openai_reject(400,
                           "Invalid value: '" + role +
                               "'. Supported values are: 'system', 'assistant', 'user', "
                               "'function', 'tool', and 'developer'.",
                           at + ".role", "invalid_value");
    }
  }
  return std::nullopt;
}

std::optional<Rejection> validate_openai(const FakeRequest& fake, const HttpRequest& req) {
  if (!find_credential(WireFormat::kOpenAI, req)) {
    return openai_reject(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization "
        "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API "
        "key from https://platform.openai.com/account/api-keys.");
  }
  const Json& b = fake.body;
  if (!b.is_object()) {
    return openai_reject(400,
                         "We could not parse the JSON body of your request. (HINT: This likely "
                         "means you aren't using your HTTP library correctly. The OpenAI API "
                         "expects a JSON payload, but what was sent was not valid JSON.)");
  }
  if (!b.contains("model") || !b["model"].is_string() || b["model"].get<std::string>().empty()) {
    return openai_reject(400, "you must provide a model parameter");
  }
  if (!b.contains("messages")) {
    return openai_reject(400, "Missing required parameter: 'messages'.", "messages",
                         "missing_required_parameter");
  }
  const Json& messages = b["messages"];
  if (!messages.is_array()) {
    return openai_reject(400,
                         "Invalid type for 'messages': expected an array of objects, but got " +
                             json_type_name(messages) + " instead.",
                         "messages", "invalid_type");
  }
  if (messages.empty()) {
    return openai_reject(400,
                         "Invalid 'messages': empty array. Expected an array with minimum "
                         "length 1, but got an empty array instead.",
                         "messages", "empty_array");
  }
  return openai_message_problem(messages);
}

// ---- Anthropic ----

// The text of a content value for the emptiness and trailing-whitespace rules. `empty_block`
// is set when an array holds a text block with empty text.
struct ContentShape {
  bool empty = true;
  bool empty_text_block = false;
  std::string last_text;  // the final text (block), for the trailing-whitespace rule
};

ContentShape shape_of(const Json& content) {
  ContentShape s;
  if (content.is_string()) {
    s.last_text = content.get<std::string>();
    s.empty = s.last_text.empty();
    return s;
  }
  if (!content.is_array()) return s;
  s.empty = content.empty();
  for (const Json& block : content) {
    const Json& type = block.is_object() ? block.value("type", Json()) : Json();
    if (!type.is_string() || type != "text") {
      s.last_text.clear();
      continue;
    }
    const Json& text = block.value("text", Json());
    s.last_text = text.is_string() ? text.get<std::string>() : "";
    if (s.last_text.empty()) s.empty_text_block = true;
  }
  return s;
}

std::optional<std::string> anthropic_turn_problem(const Json& m, std::size_t i, bool last) {
  std::string at = "messages." + std::to_string(i);
  if (!m.is_object()) return at + ": Input should be a valid dictionary";
  if (!m.contains("role")) return at + ".role: Field required";
  std::string role = m["role"].is_string() ? m["role"].get<std::string>() : "";
  if (role == "system") {
    return "messages: Unexpected role \"system\". The Messages API accepts a top-level `system` "
           "parameter, not \"system\" as an input message role.";
  }
  if (role != "user" && role != "assistant") {
    return at + ".role: Input should be 'user' or 'assistant'";
  }
  if (i == 0 && role != "user") return "messages: first message must use the \"user\" role";
  if (!m.contains("content")) return at + ".content: Field required";
  ContentShape shape = shape_of(m["content"]);
  bool final_assistant = last && role == "assistant";
  if (shape.empty && !final_assistant) {
    return at +
           ": all messages must have non-empty content except for the optional final "
           "assistant message";
  }
  if (shape.empty_text_block) return "messages: text content blocks must be non-empty";
  if (final_assistant && ends_with_space(shape.last_text)) {
    return "messages: final assistant content cannot end with trailing whitespace";
  }
  return std::nullopt;
}

std::optional<Rejection> validate_anthropic(const FakeRequest& fake, const HttpRequest& req) {
  if (!find_credential(WireFormat::kAnthropic, req)) {
    return anthropic_reject(401, "authentication_error", "x-api-key header is required");
  }
  auto bad = [](std::string message) {
    return anthropic_reject(400, "invalid_request_error", std::move(message));
  };
  auto version = header_value(req.headers, "anthropic-version");
  if (!version || version->empty()) return bad("anthropic-version: header is required");
  const Json& b = fake.body;
  if (!b.is_object()) return bad("The request body is not valid JSON.");
  if (!b.contains("model") || !b["model"].is_string()) return bad("model: Field required");
  if (!b.contains("max_tokens")) return bad("max_tokens: Field required");
  if (!b["max_tokens"].is_number_integer())
    return bad("max_tokens: Input should be a valid integer");
  if (!b.contains("messages")) return bad("messages: Field required");
  const Json& messages = b["messages"];
  if (!messages.is_array()) return bad("messages: Input should be a valid list");
  if (messages.empty()) return bad("messages: at least one message is required");
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (auto problem = anthropic_turn_problem(messages[i], i, i + 1 == messages.size())) {
      return bad(*problem);
    }
  }
  return std::nullopt;
}

// ---- Gemini ----

std::optional<Rejection> gemini_config_problem(const Json& config) {
  if (!config.is_object()) return std::nullopt;
  for (const auto& [key, value] : config.items()) {
    if (key.find('_') == std::string::npos) continue;
    std::string message = "Invalid JSON payload received. Unknown name \"" + key +
                          "\" at 'generation_config': Cannot find field.";
    Json details = Json::array(
        {Json{{"@type", "type.googleapis.com/google.rpc.BadRequest"},
              {"fieldViolations",
               Json::array({Json{{"field", "generation_config"}, {"description", message}}})}}});
    return gemini_reject(400, "INVALID_ARGUMENT", message, std::move(details));
  }
  return std::nullopt;
}

std::optional<Rejection> validate_gemini(const FakeRequest& fake, const HttpRequest& req) {
  if (!find_credential(WireFormat::kGemini, req)) {
    return gemini_reject(403, "PERMISSION_DENIED",
                         "Method doesn't allow unregistered callers (callers without established "
                         "identity). Please use API Key or other form of API consumer identity "
                         "to call this API.");
  }
  const Json& b = fake.body;
  if (!b.is_object()) {
    return gemini_reject(400, "INVALID_ARGUMENT",
                         "Invalid JSON payload received. Expected a JSON object.");
  }
  if (b.contains("generationConfig")) {
    if (auto r = gemini_config_problem(b["generationConfig"])) return r;
  }
  const Json& contents = b.value("contents", Json());
  if (!contents.is_array() || contents.empty()) {
    return gemini_reject(400, "INVALID_ARGUMENT",
                         "* GenerateContentRequest.contents: contents is not specified\n");
  }
  for (const Json& c : contents) {
    if (!c.is_object() || !c.contains("role")) continue;  // a missing role means "user"
    const Json& role = c["role"];
    if (!role.is_string() || (role != "user" && role != "model")) {
      return gemini_reject(400, "INVALID_ARGUMENT", "Please use a valid role: user, model.");
    }
  }
  return std::nullopt;
}

// The "name=value" parameters of the query of `path`, in order.
std::vector<std::string> query_params(const std::string& path) {
  std::vector<std::string> out;
  std::size_t q = path.find('?');
  if (q == std::string::npos) return out;
  for (std::size_t start = q + 1;;) {
    std::size_t amp = path.find('&', start);
    out.push_back(path.substr(start, amp == std::string::npos ? std::string::npos : amp - start));
    if (amp == std::string::npos) return out;
    start = amp + 1;
  }
}

bool is_key_param(const std::string& param) { return param.rfind("key=", 0) == 0; }

}  // namespace

std::optional<Credential> find_credential(WireFormat format, const HttpRequest& req) {
  auto nonempty = [](std::string header, std::string value) -> std::optional<Credential> {
    if (value.empty()) return std::nullopt;
    return Credential{std::move(header), std::move(value)};
  };
  switch (format) {
    case WireFormat::kOpenAI: {
      auto auth = header_value(req.headers, "authorization");
      if (!auth || auth->size() < 7 || !iequals(auth->substr(0, 7), "bearer ")) return std::nullopt;
      return nonempty("authorization", auth->substr(7));
    }
    case WireFormat::kAnthropic:
      return nonempty("x-api-key", header_value(req.headers, "x-api-key").value_or(""));
    case WireFormat::kGemini: {
      if (auto h = header_value(req.headers, "x-goog-api-key"); h && !h->empty()) {
        return Credential{"x-goog-api-key", *h};
      }
      for (const std::string& param : query_params(req.path)) {
        if (is_key_param(param)) return nonempty("key", param.substr(4));
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string credential_fingerprint(const std::string& value) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(value.data(), value.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    return "????????";
  }
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < 4 && i < size; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

std::string redact_key_query(const std::string& path) {
  std::size_t q = path.find('?');
  if (q == std::string::npos) return path;
  std::string out = path.substr(0, q + 1);
  std::vector<std::string> params = query_params(path);
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i > 0) out += '&';
    out += is_key_param(params[i]) ? std::string("key=[redacted]") : params[i];
  }
  return out;
}

std::optional<Rejection> validate_fake_request(const FakeRequest& fake, const HttpRequest& req) {
  switch (fake.format) {
    case WireFormat::kOpenAI:
      return validate_openai(fake, req);
    case WireFormat::kAnthropic:
      return validate_anthropic(fake, req);
    case WireFormat::kGemini:
      return validate_gemini(fake, req);
  }
  return std::nullopt;
}

}  // namespace understudy
