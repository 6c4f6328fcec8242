// The simulation engine (lib/sim/engine.h): arrivals on virtual time, one record per
// request, and the caller-side checks of lib/sim/caller_checks.h.
#include "lib/sim/engine.h"

#include <doctest/doctest.h>

#include <set>

#include "lib/sim/caller_checks.h"
#include "lib/sim/task_runner.h"
#include "tests/support/router_fixture.h"

using namespace understudy;
using namespace understudy::testing;

namespace {

// A scenario run in a fresh virtual-time world, the way `simulate` composes it.
SimulationRun run(const std::string& text, std::uint64_t seed = 1,
                  std::function<std::string(const TrafficGroup&)> expected_reply = {}) {
  ScenarioLoad load = parse_scenario(text, "engine.toml");
  REQUIRE(load.ok());
  const Scenario& s = load.scenario;
  VirtualClock clock;
  SeededRandom random(seed);
  HealthState health;
  HealthyTransports transports(clock, random);
  FaultHook faults(s.all_fault_rules(), clock, random);
  RecordCollector records(s.total_requests());
  RouterDeps deps;
  deps.config = &s.config;
  deps.clock = &clock;
  deps.random = &random;
  deps.transports = &transports;
  deps.health = &health;
  deps.events = &records;
  deps.hooks = {&faults};
  Router router(deps);
  VirtualTaskRunner tasks(clock);
  SimulationEngine engine(s, {&router, &clock, &tasks, &records, std::move(expected_reply)}, seed);
  return engine.run();
}

std::vector<std::int64_t> arrivals(const SimulationRun& r) {
  std::vector<std::int64_t> out;
  for (const RequestResult& q : r.requests) out.push_back(q.caller.arrival_ms);
  return out;
}

const char kProviders[] = "[providers.openai]\n[providers.anthropic]\n";

}  // namespace

TEST_CASE("engine: open-loop arrivals are evenly spaced from the group's start") {
  SimulationRun r = run(std::string(kProviders) +
                        "[traffic]\ncount = 4\nrate = 4\nstart_ms = 1000\n"
                        "model = \"openai/gpt-4o-mini\"\n");
  CHECK(arrivals(r) == std::vector<std::int64_t>{1000, 1250, 1500, 1750});
  CHECK(r.duration_ms == 1750);
  for (std::size_t i = 0; i < r.requests.size(); ++i) {
    CAPTURE(i);
    CHECK(r.requests[i].records_seen == 1);
    CHECK(r.requests[i].record.request_index == static_cast<std::int64_t>(i));
    CHECK(r.requests[i].record.ok);
    CHECK(r.requests[i].caller.violations.empty());
  }
}

TEST_CASE("engine: Poisson arrivals follow the rate and are fixed by the seed") {
  std::string text = std::string(kProviders) +
                     "[traffic]\ncount = 400\nrate = 10\narrival = \"poisson\"\n"
                     "model = \"openai/gpt-4o-mini\"\n";
  std::vector<std::int64_t> a = arrivals(run(text, 7));
  REQUIRE(a.size() == 400);
  CHECK(a[0] == 0);
  std::set<std::int64_t> gaps;
  for (std::size_t i = 1; i < a.size(); ++i) {
    CHECK(a[i] >= a[i - 1]);
    gaps.insert(a[i] - a[i - 1]);
  }
  double mean_gap = static_cast<double>(a.back()) / 399.0;
  CHECK(mean_gap == doctest::Approx(100).epsilon(0.15));
  CHECK(gaps.size() > 50);  // not a fixed timetable
  CHECK(arrivals(run(text, 7)) == a);
  CHECK(arrivals(run(text, 8)) != a);
}

TEST_CASE("engine: closed-loop callers send their next request when the last one finished") {
  SimulationRun r = run(std::string(kProviders) +
                        "[traffic]\ncount = 5\nconcurrency = 2\nmodel = \"openai/gpt-4o-mini\"\n"
                        "[[faults]]\naction = \"ok\"\nlatency_ms = 100\n");
  CHECK(arrivals(r) == std::vector<std::int64_t>{0, 0, 100, 100, 200});
  CHECK(r.duration_ms == 300);
  for (const RequestResult& q : r.requests) CHECK(q.record.latency_ms == 100);
}

TEST_CASE("engine: groups get consecutive request indices and their own shape") {
  SimulationRun r = run(std::string(kProviders) +
                        "[[traffic]]\ncount = 2\nmodel = \"openai/gpt-4o-mini\"\n"
                        "[[traffic]]\ncount = 2\nstream = true\nmodel = \"anthropic/claude\"\n");
  REQUIRE(r.requests.size() == 4);
  CHECK(r.requests[1].group == 0);
  CHECK(r.requests[2].group == 1);
  CHECK(r.requests[2].record.provider == "anthropic");
  CHECK(r.requests[2].record.stream);
  CHECK(r.requests[2].caller.ttft_ms == 0);
  CHECK(r.requests[0].caller.ttft_ms == -1);  // not a stream
}

TEST_CASE("engine: a failed request records what the caller got") {
  SimulationRun r = run(std::string(kProviders) +
                        "[traffic]\nmodel = \"openai/gpt-4o-mini\"\n"
                        "[[faults]]\nstatus = 400\nerror_type = \"content_policy\"\n"
                        "message = \"no, thank you\"\n");
  REQUIRE(r.requests.size() == 1);
  CHECK_FALSE(r.requests[0].record.ok);
  CHECK(r.requests[0].caller.error == "no, thank you");
  CHECK(r.requests[0].caller.violations.empty());
}

TEST_CASE("caller checks: a well-formed stream has no violation") {
  VirtualClock clock;
  CallerView view;
  CallerStreamSink sink(clock, clock.now(), view);
  RequestRecord rec;
  rec.provider = "openai";
  Json chunk{{"id", "chatcmpl-1"},
             {"object", "chat.completion.chunk"},
             {"choices", Json::array({Json{{"index", 0}, {"delta", Json{{"content", "hi"}}}}})}};
  CHECK(sink.on_commit(rec));
  CHECK(sink.on_chunk(chunk));
  sink.on_done();
  RouteResult result;
  result.ok = true;
  result.record.ok = true;
  sink.check_ending(result);
  CHECK(view.violations.empty());
  CHECK(view.ttft_ms == 0);
}

TEST_CASE("caller checks: broken stream contracts are reported") {
  VirtualClock clock;
  CallerView view;
  CallerStreamSink sink(clock, clock.now(), view);
  Json chunk{{"id", "a"}, {"object", "chat.completion.chunk"}, {"choices", Json::array()}};
  sink.on_chunk(chunk);  // before commit
  RequestRecord rec;
  rec.provider = "openai";
  sink.on_commit(rec);
  Json other = chunk;
  other["id"] = "b";
  sink.on_chunk(other);  // another id
  sink.on_done();
  sink.on_chunk(chunk);                                    // after [DONE]
  sink.on_error(Json{{"error", Json{{"message", "x"}}}});  // after [DONE]
  CHECK(view.violations == std::vector<std::string>{"a chunk before the stream was committed",
                                                    "chunks with different ids in one stream",
                                                    "a chunk after the stream ended",
                                                    "an error event after the stream ended"});
}

TEST_CASE("caller checks: the ending must match the result") {
  VirtualClock clock;
  CallerView view;
  CallerStreamSink sink(clock, clock.now(), view);
  RouteResult ok;
  ok.ok = true;
  ok.record.ok = true;
  sink.check_ending(ok);  // a success that never ended with [DONE]
  RouteResult broken;
  broken.record.failed_after_commit = true;
  broken.error = Json{{"error", Json{{"message", "cut"}}}};
  sink.check_ending(broken);
  check_result(broken, true, view);
  RouteResult bare;  // a failure with no error object and a 200 status
  check_result(bare, false, view);
  CHECK(view.violations ==
        std::vector<std::string>{
            "a successful stream did not end with [DONE]", "a successful stream sent no chunk",
            "a stream that broke after commit has no error event",
            "a failure without an OpenAI error object", "a failure answered with HTTP 200"});
  CHECK(view.error == "cut");
}

TEST_CASE("engine: a request reported twice or not at all breaks the caller contract") {
  RecordCollector records(2);
  RequestRecord r;
  r.request_index = 0;
  records.on_request(r);
  records.on_request(r);
  r.request_index = 7;  // not part of the scenario
  records.on_request(r);
  SimulationRun run;
  run.requests.resize(2);
  records.take_into(run);
  CHECK(run.requests[0].records_seen == 2);
  CHECK(run.requests[1].records_seen == 0);
  CHECK(run.requests[0].caller.violations ==
        std::vector<std::string>{"1 records with an unknown request index"});
}

TEST_CASE("engine: a success whose text is not the provider's answer breaks the contract") {
  std::string text = std::string(kProviders) +
                     "[[traffic]]\nprompt = \"one two\"\nmodel = \"openai/gpt-4o-mini\"\n"
                     "[[traffic]]\nprompt = \"one two\"\nstream = true\n"
                     "model = \"openai/gpt-4o-mini\"\nfallbacks = [\"anthropic/claude\"]\n"
                     "[[faults]]\nproviders = [\"openai\"]\nstream_only = true\n"
                     "action = \"stream_cut\"\nafter_tokens = 2\n";
  // The fakes answer "You said: one two"; the cut stream is completed by continuation.
  SimulationRun right = run(text, 1, [](const TrafficGroup& g) { return "You said: " + g.prompt; });
  REQUIRE(right.requests.size() == 2);
  CHECK(right.requests[1].record.continued);
  CHECK(right.requests[0].caller.violations.empty());
  CHECK(right.requests[1].caller.violations.empty());
  SimulationRun wrong = run(text, 1, [](const TrafficGroup&) { return std::string("other"); });
  CHECK(wrong.requests[0].caller.violations ==
        std::vector<std::string>{
            "the answer is \"You said: one two\", not the provider's \"other\""});
  CHECK(wrong.requests[1].caller.violations.size() == 1);
}
