#include "lib/providers/param_policy.h"

#include <algorithm>
#include <string_view>

#include "lib/core/glob.h"

namespace understudy {

namespace {

using NamePair = std::pair<const char*, const char*>;

struct BuiltinRule {
  ProviderType type;
  std::string model_glob;
  std::vector<const char*> rejected;
  std::vector<NamePair> renamed;
  std::vector<NamePair> exclusive;
};

// Sampling parameters OpenAI reasoning models reject (they only run at their defaults).
const std::vector<const char*> kReasoningSampling = {
    "temperature", "top_p",        "presence_penalty", "frequency_penalty",
    "logprobs",    "top_logprobs", "logit_bias"};

std::vector<const char*> with_stop(std::vector<const char*> names) {
  names.push_back("stop");
  return names;
}

// Newer Claude models accept only the default temperature (1.0) and reject top_p/top_k
// (wire-formats §3.2 and §11: "models released after Claude Opus 4.6"). [verify] The exact
// model list is not published; these globs cover Opus 4.7+ and the next generations.
void add_claude_sampling_deprecated(std::vector<BuiltinRule>& t) {
  for (const char* family : {"opus", "sonnet", "haiku"}) {
    for (const char* version : {"4-7", "4-8", "4-9", "5"}) {
      t.push_back({ProviderType::kAnthropic,
                   std::string("claude-") + family + "-" + version + "*",
                   {"temperature", "top_p", "top_k"},
                   {},
                   {}});
    }
  }
  t.push_back(
      {ProviderType::kAnthropic, "claude-fable*", {"temperature", "top_p", "top_k"}, {}, {}});
}

// Claude Opus 4.1 through the 4.6 generation answer 400 "temperature and top_p cannot both be
// specified for this model"; temperature is the knob callers usually mean, so top_p goes.
void add_claude_temperature_xor_top_p(std::vector<BuiltinRule>& t) {
  for (const char* glob : {"claude-opus-4-1*", "claude-opus-4-5*", "claude-opus-4-6*",
                           "claude-sonnet-4-5*", "claude-sonnet-4-6*", "claude-haiku-4-5*"}) {
    t.push_back({ProviderType::kAnthropic, glob, {}, {}, {{"temperature", "top_p"}}});
  }
}

// OpenAI reasoning models. First match wins, so the exceptions come first: gpt-5-chat is not a
// reasoning model, and gpt-5.5 and later accept `stop` again. [verify] per model release.
void add_openai_reasoning(std::vector<BuiltinRule>& t) {
  const NamePair rename_max_tokens{"max_tokens", "max_completion_tokens"};
  t.push_back({ProviderType::kOpenAI, "gpt-5-chat*", {}, {}, {}});
  for (const char* glob : {"gpt-5.5*", "gpt-5.6*", "gpt-5.7*", "gpt-5.8*", "gpt-5.9*"}) {
    t.push_back({ProviderType::kOpenAI, glob, kReasoningSampling, {rename_max_tokens}, {}});
  }
  for (const char* glob : {"gpt-5*", "o1*", "o3*", "o4*"}) {
    t.push_back(
        {ProviderType::kOpenAI, glob, with_stop(kReasoningSampling), {rename_max_tokens}, {}});
  }
}

const std::vector<BuiltinRule>& builtin_rules() {
  static const std::vector<BuiltinRule> table = [] {
    std::vector<BuiltinRule> t;
    add_claude_sampling_deprecated(t);
    add_claude_temperature_xor_top_p(t);
    add_openai_reasoning(t);
    return t;
  }();
  return table;
}

void add_unique(std::vector<std::string>& names, const std::string& name) {
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

template <typename T, typename Pred>
void erase_if_any(std::vector<T>& v, Pred pred) {
  v.erase(std::remove_if(v.begin(), v.end(), pred), v.end());
}

// "!name" re-allows `name`: it is no longer rejected, renamed or dropped for exclusivity.
void allow_param(ParamPolicy& p, const std::string& name) {
  erase_if_any(p.rejected, [&](const std::string& n) { return n == name; });
  erase_if_any(p.renamed, [&](const auto& r) { return r.first == name; });
  erase_if_any(p.exclusive, [&](const auto& e) { return e.second == name; });
}

void apply_config_overrides(ParamPolicy& p, const ProviderConfig& provider,
                            const std::string& model) {
  for (const auto& [glob, names] : provider.drop_params) {
    if (!glob_match(glob, model)) continue;
    for (const std::string& name : names) {
      if (!name.empty() && name[0] == '!') {
        allow_param(p, name.substr(1));
      } else if (!name.empty()) {
        add_unique(p.rejected, name);
      }
    }
  }
}

bool is_set(const Json& body, const std::string& name) {
  auto it = body.find(name);
  return it != body.end() && !it->is_null();
}

void drop_param(Json& body, const std::string& name, std::vector<std::string>& dropped) {
  if (!body.contains(name)) return;
  if (is_set(body, name)) add_unique(dropped, name);
  body.erase(name);
}

void rename_param(Json& body, const std::string& from, const std::string& to,
                  std::vector<std::string>& dropped) {
  if (!is_set(body, from)) {
    body.erase(from);  // absent or null: nothing to move
    return;
  }
  if (is_set(body, to)) {
    drop_param(body, from, dropped);  // the caller gave both; the preferred name wins
    return;
  }
  Json value = body[from];
  body.erase(from);
  body[to] = std::move(value);
}

}  // namespace

ParamPolicy param_policy_for(const ProviderConfig& provider, const std::string& model) {
  ParamPolicy p;
  for (const BuiltinRule& rule : builtin_rules()) {
    if (rule.type != provider.type || !glob_match(rule.model_glob, model)) continue;
    for (const char* name : rule.rejected) p.rejected.emplace_back(name);
    for (const auto& [from, to] : rule.renamed) p.renamed.emplace_back(from, to);
    for (const auto& [kept, gone] : rule.exclusive) p.exclusive.emplace_back(kept, gone);
    break;  // first matching rule wins
  }
  apply_config_overrides(p, provider, model);
  return p;
}

std::vector<std::string> rejected_params(const ProviderConfig& provider, const std::string& model) {
  ParamPolicy p = param_policy_for(provider, model);
  std::vector<std::string> out = p.rejected;
  for (const auto& [from, to] : p.renamed) add_unique(out, from);
  return out;
}

bool param_policy_changes(const Json& openai_body, const ProviderConfig& provider,
                          const std::string& model) {
  if (!openai_body.is_object()) return false;
  ParamPolicy p = param_policy_for(provider, model);
  for (const auto& [from, to] : p.renamed) {
    if (openai_body.contains(from)) return true;
  }
  for (const std::string& name : p.rejected) {
    if (openai_body.contains(name)) return true;
  }
  for (const auto& [kept, gone] : p.exclusive) {
    if (is_set(openai_body, kept) && is_set(openai_body, gone)) return true;
  }
  return false;
}

void apply_param_policy(Json& openai_body, const ProviderConfig& provider, const std::string& model,
                        std::vector<std::string>& dropped) {
  if (!openai_body.is_object()) return;
  ParamPolicy p = param_policy_for(provider, model);
  for (const auto& [from, to] : p.renamed) rename_param(openai_body, from, to, dropped);
  for (const std::string& name : p.rejected) drop_param(openai_body, name, dropped);
  for (const auto& [kept, gone] : p.exclusive) {
    if (is_set(openai_body, kept) && is_set(openai_body, gone)) {
      drop_param(openai_body, gone, dropped);
    }
  }
}

}  // namespace understudy
