// Metrics: the gateway's Prometheus metrics, fed by the router's events (an EventSink) and by
// the server (rejections, in-flight and queued gauges), rendered as Prometheus text 0.0.4 for
// GET /metrics.
//
// Families (all names are part of the documented interface, docs/serve.md):
//   understudy_requests_total{provider,model,status,stream}     counter; who served (provider
//       and model "none" when nothing did) and the HTTP status the caller got
//   understudy_attempts_total{provider,model,outcome}           counter; outcome "ok", a
//       failure class (rate_limit, overloaded, ...) or "skipped"
//   understudy_retries_total{provider,class}                    counter; retries of the same
//       target, by the failure class that caused them
//   understudy_fallbacks_total{provider,class}                  counter; moves from this
//       provider to a later target, by failure class
//   understudy_request_duration_seconds{stream}                 histogram; whole requests
//   understudy_upstream_attempt_duration_seconds{provider}      histogram; single attempts
//   understudy_time_to_first_token_seconds{provider}            histogram; served streams
//   understudy_stream_malformed_events_total                    counter
//   understudy_stream_failed_after_commit_total                 counter
//   understudy_stream_continued_total                           counter
//   understudy_rejected_total{reason}                           counter; refused before routing
//   understudy_requests_in_flight, understudy_requests_queued   gauges (set by the server)
//
// Label values come from the config (provider names), fixed vocabularies, and the model names
// requests asked for. Model names are caller-chosen, so they are capped: the first
// kMaxModelLabels distinct provider/model pairs keep their name, later ones are counted under
// model="_other" (docs/serve.md). Thread-safe (one mutex; events are a few map updates each).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "lib/router/events.h"

namespace understudy {

// A fixed-bucket histogram of seconds.
class Histogram {
 public:
  static constexpr std::array<double, 14> kBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                     1,     2.5,  5,     10,   30,  60,   120};
  void observe(double seconds);
  // Appends the _bucket, _sum and _count lines of `name` with `labels` ("a=\"x\"" or "").
  void render(const std::string& name, const std::string& labels, std::string& out) const;
  std::uint64_t count() const { return count_; }

 private:
  std::array<std::uint64_t, kBounds.size()> buckets_{};  // non-cumulative
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

class Metrics final : public EventSink {
 public:
  void on_attempt(const RequestRecord& request, const AttemptRecord& attempt) override;
  void on_request(const RequestRecord& request) override;

  // A chat request refused before routing: "unauthorized", "bad_request", "busy",
  // "queue_full", "queue_timeout", "cancelled".
  void count_rejected(const std::string& reason);

  struct Gauges {
    int in_flight = 0;
    int queued = 0;
  };
  // The whole exposition, gauges included.
  std::string render(const Gauges& gauges) const;

  // For tests: the value of a counter series, 0 if absent. `labels` as rendered, e.g.
  // {"openai", "gpt-4o", "200", "false"} for understudy_requests_total.
  std::uint64_t counter(const std::string& family, const std::vector<std::string>& labels) const;

 public:
  static constexpr std::size_t kMaxModelLabels = 500;

 private:
  using Labels = std::vector<std::string>;
  struct CounterFamily {
    std::vector<std::string> label_names;
    std::map<Labels, std::uint64_t> series;
  };
  struct HistogramFamily {
    std::vector<std::string> label_names;
    std::map<Labels, Histogram> series;
  };

  void add(const std::string& family, Labels labels, std::uint64_t n = 1);
  // `model`, or "_other" once kMaxModelLabels distinct pairs were seen. Caller holds mu_.
  std::string model_label(const std::string& provider, const std::string& model);

  mutable std::mutex mu_;
  std::set<std::pair<std::string, std::string>> models_seen_;
  std::map<std::string, CounterFamily> counters_ = initial_counters();
  std::map<std::string, HistogramFamily> histograms_ = initial_histograms();

  static std::map<std::string, CounterFamily> initial_counters();
  static std::map<std::string, HistogramFamily> initial_histograms();
};

// Escapes a Prometheus label value (backslash, double quote, newline).
std::string escape_label_value(const std::string& v);

}  // namespace understudy
