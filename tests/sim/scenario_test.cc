// Scenario parsing (lib/sim/scenario.h): the format of docs/scenarios.md, and every error
// with file:line and key path.
#include "lib/sim/scenario.h"

#include <doctest/doctest.h>

#include "tests/support/subprocess.h"

using namespace understudy;

namespace {

const char kProviders[] = "[providers.openai]\n[providers.anthropic]\n";

ScenarioLoad parse(const std::string& text) { return parse_scenario(text, "dir/s.toml"); }

std::vector<std::string> error_texts(const ScenarioLoad& load) {
  std::vector<std::string> out;
  for (const Diagnostic& d : load.errors) out.push_back(scenario_diagnostic_text(d, "dir/s.toml"));
  return out;
}

// The only error, as simulate prints it.
std::string only_error(const std::string& text) {
  ScenarioLoad load = parse(text);
  std::vector<std::string> errors = error_texts(load);
  CAPTURE(text);
  REQUIRE(errors.size() == 1);
  return errors[0];
}

std::string with_traffic(const std::string& rest) {
  return std::string(kProviders) + "[traffic]\nmodel = \"openai/gpt-4o-mini\"\n" + rest;
}

}  // namespace

TEST_CASE("scenario: a minimal inline scenario gets its defaults") {
  ScenarioLoad load = parse(with_traffic(""));
  REQUIRE(load.ok());
  const Scenario& s = load.scenario;
  CHECK(s.name == "s");  // the file name without .toml
  CHECK_FALSE(s.seed);
  CHECK(s.config.providers.size() == 2);
  REQUIRE(s.traffic.size() == 1);
  const TrafficGroup& g = s.traffic[0];
  CHECK(g.name == "traffic");
  CHECK(g.count == 1);
  CHECK_FALSE(g.rate);
  CHECK(g.concurrency == 1);
  CHECK(g.model == "openai/gpt-4o-mini");
  CHECK_FALSE(g.fallbacks);
  CHECK_FALSE(g.stream);
  CHECK(g.prompt == "Summarize the incident report in three short sentences.");
  CHECK(g.origin == "dir/s.toml:3");
  CHECK(s.expect.empty());
}

TEST_CASE("scenario: key variables resolve to a placeholder, so no real key is needed") {
  ScenarioLoad load = parse(
      "[providers.openai]\nkeys = [{ name = \"a\", value = \"env.SURELY_NOT_SET_ANYWHERE\" }]\n"
      "[traffic]\nmodel = \"openai/gpt-4o-mini\"\n");
  REQUIRE(load.ok());
  const KeyConfig& key = load.scenario.config.providers.at("openai").keys.at(0);
  CHECK(key.present);
  CHECK(key.value == "sim-placeholder");
  CHECK(key.source == "env.SURELY_NOT_SET_ANYWHERE");
}

TEST_CASE("scenario: header, traffic groups, request indices and faults") {
  ScenarioLoad load =
      parse("name = \"outage\"\ndescription = \"why\"\nseed = 42\n" + std::string(kProviders) +
            "[[traffic]]\nname = \"first\"\ncount = 3\nrate = 2.5\narrival = "
            "\"poisson\"\nstart_ms = 100\nmodel = \"openai/gpt-4o-mini\"\n"
            "fallbacks = [\"anthropic/claude-haiku-4-5\"]\nstream = true\n"
            "prompt = \"hi\"\n"
            "[[traffic]]\ncount = 4\nconcurrency = 2\nmodel = \"anthropic/x\"\n"
            "[[faults]]\nproviders = [\"openai\"]\nstatus = 503\n");
  REQUIRE(load.ok());
  const Scenario& s = load.scenario;
  CHECK(s.name == "outage");
  CHECK(s.description == "why");
  CHECK(s.seed == std::optional<std::uint64_t>(42));
  REQUIRE(s.traffic.size() == 2);
  CHECK(s.traffic[0].name == "first");
  CHECK(s.traffic[0].rate == std::optional<double>(2.5));
  CHECK(s.traffic[0].poisson);
  CHECK(s.traffic[0].start == Millis(100));
  CHECK(s.traffic[0].stream);
  CHECK(s.traffic[0].prompt == "hi");
  CHECK(s.traffic[0].fallbacks == std::vector<std::string>{"anthropic/claude-haiku-4-5"});
  CHECK(s.traffic[0].first_index == 0);
  CHECK(s.traffic[1].name == "traffic[1]");
  CHECK(s.traffic[1].concurrency == 2);
  CHECK(s.traffic[1].first_index == 3);
  CHECK(s.total_requests() == 7);
  REQUIRE(s.faults.size() == 1);
  CHECK(s.faults[0].origin == "dir/s.toml:20");
  CHECK(s.all_fault_rules().size() == 1);
}

TEST_CASE("scenario: expectations are read with their units") {
  ScenarioLoad load = parse(with_traffic(
      "count = 3\n[expect]\nsuccess_rate = 0.99\nserved_by = { openai = 2, anthropic = 0.25, "
      "\"openai/gpt-4o-mini\" = { share = 0.5, tolerance = 0.1 } }\nserved_by_tolerance = 1\n"
      "max_attempts = 3\nlatency_p50_ms = 10\nlatency_p95_ms = 20\nlatency_p99_ms = 30\n"
      "ttft_p99_ms = 40\nmax_retries = 5\nmax_fallbacks = 6\n"
      "failures_by_class = { rate_limit = 1 }\nfailed_attempts_by_class = { timeout = 2 }\n"
      "outcomes = [\"openai\", \"fail:rate_limit\", \"broken:network\"]\n"));
  REQUIRE(load.ok());
  const Expectations& e = load.scenario.expect;
  CHECK(e.success_rate == std::optional<double>(0.99));
  REQUIRE(e.served_by.size() == 3);
  CHECK(e.served_by[0].target == "anthropic");  // toml++ keeps tables sorted by key
  CHECK(e.served_by[0].share);
  CHECK(e.served_by[1].target == "openai");
  CHECK_FALSE(e.served_by[1].share);
  CHECK(e.served_by[1].value == 2);
  CHECK(e.served_by[2].target == "openai/gpt-4o-mini");
  CHECK(e.served_by[2].tolerance == std::optional<double>(0.1));
  CHECK(e.served_by_tolerance == 1);
  CHECK(e.max_attempts == std::optional<std::int64_t>(3));
  CHECK(e.latency_p95_ms == std::optional<std::int64_t>(20));
  CHECK(e.ttft_p99_ms == std::optional<std::int64_t>(40));
  CHECK(e.max_fallbacks == std::optional<std::int64_t>(6));
  REQUIRE(e.failures_by_class.size() == 1);
  CHECK(e.failures_by_class[0].first == FailureClass::kRateLimit);
  REQUIRE(e.failed_attempts_by_class.size() == 1);
  CHECK(e.failed_attempts_by_class[0].second == 2);
  REQUIRE(e.outcomes);
  CHECK(e.outcomes->size() == 3);
}

TEST_CASE("scenario: a TOML syntax error carries line and column") {
  CHECK(only_error("name = \"x\"\nseed = = 3\n").rfind("scenario dir/s.toml:2:", 0) == 0);
}

TEST_CASE("scenario: unknown keys name their line and suggest the nearest key") {
  CHECK(only_error("trafic = 3\n" + with_traffic("")) ==
        "scenario dir/s.toml:1: trafic: unknown key \"trafic\" (did you mean \"traffic\"?)");
  CHECK(only_error(with_traffic("modle = \"x\"\n")) ==
        "scenario dir/s.toml:5: traffic.modle: unknown key \"modle\" (did you mean \"model\"?)");
  CHECK(only_error(with_traffic("[expect]\nsucess_rate = 1.0\n")) ==
        "scenario dir/s.toml:6: expect.sucess_rate: unknown key \"sucess_rate\" (did you mean "
        "\"success_rate\"?)");
}

TEST_CASE("scenario: provider tables are checked exactly like understudy.toml") {
  std::string e =
      only_error("[providers.openai]\ntimeout_sm = 5\n[traffic]\nmodel = \"openai/gpt-4o-mini\"\n");
  CHECK(e ==
        "scenario dir/s.toml:2: providers.openai.timeout_sm: unknown key \"timeout_sm\" (did you "
        "mean \"timeout_ms\"?)");
}

TEST_CASE("scenario: traffic that the router could not plan is an error at its line") {
  std::string model = only_error(std::string(kProviders) + "[traffic]\nmodel = \"opnai/gpt-4o\"\n");
  CHECK(model.rfind("scenario dir/s.toml:4: traffic.model: ", 0) == 0);
  CHECK(model.find("unknown provider \"opnai\"") != std::string::npos);
  std::string fallback = only_error(with_traffic("fallbacks = [\"anthropic/x\", \"gemini/y\"]\n"));
  CHECK(fallback.rfind("scenario dir/s.toml:5: traffic.fallbacks[1]: ", 0) == 0);
  CHECK(fallback.find("gemini") != std::string::npos);
}

TEST_CASE("scenario: the traffic shape is validated") {
  CHECK(only_error(with_traffic("rate = 2\nconcurrency = 3\n"))
            .rfind("scenario dir/s.toml:6: traffic.concurrency: give either rate (open loop", 0) ==
        0);
  CHECK(only_error(with_traffic("arrival = \"poisson\"\n")) ==
        "scenario dir/s.toml:5: traffic.arrival: arrival needs a rate (requests per second)");
  CHECK(only_error(with_traffic("rate = 1\narrival = \"poison\"\n")) ==
        "scenario dir/s.toml:6: traffic.arrival: unknown arrival \"poison\" (did you mean "
        "\"poisson\"?)");
  CHECK(only_error(with_traffic("count = 0\n")) ==
        "scenario dir/s.toml:5: traffic.count: must be between 1 and 10000000, got 0");
  CHECK(only_error(with_traffic("rate = 0\n")) ==
        "scenario dir/s.toml:5: traffic.rate: must be > 0 requests per second");
  CHECK(only_error(std::string(kProviders) + "[traffic]\ncount = 2\n") ==
        "scenario dir/s.toml:3: traffic: missing model: the provider/model (or route) each "
        "request names");
  CHECK(
      only_error(kProviders).rfind("scenario dir/s.toml:1: no traffic: add a [traffic] table", 0) ==
      0);
}

TEST_CASE("scenario: without providers or a config there is nothing to simulate") {
  CHECK(only_error("[traffic]\nmodel = \"openai/x\"\n")
            .rfind("scenario dir/s.toml:1: no providers: define them inline", 0) == 0);
}

TEST_CASE("scenario: gateway sections without effect are rejected") {
  CHECK(only_error(with_traffic("") + "[server]\nport = 9\n")
            .rfind("scenario dir/s.toml:5: server: [server] has no effect in a scenario", 0) == 0);
}

TEST_CASE("scenario: fault rules use the gateway rule language and known providers") {
  CHECK(only_error(with_traffic("[[faults]]\nproviders = [\"opena\"]\nstatus = 503\n")) ==
        "scenario dir/s.toml:5: faults[0].providers: unknown provider \"opena\" (did you mean "
        "\"openai\"?)");
  CHECK(only_error(with_traffic("[[faults]]\naction = \"hangs\"\n")) ==
        "scenario dir/s.toml:6: faults[0].action: unknown action \"hangs\" (did you mean "
        "\"hang\"?)");
}

TEST_CASE("scenario: expectation errors name the entry") {
  CHECK(only_error(with_traffic("[expect]\nserved_by = { gemini = 3 }\n")) ==
        "scenario dir/s.toml:6: expect.served_by.gemini: \"gemini\" names unknown provider "
        "\"gemini\" (expected one of: anthropic, openai)");
  CHECK(only_error(with_traffic("[expect]\nserved_by = { openai = 1.5 }\n")) ==
        "scenario dir/s.toml:6: expect.served_by.openai: a share must be between 0 and 1 (write "
        "an integer for a count), got 1.5");
  CHECK(only_error(with_traffic("[expect]\nserved_by = { openai = { count = 1, share = 0.5 } }\n"))
            .rfind("scenario dir/s.toml:6: expect.served_by.openai: give exactly one of count",
                   0) == 0);
  CHECK(only_error(with_traffic("[expect]\nsuccess_rate = 99\n")) ==
        "scenario dir/s.toml:6: expect.success_rate: must be between 0 and 1, got 99");
  CHECK(only_error(with_traffic("[expect]\nfailures_by_class = { ratelimit = 1 }\n")) ==
        "scenario dir/s.toml:6: expect.failures_by_class.ratelimit: unknown failure class "
        "\"ratelimit\" (did you mean \"rate_limit\"?)");
}

TEST_CASE("scenario: outcomes are checked against the notation and the request count") {
  CHECK(only_error(with_traffic("count = 2\n[expect]\noutcomes = [\"openai\"]\n")) ==
        "scenario dir/s.toml:7: expect.outcomes: lists 1 outcomes but the traffic sends 2 "
        "requests: give exactly one per request, in request order");
  CHECK(
      only_error(with_traffic("count = 2\n[expect]\noutcomes = [\"openai\", \"fail:timout\"]\n")) ==
      "scenario dir/s.toml:7: expect.outcomes[1]: \"fail:timout\": unknown failure class "
      "\"timout\" (did you mean \"timeout\"?)");
}

TEST_CASE("scenario: every error is reported at once, sorted by line") {
  ScenarioLoad load = parse(with_traffic("count = -1\nbogus = 1\n[expect]\nmax_attempts = 0\n"));
  std::vector<std::string> errors = error_texts(load);
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].rfind("scenario dir/s.toml:5: traffic.count", 0) == 0);
  CHECK(errors[1].rfind("scenario dir/s.toml:6: traffic.bogus", 0) == 0);
  CHECK(errors[2].rfind("scenario dir/s.toml:8: expect.max_attempts", 0) == 0);
}

TEST_CASE("scenario: config = \"path\" loads a gateway config relative to the scenario") {
  std::string dir = testing::temp_dir();
  testing::write_file(dir, "understudy.toml",
                      "[providers.openai]\n[providers.anthropic]\n[[faults]]\nname = \"from "
                      "config\"\nproviders = [\"openai\"]\nstatus = 500\n");
  std::string scenario = testing::write_file(
      dir, "s.toml",
      "config = \"understudy.toml\"\n[traffic]\nmodel = \"openai/gpt-4o-mini\"\n[[faults]]\n"
      "providers = [\"anthropic\"]\nstatus = 503\n");
  ScenarioLoad load = load_scenario_file(scenario);
  REQUIRE(load.ok());
  CHECK(load.scenario.config_path == dir + "/understudy.toml");
  CHECK(load.scenario.config.providers.size() == 2);
  std::vector<FaultRule> rules = load.scenario.all_fault_rules();
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].providers == std::vector<std::string>{"anthropic"});  // the scenario's first
  CHECK(rules[1].name == "from config");
}

TEST_CASE("scenario: a config file's errors point into that file") {
  std::string dir = testing::temp_dir();
  testing::write_file(dir, "gw.toml", "[providers.openai]\ntype = \"openia\"\n");
  std::string scenario = testing::write_file(
      dir, "s.toml", "config = \"gw.toml\"\n[traffic]\nmodel = \"openai/gpt-4o-mini\"\n");
  ScenarioLoad load = load_scenario_file(scenario);
  REQUIRE(load.errors.size() == 1);
  CHECK(scenario_diagnostic_text(load.errors[0], scenario)
            .rfind("config " + dir + "/gw.toml:2: providers.openai.type: unknown provider type",
                   0) == 0);
}

TEST_CASE("scenario: a missing config file, or providers next to config, are errors") {
  std::string dir = testing::temp_dir();
  std::string missing = testing::write_file(
      dir, "s.toml", "config = \"nope.toml\"\n[traffic]\nmodel = \"openai/gpt-4o-mini\"\n");
  ScenarioLoad load = load_scenario_file(missing);
  REQUIRE(load.errors.size() == 1);
  CHECK(scenario_diagnostic_text(load.errors[0], missing)
            .rfind("scenario " + missing + ":1: config: cannot read the config file", 0) == 0);
  testing::write_file(dir, "gw.toml", "[providers.openai]\n");
  std::string both = testing::write_file(
      dir, "both.toml",
      "config = \"gw.toml\"\n[providers.openai]\n[traffic]\nmodel = \"openai/gpt-4o-mini\"\n");
  load = load_scenario_file(both);
  REQUIRE(load.errors.size() == 1);
  CHECK(scenario_diagnostic_text(load.errors[0], both)
            .rfind("scenario " + both + ":2: providers: this scenario takes its config from", 0) ==
        0);
}

TEST_CASE("scenario: an unreadable scenario file is an error, not a crash") {
  ScenarioLoad load = load_scenario_file("/nonexistent/dir/s.toml");
  REQUIRE(load.errors.size() == 1);
  CHECK(load.errors[0].message == "cannot read the scenario file");
}

TEST_CASE("scenario: virtual_time_only carries its reason") {
  ScenarioLoad load = parse("virtual_time_only = \"exact 30 s latencies\"\n" + with_traffic(""));
  REQUIRE(load.ok());
  CHECK(load.scenario.virtual_time_only == "exact 30 s latencies");
  CHECK(only_error("virtual_time_only = \"\"\n" + with_traffic(""))
            .rfind("scenario dir/s.toml:1: virtual_time_only: give the reason", 0) == 0);
  CHECK(only_error("virtual_time_only = true\n" + with_traffic("")) ==
        "scenario dir/s.toml:1: virtual_time_only: expected a string, got a boolean");
}

TEST_CASE("scenario: the traffic groups together are bounded, not just each group") {
  std::string text = std::string(kProviders);
  for (int i = 0; i < 3; ++i) {
    text += "[[traffic]]\nmodel = \"openai/gpt-4o-mini\"\ncount = 4000000\n";
  }
  std::string e = only_error(text);
  CHECK(e.find("traffic: the traffic groups add up to 12000000 requests; at most 10000000") !=
        std::string::npos);
}
