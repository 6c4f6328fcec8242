// Parsing of a scenario's traffic: one [traffic] table or several [[traffic]] groups
// (docs/scenarios.md, "[traffic]").
//
// Each group's model and fallbacks are planned with the router's own make_plan against the
// config, so a reference the router would reject at run time is an error at load time, at
// its line. Request indices are assigned group by group in file order. Every problem is
// appended to the TomlFields' error list. Pure.
#pragma once

#include <vector>

#include "lib/config/config.h"
#include "lib/config/toml_fields.h"
#include "lib/model/chat.h"
#include "lib/sim/scenario.h"

namespace understudy {

// `root` wraps the scenario's top-level table. `config` is null when the config has errors
// (references are then not checked).
void read_traffic(TomlFields& root, const Config* config, std::vector<TrafficGroup>& out);

// The chat request every request of the group sends: one user message with the prompt,
// plus the group's model, fallbacks and stream flag. Errors as parse_chat_request's.
Result<ChatRequest> build_traffic_request(const TrafficGroup& group);

// The prompt of a group that sets none.
extern const char kDefaultPrompt[];

}  // namespace understudy
