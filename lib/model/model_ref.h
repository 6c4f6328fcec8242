// ModelRef: a "provider/model" reference (design §4).
//
// Split on the FIRST "/": "openrouter/anthropic/claude-3.5-sonnet" is provider
// "openrouter", model "anthropic/claude-3.5-sonnet". A string without "/" is not a
// ModelRef; it may be a route alias, which the planner resolves. Plain value type.
#pragma once

#include <string>
#include <string_view>

#include "lib/core/status.h"

namespace understudy {

struct ModelRef {
  std::string provider;
  std::string model;

  std::string str() const { return provider + "/" + model; }
  bool operator==(const ModelRef&) const = default;
  auto operator<=>(const ModelRef&) const = default;
};

// True when `text` contains a "/" and so must be read as provider/model.
bool looks_like_model_ref(std::string_view text);

// Parses "provider/model". Errors (empty text, empty provider or model, whitespace or
// control characters) name the offending reference.
Result<ModelRef> parse_model_ref(std::string_view text);

}  // namespace understudy
