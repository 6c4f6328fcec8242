// The JSON type of lib/: nlohmann::ordered_json, so that objects keep their key order and
// a request passed through to an OpenAI-compatible upstream keeps its shape.
#pragma once

#include <nlohmann/json.hpp>

namespace understudy {
using Json = nlohmann::ordered_json;
}  // namespace understudy
