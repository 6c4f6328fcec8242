// The event-sink seam: one AttemptRecord per attempt (or skipped target) and one
// RequestRecord per request, emitted by the router as they happen.
//
// `serve` turns them into logs and metrics, `simulate` aggregates them, `ask -v` prints them,
// tests assert on them. Sinks are called on the request's thread, possibly from many
// threads at once, so implementations must be thread-safe and quick. Records never hold
// key values, only key names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/failure.h"
#include "lib/model/chat.h"
#include "lib/model/json.h"

namespace understudy {

struct AttemptRecord {
  std::string provider;
  std::string model;
  std::string key;                      // key name, "" when the provider needs none
  int target_index = 0;                 // position in the chain (0 = primary)
  int try_number = 1;                   // 1 = first try on this target
  int status = 0;                       // upstream HTTP status, 0 when none arrived
  std::optional<FailureClass> failure;  // nullopt: success (or skipped)
  std::string message;                  // failure message or skip reason
  std::string skipped;                  // non-empty: target skipped without a request, and why
  std::string hook;      // non-empty: a hook answered this attempt (e.g. fault rule name)
  std::string decision;  // after a failure: "retry", "next_key", "next_target", "stop"
  std::optional<std::int64_t> retry_after_ms;  // the provider's hint, if any
  std::int64_t latency_ms = 0;
  std::int64_t ttft_ms = -1;  // streams: time to first content, -1 when none
  bool stream = false;
  bool continuation = false;  // a mid-stream continuation attempt (design §7)

  bool ok() const { return skipped.empty() && !failure; }
};

// JSON for extra_fields.attempts (design §6).
Json attempt_to_json(const AttemptRecord& a);

struct RequestRecord {
  std::string request_id;
  std::int64_t request_index = 0;
  std::string requested;           // the model the caller asked for
  std::vector<std::string> chain;  // the planned chain, provider/model
  bool ok = false;
  int http_status = 0;
  std::string provider;  // who served (ok) ...
  std::string model;
  int fallback_index = -1;  // ... and their chain position
  std::optional<FailureClass> final_failure;
  std::int64_t latency_ms = 0;
  std::int64_t ttft_ms = -1;
  bool stream = false;
  bool failed_after_commit = false;  // a stream that broke after content was sent
  bool continued = false;            // a stream completed by continuation
  int retries = 0;                   // attempts that repeated a target already tried
  int fallbacks = 0;                 // moves to a later target
  std::vector<std::string> dropped_params;
  Usage usage;
  int malformed_events = 0;  // upstream stream events skipped
  std::vector<AttemptRecord> attempts;
};

// The extra_fields object of design §6.
Json extra_fields_json(const RequestRecord& r);

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_attempt(const RequestRecord& request, const AttemptRecord& attempt) {
    (void)request;
    (void)attempt;
  }
  virtual void on_request(const RequestRecord& request) { (void)request; }
};

// Forwards to several sinks in order.
class FanoutSink final : public EventSink {
 public:
  void add(EventSink* sink) {
    if (sink) sinks_.push_back(sink);
  }
  void on_attempt(const RequestRecord& r, const AttemptRecord& a) override {
    for (EventSink* s : sinks_) s->on_attempt(r, a);
  }
  void on_request(const RequestRecord& r) override {
    for (EventSink* s : sinks_) s->on_request(r);
  }

 private:
  std::vector<EventSink*> sinks_;
};

}  // namespace understudy
