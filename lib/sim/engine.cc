#include "lib/sim/engine.h"

#include <cmath>

#include "lib/core/random.h"
#include "lib/sim/caller_checks.h"
#include "lib/sim/traffic_toml.h"

namespace understudy {

namespace {

std::chrono::nanoseconds millis_double(double ms) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(ms * 1e6)));
}

}  // namespace

RecordCollector::RecordCollector(std::int64_t total, std::function<void(std::int64_t)> progress)
    : records_(static_cast<std::size_t>(total)),
      seen_(static_cast<std::size_t>(total), 0),
      progress_(std::move(progress)) {}

void RecordCollector::on_request(const RequestRecord& record) {
  std::int64_t done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::int64_t i = record.request_index;
    if (i < 0 || i >= static_cast<std::int64_t>(records_.size())) {
      ++stray_;
      return;
    }
    records_[i] = record;
    ++seen_[i];
    done = ++done_;
  }
  if (progress_) progress_(done);
}

void RecordCollector::take_into(SimulationRun& run) {
  std::lock_guard<std::mutex> lock(mu_);
  for (std::size_t i = 0; i < records_.size() && i < run.requests.size(); ++i) {
    run.requests[i].record = std::move(records_[i]);
    run.requests[i].records_seen = seen_[i];
  }
  if (stray_ > 0 && !run.requests.empty()) {
    run.requests[0].caller.violations.push_back(std::to_string(stray_) +
                                                " records with an unknown request index");
  }
}

SimulationEngine::SimulationEngine(const Scenario& scenario, Seams seams, std::uint64_t seed)
    : scenario_(scenario), seams_(seams), seed_(seed) {
  for (const TrafficGroup& g : scenario_.traffic) {
    Result<ChatRequest> r = build_traffic_request(g);
    requests_.push_back(r.ok() ? std::move(r).value() : ChatRequest{});
    request_errors_.push_back(r.ok() ? "" : r.status().message());
  }
  next_in_group_.assign(scenario_.traffic.size(), 0);
  run_.requests.resize(static_cast<std::size_t>(scenario_.total_requests()));
}

SimulationRun SimulationEngine::run() {
  start_ = seams_.clock->now();
  end_ = start_;
  seams_.tasks->run([this] {
    for (int g = 0; g < static_cast<int>(scenario_.traffic.size()); ++g) {
      if (scenario_.traffic[g].rate) {
        seams_.tasks->spawn([this, g] { drive_open_loop(g); });
      } else {
        seams_.tasks->spawn([this, g] { drive_closed_loop(g); });
      }
    }
  });
  seams_.records->take_into(run_);
  for (RequestResult& r : run_.requests) {
    if (r.records_seen != 1) {
      r.caller.violations.push_back("the router emitted " + std::to_string(r.records_seen) +
                                    " request records instead of 1");
    }
  }
  run_.duration_ms = millis_between(start_, end_);
  return std::move(run_);
}

// Arrivals on a timetable, whether or not earlier requests have finished.
void SimulationEngine::drive_open_loop(int group) {
  const TrafficGroup& g = scenario_.traffic[group];
  SeededRandom gaps(seed_ ^ (0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(group + 1)));
  const double mean_gap_ms = 1000.0 / *g.rate;
  double offset_ms = static_cast<double>(g.start.count());
  for (std::int64_t i = 0; i < g.count; ++i) {
    if (i > 0) {
      offset_ms += g.poisson ? -std::log(1.0 - gaps.uniform01()) * mean_gap_ms : mean_gap_ms;
    }
    seams_.clock->sleep_until(start_ + millis_double(offset_ms), nullptr);
    std::int64_t index = g.first_index + i;
    seams_.tasks->spawn([this, group, index] { send(group, index); });
  }
}

// `concurrency` callers, each sending its next request when the previous one finished.
void SimulationEngine::drive_closed_loop(int group) {
  const TrafficGroup& g = scenario_.traffic[group];
  seams_.clock->sleep_until(start_ + g.start, nullptr);
  std::int64_t callers = std::min<std::int64_t>(g.concurrency, g.count);
  for (std::int64_t c = 0; c < callers; ++c) {
    seams_.tasks->spawn([this, group, &g] {
      while (true) {
        std::int64_t i;
        {
          std::lock_guard<std::mutex> lock(mu_);
          i = next_in_group_[group]++;
        }
        if (i >= g.count) return;
        send(group, g.first_index + i);
      }
    });
  }
}

void SimulationEngine::send(int group, std::int64_t index) {
  const TrafficGroup& g = scenario_.traffic[group];
  RequestResult& slot = run_.requests[static_cast<std::size_t>(index)];
  slot.group = group;
  if (!request_errors_[group].empty()) {  // parse_scenario rejects such groups; never sent
    slot.caller.violations.push_back("invalid request: " + request_errors_[group]);
    return;
  }
  TimePoint arrival = seams_.clock->now();
  slot.caller.arrival_ms = millis_between(start_, arrival);
  RequestContext ctx;
  ctx.request_id = "sim-" + std::to_string(index);
  ctx.request_index = index;
  if (g.stream) {
    CallerStreamSink sink(*seams_.clock, arrival, slot.caller);
    RouteResult result = seams_.router->stream(requests_[group], ctx, sink);
    sink.check_ending(result);
    check_result(result, true, slot.caller);
    if (result.ok) check_text(group, sink.text(), slot.caller);
  } else {
    RouteResult result = seams_.router->complete(requests_[group], ctx);
    check_result(result, false, slot.caller);
    if (result.ok) check_text(group, result.response.text(), slot.caller);
  }
  TimePoint done = seams_.clock->now();
  std::lock_guard<std::mutex> lock(mu_);
  if (done > end_) end_ = done;
}

void SimulationEngine::check_text(int group, const std::string& text, CallerView& view) const {
  if (!seams_.expected_reply) return;
  std::string expected = seams_.expected_reply(scenario_.traffic[group]);
  if (text == expected) return;
  view.violations.push_back("the answer is \"" + text + "\", not the provider's \"" + expected +
                            "\"");
}

}  // namespace understudy
