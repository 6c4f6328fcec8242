#include "lib/providers/gemini_request.h"

#include <cctype>
#include <set>

#include "lib/providers/error_text.h"
#include "lib/providers/gemini_contents.h"
#include "lib/providers/json_access.h"

namespace understudy {

namespace {

// Request fields the gateway itself consumes: neither translated nor reported as dropped.
const std::set<std::string> kConsumed = {"model", "messages", "stream", "stream_options",
                                         "fallbacks"};

Status copy_number(const Json& value, const std::string& key, Json& config, const char* to) {
  if (!value.is_number()) return invalid_argument(key + " must be a number", key);
  config[to] = value;
  return Status::Ok();
}

Status copy_integer(const Json& value, const std::string& key, Json& config, const char* to) {
  if (!value.is_number_integer()) return invalid_argument(key + " must be an integer", key);
  config[to] = value;
  return Status::Ok();
}

Status copy_stop(const Json& value, Json& config) {
  Json stops = Json::array();
  if (value.is_string()) {
    stops.push_back(value);
  } else if (value.is_array()) {
    for (const Json& s : value) {
      if (!s.is_string()) return invalid_argument("stop must be a string or strings", "stop");
      stops.push_back(s);
    }
  } else {
    return invalid_argument("stop must be a string or an array of strings", "stop");
  }
  if (!stops.empty()) config["stopSequences"] = std::move(stops);
  return Status::Ok();
}

Status copy_response_format(const Json& value, Json& config) {
  std::string type = json_str(value, "type");
  if (type == "text") return Status::Ok();
  if (type == "json_object") {
    config["responseMimeType"] = "application/json";
    return Status::Ok();
  }
  if (type == "json_schema") {
    config["responseMimeType"] = "application/json";
    const Json& schema = member(member(value, "json_schema"), "schema");
    if (!schema.is_null()) config["responseJsonSchema"] = schema;
    return Status::Ok();
  }
  return invalid_argument(
      "response_format.type \"" + type + "\" is not one of text, json_object, json_schema",
      "response_format.type");
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// reasoning_effort -> thinkingConfig [verify]: Gemini 3 takes a level, Gemini 2.5 a token
// budget (2.5 Pro cannot turn thinking off; its minimum is 128). Other models do not think
// and reject thinkingConfig: nullopt, so the caller drops the parameter.
Result<std::optional<Json>> thinking_config(const std::string& model, const Json& value) {
  static const std::set<std::string> kEfforts = {"none", "minimal", "low", "medium",
                                                 "high", "xhigh",   "max"};
  std::string effort = value.is_string() ? value.get<std::string>() : "";
  if (!kEfforts.count(effort)) {
    return invalid_argument(
        "reasoning_effort must be one of none, minimal, low, medium, high, "
        "xhigh, max",
        "reasoning_effort");
  }
  bool low = effort == "none" || effort == "minimal" || effort == "low";
  if (starts_with(model, "gemini-3")) {
    return std::optional<Json>(Json{{"thinkingLevel", low ? "LOW" : "HIGH"}});
  }
  if (!starts_with(model, "gemini-2.5")) return std::optional<Json>();
  int budget = effort == "none"      ? (model.find("pro") != std::string::npos ? 128 : 0)
               : effort == "minimal" ? 512
               : effort == "low"     ? 1024
               : effort == "medium"  ? 8192
                                     : 24576;
  return std::optional<Json>(Json{{"thinkingBudget", budget}});
}

// One functionDeclaration from an OpenAI function definition.
Result<Json> declaration(const Json& function, const std::string& at) {
  std::string name = json_str(function, "name");
  if (name.empty()) return invalid_argument(at + ".name is required", at + ".name");
  Json d{{"name", name}};
  if (function.contains("description") && function["description"].is_string()) {
    d["description"] = function["description"];
  }
  const Json& params = member(function, "parameters");
  if (!params.is_null()) d["parametersJsonSchema"] = params;
  return d;
}

struct ToolState {
  Json declarations = Json::array();
  Json calling_config;         // functionCallingConfig, null when the caller set none
  std::set<std::string> only;  // allowed_tools in auto mode: declare just these
  bool strict_dropped = false;
};

Status add_tools(const Json& tools, ToolState& st) {
  if (!tools.is_array()) return invalid_argument("tools must be an array", "tools");
  for (size_t i = 0; i < tools.size(); ++i) {
    std::string at = "tools[" + std::to_string(i) + "]";
    std::string type = json_str(tools[i], "type");
    if (type != "function") {
      return invalid_argument(at + ".type \"" + type +
                                  "\" is not supported by Gemini; only "
                                  "function tools are",
                              at + ".type");
    }
    const Json& fn = member(tools[i], "function");
    auto d = declaration(fn, at + ".function");
    if (!d.ok()) return d.status();
    if (member(fn, "strict").is_boolean()) st.strict_dropped = true;
    st.declarations.push_back(std::move(*d));
  }
  return Status::Ok();
}

Status add_functions(const Json& functions, ToolState& st) {  // deprecated `functions`
  if (!functions.is_array()) return invalid_argument("functions must be an array", "functions");
  for (size_t i = 0; i < functions.size(); ++i) {
    auto d = declaration(functions[i], "functions[" + std::to_string(i) + "]");
    if (!d.ok()) return d.status();
    st.declarations.push_back(std::move(*d));
  }
  return Status::Ok();
}

Json names_of(const Json& tools) {
  Json names = Json::array();
  if (!tools.is_array()) return names;
  for (const Json& t : tools) names.push_back(json_str(member(t, "function"), "name"));
  return names;
}

Status set_tool_choice(const Json& v, const std::string& key, ToolState& st) {
  std::string s = v.is_string() ? v.get<std::string>() : "";
  if (s == "auto" || s == "none" || s == "required") {
    st.calling_config = {{"mode", s == "auto" ? "AUTO" : s == "none" ? "NONE" : "ANY"}};
    return Status::Ok();
  }
  std::string type = json_str(v, "type");
  std::string name = json_str(member(v, "function"), "name");
  if (name.empty()) name = json_str(v, "name");  // deprecated function_call: {"name": ...}
  if (!name.empty() && (type == "function" || type.empty())) {
    st.calling_config = {{"mode", "ANY"}, {"allowedFunctionNames", Json::array({name})}};
    return Status::Ok();
  }
  if (type == "allowed_tools") {
    const Json& allowed = member(v, "allowed_tools");
    Json names = names_of(member(allowed, "tools"));
    if (json_str(allowed, "mode") == "required") {
      st.calling_config = {{"mode", "ANY"}, {"allowedFunctionNames", names}};
    } else {
      st.calling_config = {{"mode", "AUTO"}};
      for (const Json& n : names) st.only.insert(n.get<std::string>());
    }
    return Status::Ok();
  }
  return invalid_argument(key +
                              " is not a form Gemini can express (auto, none, required, a "
                              "function, or allowed_tools)",
                          key);
}

class BodyBuilder {
 public:
  explicit BodyBuilder(std::string model) : model_(std::move(model)) {}

  // One top-level request field: translated into the body, or recorded as dropped.
  Status add_param(const std::string& key, const Json& v, const Json& request) {
    if (v.is_null() || kConsumed.count(key)) return Status::Ok();
    if (key == "max_completion_tokens") return copy_integer(v, key, config_, "maxOutputTokens");
    if (key == "max_tokens") {
      if (member(request, "max_completion_tokens").is_null()) {
        return copy_integer(v, key, config_, "maxOutputTokens");
      }
      return Status::Ok();  // max_completion_tokens wins
    }
    if (key == "temperature") return copy_number(v, key, config_, "temperature");
    if (key == "top_p") return copy_number(v, key, config_, "topP");
    if (key == "top_k") return copy_integer(v, key, config_, "topK");
    if (key == "stop") return copy_stop(v, config_);
    if (key == "n") return copy_integer(v, key, config_, "candidateCount");
    if (key == "presence_penalty") return copy_number(v, key, config_, "presencePenalty");
    if (key == "frequency_penalty") return copy_number(v, key, config_, "frequencyPenalty");
    if (key == "seed") return copy_integer(v, key, config_, "seed");
    if (key == "response_format") return copy_response_format(v, config_);
    if (key == "top_logprobs") return copy_integer(v, key, config_, "logprobs");
    if (key == "logprobs") {
      if (!v.is_boolean()) return invalid_argument("logprobs must be a boolean", key);
      config_["responseLogprobs"] = v;
      return Status::Ok();
    }
    if (key == "tools") return add_tools(v, tools_);
    if (key == "functions") return add_functions(v, tools_);
    if (key == "tool_choice" || key == "function_call") return set_tool_choice(v, key, tools_);
    if (key == "reasoning_effort") return add_thinking(v);
    dropped_.push_back(key);
    return Status::Ok();
  }

  GeminiRequestBody finish(GeminiContents contents, const Json& request) {
    GeminiRequestBody out;
    Json& body = out.body;
    body["contents"] = std::move(contents.contents);
    if (!contents.system_instruction.is_null()) {
      body["systemInstruction"] = std::move(contents.system_instruction);
    }
    Json decls = Json::array();
    for (Json& d : tools_.declarations) {
      if (tools_.only.empty() || tools_.only.count(json_str(d, "name"))) decls.push_back(d);
    }
    if (!decls.empty()) {
      body["tools"] = Json::array({{{"functionDeclarations", std::move(decls)}}});
      if (!tools_.calling_config.is_null()) {
        body["toolConfig"] = {{"functionCallingConfig", tools_.calling_config}};
      }
    } else {
      for (const char* k : {"tool_choice", "function_call"}) {
        if (!member(request, k).is_null()) dropped_.push_back(k);
      }
    }
    if (tools_.strict_dropped) dropped_.push_back("tools[].function.strict");
    if (!config_.empty()) body["generationConfig"] = std::move(config_);
    out.dropped_params = std::move(dropped_);
    return out;
  }

 private:
  Status add_thinking(const Json& v) {
    auto tc = thinking_config(model_, v);
    if (!tc.ok()) return tc.status();
    if (!*tc) {
      dropped_.push_back("reasoning_effort");
    } else {
      config_["thinkingConfig"] = std::move(**tc);
    }
    return Status::Ok();
  }

  std::string model_;
  Json config_ = Json::object();
  ToolState tools_;
  std::vector<std::string> dropped_;
};

}  // namespace

Result<GeminiRequestBody> translate_gemini_request(
    const Json& request, const std::string& model,
    const std::optional<std::string>& assistant_prefix) {
  auto contents = translate_gemini_messages(member(request, "messages"), assistant_prefix);
  if (!contents.ok()) return contents.status();
  BodyBuilder builder(gemini_bare_model(model));
  for (const auto& [key, value] : request.items()) {
    Status s = builder.add_param(key, value, request);
    if (!s.ok()) return s;
  }
  return builder.finish(std::move(*contents), request);
}

std::string gemini_bare_model(const std::string& model) {
  constexpr std::string_view kPrefix = "models/";
  return starts_with(model, kPrefix) ? model.substr(kPrefix.size()) : model;
}

std::string gemini_method_path(const std::string& base_path, const std::string& model,
                               bool stream) {
  std::string resource = starts_with(model, "models/") || starts_with(model, "tunedModels/")
                             ? model
                             : "models/" + model;
  std::string path = base_path + "/";
  static const char* kHex = "0123456789ABCDEF";
  for (unsigned char c : resource) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      path.push_back(static_cast<char>(c));
    } else {
      path += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return path + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
}

}  // namespace understudy
