#include "lib/providers/anthropic_request.h"

#include <algorithm>
#include <set>

#include "lib/core/glob.h"
#include "lib/providers/anthropic_messages.h"
#include "lib/providers/error_text.h"
#include "lib/providers/json_member.h"
#include "lib/providers/param_policy.h"

namespace understudy {

const char* const kAnthropicJsonObjectInstruction =
    "Respond with a single valid JSON object and nothing else: no prose, no code fences.";

namespace {

// The request's fields, each taken at most once; whatever nobody took was not translated and
// is reported as dropped.
class FieldReader {
 public:
  explicit FieldReader(const Json& body) : body_(body) {}

  // The value of `name` when present and not null, else nullptr.
  const Json* peek(const char* name) const {
    auto it = body_.find(name);
    return (it == body_.end() || it->is_null()) ? nullptr : &*it;
  }
  // peek, and mark the field handled either way.
  const Json* take(const char* name) {
    taken_.insert(name);
    return peek(name);
  }

  void report_untaken(std::vector<std::string>& dropped) const {
    for (const auto& [key, value] : body_.items()) {
      if (taken_.count(key) || value.is_null() || is_openai_default(key, value)) continue;
      if (std::find(dropped.begin(), dropped.end(), key) == dropped.end()) dropped.push_back(key);
    }
  }

 private:
  static bool is_openai_default(const std::string& key, const Json& value) {
    return (key == "logprobs" || key == "store") && value.is_boolean() && !value.get<bool>();
  }

  const Json& body_;
  std::set<std::string> taken_;
};

Status take_max_tokens(FieldReader& in, const AttemptTarget& target, Json& out) {
  const Json* mct = in.take("max_completion_tokens");
  const Json* mt = in.take("max_tokens");
  const Json* given = mct ? mct : mt;
  if (!given) {
    std::int64_t configured = target.provider->default_max_tokens;
    out["max_tokens"] =
        configured > 0 ? configured : anthropic_default_max_tokens(target.ref.model);
    return Status::Ok();
  }
  const char* name = mct ? "max_completion_tokens" : "max_tokens";
  if (!given->is_number_integer() || given->get<std::int64_t>() < 0) {
    return invalid_argument(std::string(name) + " must be a non-negative integer", name);
  }
  out["max_tokens"] = *given;
  return Status::Ok();
}

Status take_sampling(FieldReader& in, Json& out) {
  for (const char* name : {"temperature", "top_p", "top_k"}) {
    const Json* v = in.take(name);
    if (!v) continue;
    if (!v->is_number()) return invalid_argument(std::string(name) + " must be a number", name);
    // OpenAI's temperature range is 0..2, Anthropic's 0..1 (its own compat layer clamps too).
    out[name] =
        std::string(name) == "temperature" ? Json(std::clamp(v->get<double>(), 0.0, 1.0)) : *v;
  }
  return Status::Ok();
}

Status take_stop(FieldReader& in, Json& out) {
  const Json* stop = in.take("stop");
  if (!stop) return Status::Ok();
  Json sequences = Json::array();
  Json list = stop->is_array() ? *stop : Json::array({*stop});
  for (const Json& s : list) {
    if (!s.is_string())
      return invalid_argument("stop must be a string or an array of strings", "stop");
    if (!s.get_ref<const std::string&>().empty()) sequences.push_back(s);
  }
  if (!sequences.empty()) out["stop_sequences"] = std::move(sequences);
  return Status::Ok();
}

Result<Json> anthropic_tool(const Json& tool, const std::string& at) {
  if (!tool.is_object()) return invalid_argument(at + " must be an object", at);
  std::string type = json_str(tool, "type");
  if (!type.empty() && type != "function") {
    return invalid_argument(at + ".type \"" + type +
                                "\" is not supported by anthropic (function "
                                "tools only)",
                            at + ".type");
  }
  const Json& fn = json_member(tool, "function");
  std::string name = json_str(fn, "name");
  if (name.empty())
    return invalid_argument(at + ".function.name is required", at + ".function.name");
  Json out{{"name", name}};
  std::string description = json_str(fn, "description");
  if (!description.empty()) out["description"] = description;
  auto params = fn.find("parameters");
  Json schema = (params != fn.end() && params->is_object())
                    ? *params
                    : Json{{"type", "object"}, {"properties", Json::object()}};
  if (!schema.contains("type")) schema["type"] = "object";  // Anthropic requires an object schema
  out["input_schema"] = std::move(schema);
  auto strict = fn.find("strict");
  if (strict != fn.end() && strict->is_boolean() && strict->get<bool>()) out["strict"] = true;
  return out;
}

// allowed_tools restricts the model to some tools: Anthropic has no such choice, so the
// tool list itself is narrowed.
Status narrow_to_allowed(const Json& allowed, Json& tools) {
  std::set<std::string> names;
  for (const Json& t : json_member(allowed, "tools")) {
    names.insert(json_str(json_member(t, "function"), "name"));
  }
  Json kept = Json::array();
  for (Json& t : tools) {
    if (names.count(json_str(t, "name"))) kept.push_back(std::move(t));
  }
  if (kept.empty()) {
    return invalid_argument("tool_choice.allowed_tools names none of the request's tools",
                            "tool_choice");
  }
  tools = std::move(kept);
  return Status::Ok();
}

Result<Json> anthropic_tool_choice(const Json& choice, Json& tools) {
  if (choice.is_string()) {
    std::string c = choice.get<std::string>();
    if (c == "auto") return Json{{"type", "auto"}};
    if (c == "none") return Json{{"type", "none"}};
    if (c == "required") return Json{{"type", "any"}};
  } else if (choice.is_object()) {
    std::string type = json_str(choice, "type");
    if (type == "function") {
      std::string name = json_str(json_member(choice, "function"), "name");
      if (!name.empty()) return Json{{"type", "tool"}, {"name", name}};
    } else if (type == "allowed_tools") {
      const Json& allowed = json_member(choice, "allowed_tools");
      Status s = narrow_to_allowed(allowed, tools);
      if (!s.ok()) return s;
      return Json{{"type", json_str(allowed, "mode") == "required" ? "any" : "auto"}};
    }
  }
  return invalid_argument("tool_choice " + choice.dump() + " is not supported by anthropic",
                          "tool_choice");
}

Status take_tools(FieldReader& in, Json& out) {
  const Json* tools_in = in.take("tools");
  if (!tools_in || !tools_in->is_array() || tools_in->empty()) {
    // No tools: a tool_choice other than "none" cannot be honoured; left untaken, it is
    // reported as dropped.
    const Json* choice = in.peek("tool_choice");
    if (!choice || (choice->is_string() && choice->get<std::string>() == "none")) {
      in.take("tool_choice");
    }
    in.take("parallel_tool_calls");
    return Status::Ok();
  }
  Json tools = Json::array();
  for (size_t i = 0; i < tools_in->size(); ++i) {
    auto t = anthropic_tool((*tools_in)[i], "tools[" + std::to_string(i) + "]");
    if (!t.ok()) return t.status();
    tools.push_back(std::move(*t));
  }
  Json choice;
  if (const Json* c = in.take("tool_choice")) {
    auto translated = anthropic_tool_choice(*c, tools);
    if (!translated.ok()) return translated.status();
    choice = std::move(*translated);
  }
  const Json* parallel = in.take("parallel_tool_calls");
  if (parallel && parallel->is_boolean() && !parallel->get<bool>() &&
      json_str(choice, "type") != "none") {
    if (choice.is_null()) choice = Json{{"type", "auto"}};
    choice["disable_parallel_tool_use"] = true;
  }
  out["tools"] = std::move(tools);
  if (!choice.is_null()) out["tool_choice"] = std::move(choice);
  return Status::Ok();
}

Status take_response_format(FieldReader& in, Json& out, std::string& system) {
  const Json* rf = in.take("response_format");
  if (!rf) return Status::Ok();
  std::string type = json_str(*rf, "type");
  if (type == "text") return Status::Ok();
  if (type == "json_object") {
    system += system.empty() ? "" : "\n\n";
    system += kAnthropicJsonObjectInstruction;
    return Status::Ok();
  }
  if (type == "json_schema") {
    const Json& spec = json_member(*rf, "json_schema");
    auto schema = spec.find("schema");
    out["output_config"]["format"] = {
        {"type", "json_schema"},
        {"schema",
         (schema != spec.end() && schema->is_object()) ? *schema : Json{{"type", "object"}}}};
    return Status::Ok();
  }
  return invalid_argument("response_format.type \"" + type + "\" is not supported by anthropic",
                          "response_format");
}

void take_end_user(FieldReader& in, Json& out) {
  const Json* safety = in.take("safety_identifier");
  const Json* user = in.take("user");
  const Json* id = (safety && safety->is_string()) ? safety : user;
  if (id && id->is_string() && !id->get_ref<const std::string&>().empty()) {
    out["metadata"] = {{"user_id", *id}};
  }
}

Status check_n(FieldReader& in) {
  const Json* n = in.take("n");
  if (n && !(n->is_number_integer() && n->get<std::int64_t>() == 1)) {
    return invalid_argument("n: anthropic returns exactly one choice; send n=1 or leave it out",
                            "n");
  }
  return Status::Ok();
}

}  // namespace

std::int64_t anthropic_default_max_tokens(const std::string& model) {
  for (const char* glob :
       {"claude-2*", "claude-instant*", "claude-3-opus*", "claude-3-sonnet*", "claude-3-haiku*"}) {
    if (glob_match(glob, model)) return 4096;
  }
  return 8192;
}

Result<Json> anthropic_request_body(const ChatRequest& request, const AttemptTarget& target,
                                    const BuildOptions& options,
                                    std::vector<std::string>& dropped) {
  if (!request.body.is_object()) return invalid_argument("request body must be a JSON object");
  Json body = request.body;
  body.erase("fallbacks");  // gateway extension
  apply_param_policy(body, *target.provider, target.ref.model, dropped);
  FieldReader in(body);
  in.take("model");
  in.take("stream");
  in.take("stream_options");
  if (Status s = check_n(in); !s.ok()) return s;

  const Json* messages = in.take("messages");
  auto conversation =
      anthropic_conversation(messages ? *messages : Json(), options.assistant_prefix);
  if (!conversation.ok()) return conversation.status();

  Json out{{"model", target.ref.model}};
  if (Status s = take_max_tokens(in, target, out); !s.ok()) return s;
  Json rest = Json::object();  // fields that follow system and messages
  if (Status s = take_response_format(in, rest, conversation->system); !s.ok()) return s;
  if (!conversation->system.empty()) out["system"] = conversation->system;
  out["messages"] = std::move(conversation->messages);
  if (Status s = take_stop(in, out); !s.ok()) return s;
  if (Status s = take_sampling(in, out); !s.ok()) return s;
  if (Status s = take_tools(in, out); !s.ok()) return s;
  for (auto& [key, value] : rest.items()) out[key] = std::move(value);
  take_end_user(in, out);
  if (options.stream) out["stream"] = true;
  in.report_untaken(dropped);
  return out;
}

}  // namespace understudy
