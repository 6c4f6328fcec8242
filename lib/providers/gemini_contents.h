// OpenAI `messages` -> Gemini `contents` + `systemInstruction` (wire-formats §4.2, §5.2).
//
// system/developer messages become systemInstruction parts; user -> "user", assistant ->
// "model"; tool results become functionResponse parts in a "user" content, named by the
// earlier assistant tool call with the same id; consecutive same-role contents are merged.
// Tool-call ids made by this adapter give back the upstream call id and thought signature
// (gemini_ids.h). A model turn whose first functionCall has no signature of ours (history
// from another provider, or from a caller) gets the documented bypass value, because
// Gemini 3 rejects unsigned function calls. Images: data URLs -> inlineData, http(s) URLs
// -> fileData with a guessed mimeType (never downloaded). Pure functions; thread-safe.
// Errors: invalid_argument naming the offending field ("messages[3].content[1].type").
#pragma once

#include <optional>
#include <string>

#include "lib/core/status.h"
#include "lib/model/json.h"

namespace understudy {

// The signature Gemini accepts in place of a missing one [verify] (docs/providers.md).
inline constexpr const char* kGeminiSkipSignature = "skip_thought_signature_validator";

struct GeminiContents {
  Json contents = Json::array();
  Json system_instruction;  // {"parts":[...]}, or null when there is no system text
};

// `messages` is the validated OpenAI array (lib/model/chat.h). `assistant_prefix`, when
// set and non-empty, becomes a final "model" turn for the model to continue.
Result<GeminiContents> translate_gemini_messages(
    const Json& messages, const std::optional<std::string>& assistant_prefix);

// A mimeType for an image URL from its file extension; "image/jpeg" when unknown [verify].
std::string guess_image_mime_type(std::string_view url);

}  // namespace understudy
