// Per-model parameter policy: which OpenAI request parameters a model rejects.
//
// Some models answer 400 to parameters that other models of the same provider accept:
// newer Claude models reject `temperature`/`top_p`/`top_k`, several Claude 4.x models reject
// `temperature` and `top_p` together, and OpenAI reasoning models (o1, o3, o4, gpt-5) reject
// sampling parameters and want `max_completion_tokens` instead of `max_tokens`. A gateway
// must not turn such a request into a failed attempt, so the adapters drop (or rename) these
// parameters before sending, and report every dropped name in BuiltRequest::dropped_params.
// A request never fails because of this policy.
//
// The policy for (provider, model) is a small built-in table (first matching model glob of
// the provider's type wins; see param_policy.cc and docs/providers.md, entries marked
// [verify]) plus ProviderConfig::drop_params: every entry whose model glob matches adds its
// parameter names; a name written "!name" re-allows a parameter the built-in table drops.
//
// Pure functions over plain values; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "lib/config/config.h"
#include "lib/model/json.h"

namespace understudy {

struct ParamPolicy {
  // Parameters the model rejects: removed from the request when present.
  std::vector<std::string> rejected;
  // {from, to}: the model rejects `from` but takes the same value as `to`. Moved when `to`
  // is absent; otherwise `from` is dropped.
  std::vector<std::pair<std::string, std::string>> renamed;
  // {kept, dropped}: the model rejects the two together; `dropped` goes when both are set.
  std::vector<std::pair<std::string, std::string>> exclusive;
};

// The policy for `model` served by `provider` (built-in table + config overrides).
ParamPolicy param_policy_for(const ProviderConfig& provider, const std::string& model);

// The names `model` rejects outright: ParamPolicy::rejected plus the `from` of each rename.
std::vector<std::string> rejected_params(const ProviderConfig& provider, const std::string& model);

// Whether apply_param_policy could change `openai_body` (a parameter it drops or renames is
// present). False means the body can be sent as it is, byte for byte.
bool param_policy_changes(const Json& openai_body, const ProviderConfig& provider,
                          const std::string& model);

// Applies the policy to an OpenAI-shaped request body in place. Appends the name of every
// parameter it removed (that carried a non-null value) to `dropped`, without duplicates.
// A renamed parameter whose value moved is not reported: nothing was lost.
void apply_param_policy(Json& openai_body, const ProviderConfig& provider, const std::string& model,
                        std::vector<std::string>& dropped);

}  // namespace understudy
