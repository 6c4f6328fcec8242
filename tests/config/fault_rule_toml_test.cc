#include "lib/config/fault_rule_toml.h"

#include <doctest/doctest.h>
#include <toml++/toml.h>

using namespace understudy;

namespace {

struct Parsed {
  FaultRule rule;
  std::vector<Diagnostic> errors;
};

Parsed parse_rule(const std::string& text) {
  toml::table table = toml::parse(text, std::string_view("scenario.toml"));
  Parsed p;
  parse_fault_rule(table, "scenario.toml", "faults[0]", p.rule, p.errors);
  return p;
}

std::string only_error(const Parsed& p) {
  REQUIRE(p.errors.size() == 1);
  return p.errors[0].to_string();
}

}  // namespace

TEST_CASE("fault rules: status without action means an error action") {
  Parsed p = parse_rule(
      "name = \"openai down\"\nproviders = [\"openai\"]\nstatus = 429\nretry_after_ms = 1000\n"
      "message = \"slow down\"\n");
  REQUIRE(p.errors.empty());
  CHECK(p.rule.name == "openai down");
  CHECK(p.rule.origin == "scenario.toml:1");
  REQUIRE(p.rule.actions.size() == 1);
  const FaultAction& a = p.rule.actions[0];
  CHECK(a.kind == FaultAction::Kind::kError);
  CHECK(a.status == 429);
  CHECK(a.retry_after == std::optional<Millis>(Millis(1000)));
  CHECK(a.message == "slow down");
}

TEST_CASE("fault rules: a rule with neither action nor status is an error") {
  Parsed p = parse_rule("providers = [\"openai\"]\n");
  CHECK(only_error(p).find("config scenario.toml:1: faults[0]: no action: set action = "
                           "\"error\" with a status") == 0);
}

TEST_CASE("fault rules: action error needs a status; ok takes none") {
  CHECK(only_error(parse_rule("action = \"error\"\n")) ==
        "config scenario.toml:1: faults[0].action: action \"error\" needs a status (100..599), "
        "e.g. status = 503");
  CHECK(only_error(parse_rule("action = \"ok\"\nstatus = 500\n")) ==
        "config scenario.toml:2: faults[0].status: status is only used by action \"error\" or "
        "\"stream_error\"");
}

TEST_CASE("fault rules: an unknown action suggests the nearest one") {
  CHECK(only_error(parse_rule("action = \"stream_cutt\"\n")) ==
        "config scenario.toml:1: faults[0].action: unknown action \"stream_cutt\" (did you mean "
        "\"stream_cut\"?)");
}

TEST_CASE("fault rules: conditions are parsed") {
  Parsed p = parse_rule(
      "enabled = false\npriority = 5\nprobability = 0.25\nmodels = [\"gpt-4o*\"]\n"
      "attempts = [1, 2]\nrequest_from = 10\nrequest_to = 20\nafter_ms = 100\nuntil_ms = 900\n"
      "message_regex = \"^hello\"\ntimes = 3\nstream_only = true\nallow_fallbacks = false\n"
      "action = \"stream_cut\"\nafter_tokens = 5\ntoken_interval_ms = 20\n"
      "first_token_delay_ms = 300\n");
  REQUIRE(p.errors.empty());
  const FaultRule& r = p.rule;
  CHECK_FALSE(r.enabled);
  CHECK(r.priority == 5);
  CHECK(r.probability == 0.25);
  CHECK(r.models == std::vector<std::string>{"gpt-4o*"});
  CHECK(r.attempts == std::vector<int>{1, 2});
  CHECK(r.request_from == std::optional<std::int64_t>(10));
  CHECK(r.request_to == std::optional<std::int64_t>(20));
  CHECK(r.after == std::optional<Millis>(Millis(100)));
  CHECK(r.until == std::optional<Millis>(Millis(900)));
  CHECK(r.message_regex == "^hello");
  CHECK(r.times == std::optional<std::int64_t>(3));
  CHECK(r.stream_only);
  CHECK_FALSE(r.allow_fallbacks);
  REQUIRE(r.actions.size() == 1);
  CHECK(r.actions[0].kind == FaultAction::Kind::kStreamCut);
  CHECK(r.actions[0].after_tokens == 5);
  CHECK(r.actions[0].token_interval == std::optional<Millis>(Millis(20)));
  CHECK(r.actions[0].first_token_delay == std::optional<Millis>(Millis(300)));
  CHECK(r.name == "faults[0]");  // default name
}

TEST_CASE("fault rules: a single attempt number is accepted") {
  Parsed p = parse_rule("attempts = 1\naction = \"hang\"\n");
  REQUIRE(p.errors.empty());
  CHECK(p.rule.attempts == std::vector<int>{1});
}

TEST_CASE("fault rules: range and consistency checks") {
  struct Case {
    std::string toml;
    std::string error;
  };
  const Case cases[] = {
      {"probability = -0.1\naction = \"ok\"\n", "faults[0].probability: must be between 0 and 1"},
      {"attempts = [0]\naction = \"ok\"\n", "faults[0].attempts[0]: must be between 1 and"},
      {"times = 0\naction = \"ok\"\n", "faults[0].times: must be > 0, got 0"},
      {"request_from = 5\nrequest_to = 5\naction = \"ok\"\n",
       "faults[0].request_to: request_to must be greater than request_from"},
      {"after_ms = 50\nuntil_ms = 10\naction = \"ok\"\n",
       "faults[0].until_ms: until_ms must be greater than after_ms"},
      {"stream_only = true\nnon_stream_only = true\naction = \"ok\"\n",
       "faults[0].non_stream_only: stream_only and non_stream_only cannot both be true"},
      {"message_regex = \"([a-z\"\naction = \"ok\"\n",
       "faults[0].message_regex: invalid regular expression"},
      {"latency_ms = -1\naction = \"ok\"\n", "faults[0].latency_ms: must be >= 0, got -1"},
      {"latency_ms = 5\nlatency = { type = \"fixed\", ms = 5 }\naction = \"ok\"\n",
       "faults[0].latency: give either latency_ms or a latency table, not both"},
      {"latency = { type = \"uniform\", min_ms = 50, max_ms = 10 }\naction = \"ok\"\n",
       "faults[0].latency.min_ms: min_ms must not exceed max_ms"},
      {"latency = { type = \"gaussian\", mean_ms = 5 }\naction = \"ok\"\n",
       "faults[0].latency.type: unknown latency type \"gaussian\""},
      {"latency = { type = \"normal\", mean_ms = 5, stdev_ms = 1 }\naction = \"ok\"\n",
       "faults[0].latency.stdev_ms: unknown key \"stdev_ms\" (did you mean \"stddev_ms\"?)"},
      {"status = 503\nretry_after_ms = -1\n", "faults[0].retry_after_ms: must be between 0 and 86400000"},
      {"status = \"503\"\n", "faults[0].status: expected an integer, got a string"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.toml);
    Parsed p = parse_rule(c.toml);
    CAPTURE(format_diagnostics(p.errors));
    REQUIRE_FALSE(p.errors.empty());
    CHECK(p.errors[0].to_string().find(c.error) != std::string::npos);
  }
}

TEST_CASE("fault rules: latency distributions") {
  auto latency = [](const std::string& spec) {
    Parsed p = parse_rule("action = \"ok\"\nlatency = " + spec + "\n");
    REQUIRE(p.errors.empty());
    return p.rule.actions.at(0).latency;
  };
  LatencySpec fixed = latency("{ type = \"fixed\", ms = 250 }");
  CHECK(fixed.kind == LatencySpec::Kind::kFixed);
  CHECK(fixed.a == 250);
  LatencySpec uniform = latency("{ type = \"uniform\", min_ms = 10, max_ms = 90 }");
  CHECK(uniform.kind == LatencySpec::Kind::kUniform);
  CHECK(uniform.a == 10);
  CHECK(uniform.b == 90);
  LatencySpec normal = latency("{ type = \"normal\", mean_ms = 400, stddev_ms = 50.5 }");
  CHECK(normal.kind == LatencySpec::Kind::kNormal);
  CHECK(normal.b == 50.5);
  LatencySpec lognormal = latency("{ type = \"lognormal\", median_ms = 300, sigma = 0.6 }");
  CHECK(lognormal.kind == LatencySpec::Kind::kLognormal);
  CHECK(lognormal.a == 300);
  CHECK(lognormal.b == 0.6);
  Parsed shorthand = parse_rule("action = \"ok\"\nlatency_ms = 75\n");
  CHECK(shorthand.rule.actions.at(0).latency.kind == LatencySpec::Kind::kFixed);
  CHECK(shorthand.rule.actions.at(0).latency.a == 75);
}

TEST_CASE("fault rules: weighted responses inherit the rule's timing") {
  Parsed p = parse_rule(
      "providers = [\"openai\"]\n"
      "latency_ms = 200\n"
      "[[responses]]\nweight = 3\nstatus = 503\n"
      "[[responses]]\nweight = 1\naction = \"ok\"\ncontent = \"fine\"\nlatency_ms = 20\n");
  CAPTURE(format_diagnostics(p.errors));
  REQUIRE(p.errors.empty());
  REQUIRE(p.rule.actions.size() == 2);
  CHECK(p.rule.actions[0].kind == FaultAction::Kind::kError);
  CHECK(p.rule.actions[0].weight == 3);
  CHECK(p.rule.actions[0].latency.a == 200);
  CHECK(p.rule.actions[1].kind == FaultAction::Kind::kOk);
  CHECK(p.rule.actions[1].content == "fine");
  CHECK(p.rule.actions[1].latency.a == 20);
}

TEST_CASE("fault rules: outcomes beside responses are rejected") {
  Parsed p = parse_rule("status = 500\n[[responses]]\nstatus = 503\n");
  CHECK(only_error(p) ==
        "config scenario.toml:1: faults[0].status: a rule with [[faults.responses]] takes its "
        "outcomes from them: move \"status\" into each response");
}

TEST_CASE("fault rules: a list of rules keeps only the valid ones") {
  toml::table t =
      toml::parse("[[faults]]\nstatus = 500\n[[faults]]\nprovidrs = [\"x\"]\nstatus = 500\n",
                  std::string_view("s.toml"));
  std::vector<FaultRule> rules;
  std::vector<Diagnostic> errors;
  parse_fault_rules(*t.get("faults"), "s.toml", "faults", rules, errors);
  CHECK(rules.size() == 1);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].to_string() ==
        "config s.toml:4: faults[1].providrs: unknown key \"providrs\" (did you mean "
        "\"providers\"?)");
}
