// SimulationEngine: sends a scenario's traffic through a Router and collects what happened.
//
// It owns no seams: the composition root (cli/simulate_world.h) builds the Router on a
// Clock, with its Transport, Random, HealthState and fault hook, gives the router a
// RecordCollector as its EventSink, and hands all of it in. The engine then plays each
// traffic group on the TaskRunner: open-loop groups get a driver task that sleeps on the
// Clock until each arrival (evenly spaced, or Poisson gaps drawn from the seed) and starts
// one task per request; closed-loop groups start `concurrency` callers that each send their
// next request when the previous one has finished. Each request calls Router::complete or
// Router::stream exactly as `serve` does, and the engine checks what a caller would have
// seen: one RequestRecord per request, a result consistent with it, for streams the SSE
// contract (commit before chunks, one id, then [DONE] or one error event, nothing after), and
// when the providers' replies are known, that a success carries exactly that text (so a
// continuation that duplicated or lost tokens is caught).
//
// One engine per scenario run; run() once. The Router's complete/stream are called
// concurrently from the tasks; the collector is thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "lib/core/clock.h"
#include "lib/router/events.h"
#include "lib/router/router.h"
#include "lib/sim/scenario.h"
#include "lib/sim/task_runner.h"

namespace understudy {

// What the simulated caller of one request observed.
struct CallerView {
  std::int64_t arrival_ms = 0;          // since the scenario start
  std::int64_t ttft_ms = -1;            // streams: arrival to the first content chunk; -1 when none
  std::vector<std::string> violations;  // broken contracts, e.g. "a chunk after [DONE]"
  std::string error;                    // a failure: the error message the caller got
};

struct RequestResult {
  RequestRecord record;  // as the router reported it through the EventSink
  int records_seen = 0;  // on_request events for this request; exactly 1 when all is well
  CallerView caller;
  int group = 0;  // index into Scenario::traffic
};

struct SimulationRun {
  std::vector<RequestResult> requests;  // by request index
  std::int64_t duration_ms = 0;         // scenario start to the last completion
};

// The router's EventSink in a simulation: keeps each request's record by request index.
class RecordCollector final : public EventSink {
 public:
  // `progress` (may be empty) is called with the number of requests finished so far, on the
  // request's thread.
  explicit RecordCollector(std::int64_t total, std::function<void(std::int64_t)> progress = {});

  void on_request(const RequestRecord& record) override;

  // Moves the records into `run` (sized by the engine); call after every task finished.
  void take_into(SimulationRun& run);

 private:
  std::mutex mu_;
  std::vector<RequestRecord> records_;
  std::vector<int> seen_;
  std::int64_t done_ = 0;
  std::int64_t stray_ = 0;  // records with an index outside the scenario
  std::function<void(std::int64_t)> progress_;
};

class SimulationEngine {
 public:
  struct Seams {
    Router* router = nullptr;  // built with `records` as (part of) its EventSink
    Clock* clock = nullptr;
    TaskRunner* tasks = nullptr;
    RecordCollector* records = nullptr;
    // The answer text a group's successful requests must carry, when the providers'
    // replies are known (fake providers); empty: the text is not checked.
    std::function<std::string(const TrafficGroup&)> expected_reply;
  };

  // `seed` draws Poisson arrivals (independently of the router's Random, so fault rules do
  // not shift the timetable).
  SimulationEngine(const Scenario& scenario, Seams seams, std::uint64_t seed);

  SimulationRun run();

 private:
  void drive_open_loop(int group);
  void drive_closed_loop(int group);
  void send(int group, std::int64_t index);
  void check_text(int group, const std::string& text, CallerView& view) const;

  const Scenario& scenario_;
  Seams seams_;
  std::uint64_t seed_;
  std::vector<ChatRequest> requests_;        // one per group: every request of a group is alike
  std::vector<std::string> request_errors_;  // per group: why its request is invalid, or ""
  TimePoint start_{};
  SimulationRun run_;
  std::mutex mu_;  // guards end_ and the closed-loop counters
  TimePoint end_{};
  std::vector<std::int64_t> next_in_group_;
};

}  // namespace understudy
