// OpenAI chat request -> Gemini GenerateContentRequest (wire-formats §4.2, §5).
//
// Builds the whole JSON body: contents and systemInstruction (gemini_contents.h),
// generationConfig in camelCase, tools as functionDeclarations with the caller's JSON
// Schema untouched in parametersJsonSchema, tool_choice as toolConfig, reasoning_effort as
// thinkingConfig for the model families that think. Every caller parameter Gemini has no
// equivalent for is left out and named in `dropped_params` (never sent to be rejected).
// Pure functions; thread-safe. Errors: invalid_argument naming the field that cannot be
// expressed for Gemini.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/core/status.h"
#include "lib/model/json.h"

namespace understudy {

struct GeminiRequestBody {
  Json body;
  std::vector<std::string> dropped_params;
};

// `request` is the validated OpenAI body; `model` the target model (bare or "models/x").
Result<GeminiRequestBody> translate_gemini_request(
    const Json& request, const std::string& model,
    const std::optional<std::string>& assistant_prefix);

// "/v1beta" + "gemini-2.5-flash" -> "/v1beta/models/gemini-2.5-flash:generateContent", or
// ":streamGenerateContent?alt=sse" when streaming. A model already named "models/x" or
// "tunedModels/x" keeps its prefix; other characters outside [A-Za-z0-9._~/-] are
// percent-encoded.
std::string gemini_method_path(const std::string& base_path, const std::string& model, bool stream);

// The model name without a "models/" prefix, as reported in responses.
std::string gemini_bare_model(const std::string& model);

}  // namespace understudy
