#include "lib/sim/traffic_toml.h"

#include <cstdlib>

#include "lib/config/suggest.h"
#include "lib/router/plan.h"

namespace understudy {

const char kDefaultPrompt[] = "Summarize the incident report in three short sentences.";

namespace {

const std::vector<std::string> kKeys = {"name",     "count", "rate",      "arrival", "concurrency",
                                        "start_ms", "model", "fallbacks", "stream",  "prompt"};
constexpr std::int64_t kMaxCount = 10'000'000;
constexpr int kMaxConcurrency = 10'000;

void read_shape(TomlFields& f, TrafficGroup& g) {
  f.read_int("count", g.count, 1, kMaxCount);
  double rate = 0;
  if (f.read_number("rate", rate, 0, 1e6)) {
    if (rate > 0) {
      g.rate = rate;
    } else {
      f.error("rate", "must be > 0 requests per second");
    }
  }
  std::string arrival;
  if (f.read_string("arrival", arrival)) {
    if (arrival == "poisson") {
      g.poisson = true;
    } else if (arrival != "even") {
      f.error("arrival", "unknown arrival \"" + arrival + "\"" +
                             suggestion_suffix(arrival, {"even", "poisson"}));
    }
    if (!f.has("rate")) f.error("arrival", "arrival needs a rate (requests per second)");
  }
  f.read_int("concurrency", g.concurrency, 1, kMaxConcurrency);
  if (f.has("concurrency") && f.has("rate")) {
    f.error("concurrency",
            "give either rate (open loop: arrivals on a timetable) or concurrency (closed loop: "
            "callers that wait for their answer), not both");
  }
  f.read_millis("start_ms", g.start, 0);
}

// The router's own planning decides whether model and fallbacks are usable.
void check_plan(TomlFields& f, const Config& config, const TrafficGroup& g) {
  const std::vector<std::string>* fallbacks = g.fallbacks ? &*g.fallbacks : nullptr;
  Result<FallbackPlan> plan = make_plan(config, g.model, fallbacks);
  if (plan.ok()) return;
  Status why = plan.status();
  const toml::array* fallbacks_node =
      f.find("fallbacks") ? f.find("fallbacks")->as_array() : nullptr;
  if (why.field().rfind("fallbacks[", 0) == 0 && fallbacks_node) {
    // field() is "fallbacks[i]": point at entry i itself.
    std::size_t i = std::strtoul(why.field().c_str() + 10, nullptr, 10);
    const toml::node* entry = i < fallbacks_node->size() ? fallbacks_node->get(i) : fallbacks_node;
    f.error_at(*entry, f.path() + "." + why.field(), why.message());
    return;
  }
  f.error("model", why.message());
}

void read_group(TomlFields& f, const Config* config, TrafficGroup& g) {
  f.reject_unknown(kKeys);
  g.origin = origin_string(f.file(), f.line());
  g.name = f.path();
  f.read_string("name", g.name);
  read_shape(f, g);
  if (!f.has("model")) {
    f.error_here("missing model: the provider/model (or route) each request names");
  } else if (f.read_string("model", g.model) && g.model.empty()) {
    f.error("model", "must not be empty");
  }
  std::vector<std::string> fallbacks;
  if (f.read_strings("fallbacks", fallbacks)) g.fallbacks = std::move(fallbacks);
  f.read_bool("stream", g.stream);
  g.prompt = kDefaultPrompt;
  if (f.read_string("prompt", g.prompt) && g.prompt.empty()) {
    f.error("prompt", "must not be empty (the fake providers answer \"You said: <prompt>\")");
  }
  if (g.model.empty()) return;
  if (Result<ChatRequest> r = build_traffic_request(g); !r.ok()) {
    f.error_here("the request this group sends is invalid: " + r.status().message());
  } else if (config) {
    check_plan(f, *config, g);
  }
}

}  // namespace

Result<ChatRequest> build_traffic_request(const TrafficGroup& g) {
  Json body{{"model", g.model},
            {"messages", Json::array({Json{{"role", "user"}, {"content", g.prompt}}})}};
  if (g.fallbacks) body["fallbacks"] = *g.fallbacks;
  if (g.stream) body["stream"] = true;
  return parse_chat_request(body.dump());
}

void read_traffic(TomlFields& root, const Config* config, std::vector<TrafficGroup>& out) {
  const toml::node* node = root.find("traffic");
  if (!node) {
    root.error_here(
        "no traffic: add a [traffic] table, e.g. count = 10 and model = \"openai/gpt-4o-mini\"");
    return;
  }
  std::vector<std::pair<const toml::table*, std::string>> tables;
  if (const toml::table* t = node->as_table()) {
    tables.emplace_back(t, "traffic");
  } else if (const toml::array* a = node->as_array()) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      std::string path = index_path("traffic", i);
      if (const toml::table* t = a->get(i)->as_table()) {
        tables.emplace_back(t, path);
      } else {
        root.type_error(*a->get(i), path, "a table");
      }
    }
    if (a->empty()) root.error("traffic", "traffic is empty: give at least one [[traffic]] group");
  } else {
    root.type_error(*node, "traffic", "a table ([traffic]) or an array of tables ([[traffic]])");
  }
  std::int64_t next_index = 0;
  for (const auto& [table, path] : tables) {
    TomlFields f(*table, path, root.file(), root.errors());
    TrafficGroup g;
    read_group(f, config, g);
    g.first_index = next_index;
    next_index += g.count;
    out.push_back(std::move(g));
  }
  // Requests are planned up front, so the total is bounded as well as each group.
  if (next_index > kMaxCount) {
    root.error("traffic", "the traffic groups add up to " + std::to_string(next_index) +
                              " requests; at most " + std::to_string(kMaxCount) + " per scenario");
  }
}

}  // namespace understudy
