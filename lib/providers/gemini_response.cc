#include "lib/providers/gemini_response.h"

#include "lib/providers/error_text.h"
#include "lib/providers/gemini_errors.h"
#include "lib/providers/gemini_ids.h"
#include "lib/providers/gemini_request.h"
#include "lib/providers/json_access.h"

namespace understudy {

namespace {

Json token_bytes(const std::string& token) {
  Json bytes = Json::array();
  for (unsigned char c : token) bytes.push_back(static_cast<int>(c));
  return bytes;
}

Json logprob_entry(const Json& candidate) {
  std::string token = json_str(candidate, "token");
  const Json& lp = member(candidate, "logProbability");
  return Json{{"token", token},
              {"logprob", lp.is_number() ? lp.get<double>() : 0.0},
              {"bytes", token_bytes(token)}};
}

// The OpenAI choice for one candidate of a complete reply.
Json choice_from_candidate(const Json& cand, size_t position, std::string_view response_id) {
  int index = static_cast<int>(int_member(cand, "index", static_cast<long long>(position)));
  std::string text;
  Json tool_calls = Json::array();
  const Json& parts = member(member(cand, "content"), "parts");
  for (size_t i = 0; parts.is_array() && i < parts.size(); ++i) {
    const Json& p = parts[i];
    if (is_visible_text(p)) text += json_str(p, "text");
    if (member(p, "functionCall").is_object()) {
      int ordinal = static_cast<int>(tool_calls.size());
      tool_calls.push_back(gemini_tool_call(p, response_id, index, ordinal));
    }
  }
  Json message{{"role", "assistant"}};
  message["content"] = text.empty() && !tool_calls.empty() ? Json() : Json(text);
  if (!tool_calls.empty()) message["tool_calls"] = tool_calls;
  message["refusal"] = nullptr;
  return Json{
      {"index", index},
      {"message", std::move(message)},
      {"logprobs", gemini_logprobs(member(cand, "logprobsResult"))},
      {"finish_reason", gemini_finish_reason(json_str(cand, "finishReason"), !tool_calls.empty())}};
}

Failure not_an_answer(std::string why) {
  Failure f = make_local_failure(FailureClass::kServer, std::move(why));
  f.upstream_status = 0;
  return f;
}

}  // namespace

std::string gemini_finish_reason(std::string_view reason, bool saw_function_call) {
  static constexpr std::string_view kFiltered[] = {"SAFETY",
                                                   "RECITATION",
                                                   "BLOCKLIST",
                                                   "PROHIBITED_CONTENT",
                                                   "SPII",
                                                   "IMAGE_SAFETY",
                                                   "IMAGE_PROHIBITED_CONTENT",
                                                   "IMAGE_RECITATION"};
  if (reason == "MAX_TOKENS") return "length";
  for (std::string_view f : kFiltered) {
    if (reason == f) return "content_filter";
  }
  // Gemini says STOP when the model called functions; the caller has calls to answer.
  if (saw_function_call && (reason == "STOP" || reason.empty())) return "tool_calls";
  return "stop";
}

Json gemini_usage(const Json& u) {
  long long prompt = int_member(u, "promptTokenCount") + int_member(u, "toolUsePromptTokenCount");
  long long thoughts = int_member(u, "thoughtsTokenCount");
  long long completion = int_member(u, "candidatesTokenCount") + thoughts;
  long long total = int_member(u, "totalTokenCount", prompt + completion);
  return Json{
      {"prompt_tokens", prompt},
      {"completion_tokens", completion},
      {"total_tokens", total},
      {"prompt_tokens_details", {{"cached_tokens", int_member(u, "cachedContentTokenCount")}}},
      {"completion_tokens_details", {{"reasoning_tokens", thoughts}}}};
}

Json gemini_logprobs(const Json& result) {
  const Json& chosen = member(result, "chosenCandidates");
  if (!chosen.is_array()) return nullptr;
  const Json& top = member(result, "topCandidates");
  Json content = Json::array();
  for (size_t i = 0; i < chosen.size(); ++i) {
    Json entry = logprob_entry(chosen[i]);
    Json alternatives = Json::array();
    const Json& at = top.is_array() && i < top.size() ? member(top[i], "candidates") : Json();
    for (size_t k = 0; at.is_array() && k < at.size(); ++k) {
      alternatives.push_back(logprob_entry(at[k]));
    }
    entry["top_logprobs"] = std::move(alternatives);
    content.push_back(std::move(entry));
  }
  return Json{{"content", std::move(content)}, {"refusal", nullptr}};
}

Json gemini_tool_call(const Json& part, std::string_view response_id, int candidate, int ordinal) {
  const Json& call = member(part, "functionCall");
  GeminiCallRef ref{json_str(call, "id"), json_str(part, "thoughtSignature")};
  const Json& args = member(call, "args");
  std::string id = encode_gemini_call_id(gemini_call_stem(response_id, candidate, ordinal), ref);
  return Json{{"index", ordinal},
              {"id", id},
              {"type", "function"},
              {"function",
               {{"name", json_str(call, "name")},
                {"arguments", args.is_object() ? args.dump() : std::string("{}")}}}};
}

bool is_visible_text(const Json& part) {
  const Json& text = member(part, "text");
  return text.is_string() && !text.get_ref<const std::string&>().empty() &&
         member(part, "thought") != true;
}

std::optional<Failure> gemini_reply_failure(const Json& reply) {
  if (const Json* err = gemini_error_object(reply)) {
    return classify_gemini_error_object(0, err, "");
  }
  const Json& candidates = member(reply, "candidates");
  std::string block = json_str(member(reply, "promptFeedback"), "blockReason");
  if (!block.empty() && (!candidates.is_array() || candidates.empty())) {
    std::string detail = json_str(member(reply, "promptFeedback"), "blockReasonMessage");
    Failure f;
    f.cls = FailureClass::kContentPolicy;
    f.type = "invalid_request_error";
    f.code = "content_filter";
    f.message = "gemini blocked the prompt (promptFeedback.blockReason " + block + ")" +
                (detail.empty() ? "" : ": " + detail);
    return f;
  }
  return std::nullopt;
}

std::string gemini_completion_id(const Json& reply) {
  std::string id = json_str(reply, "responseId");
  return "chatcmpl-" + (id.empty() ? std::string("gemini") : id);
}

std::string gemini_served_model(const Json& reply, const std::string& requested_model) {
  std::string version = json_str(reply, "modelVersion");
  return gemini_bare_model(version.empty() ? requested_model : version);
}

ReplyOrFailure parse_gemini_reply(std::string_view body, const std::string& requested_model) {
  Json reply = parse_json_or_discarded(body);
  if (reply.is_discarded()) {
    return not_an_answer("upstream answered 200 with a body that is not JSON: " +
                         body_excerpt(body, 80));
  }
  if (auto failure = gemini_reply_failure(reply)) return *failure;
  const Json& candidates = member(reply, "candidates");
  if (!candidates.is_array() || candidates.empty()) {
    return not_an_answer("upstream reply has no candidates: " + body_excerpt(body, 80));
  }
  std::string response_id = json_str(reply, "responseId");
  Json choices = Json::array();
  for (size_t i = 0; i < candidates.size(); ++i) {
    choices.push_back(choice_from_candidate(candidates[i], i, response_id));
  }
  Json out{{"id", gemini_completion_id(reply)},
           {"object", "chat.completion"},
           {"created", 0},
           {"model", gemini_served_model(reply, requested_model)},
           {"choices", std::move(choices)}};
  if (member(reply, "usageMetadata").is_object()) {
    out["usage"] = gemini_usage(reply["usageMetadata"]);
  }
  return ChatResponse{std::move(out)};
}

}  // namespace understudy
