// RequestLog: what a fake provider server saw and did, one LoggedRequest per request, for
// tests to query (in-process, or as JSON at GET /_mock/requests; docs/mock.md).
//
// An entry is added when a request has been read (outcome "in_flight", end_ms -1), which
// gives it its index, and updated as the server decides and ends the response, so a test can watch
// a hanging request. Credentials never enter the log: only the header that carried one and its
// fingerprint (mocks/fake_validate.h). The log keeps the newest `capacity` entries; clear() starts
// over, and updates for entries from before a clear() are dropped. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "lib/core/clock.h"
#include "lib/model/json.h"

namespace understudy {

struct LoggedRequest {
  std::int64_t index = 0;     // 0-based, in arrival order since start (or the last reset)
  std::int64_t start_ms = 0;  // ms since server start: the request was read
  std::int64_t end_ms = -1;   // ms since server start: the response ended; -1 in flight
  std::string method;
  std::string path;    // as sent, with any "key" query value redacted
  std::string format;  // "openai", "anthropic", "gemini"; "" for an unknown path
  std::string model;
  bool stream = false;
  int attempt = 1;           // how many times this exact request (path + body) has been seen
  std::string fault;         // "" none; a rule name; or "header" (x-understudy-fault)
  std::string fault_action;  // "" none; "error", "hang", "stream_cut", ...
  std::string rejection;     // the strictness error message sent, "" when none
  int status = 0;            // status sent; 0 when none was (hang, reset)
  std::string outcome = "in_flight";  // see mocks/socket_plan.h
  std::int64_t bytes_sent = 0;
  Json body;                     // the request body: parsed JSON, or its text when not JSON
  std::string auth_header;       // the header that carried the credential; "" when none
  std::string auth_fingerprint;  // first 8 hex chars of SHA-256 of the credential

  bool finished() const { return end_ms >= 0; }
};

Json logged_request_to_json(const LoggedRequest& r);

class RequestLog {
 public:
  explicit RequestLog(std::size_t capacity = 10000) : capacity_(capacity) {}

  // Adds an entry, giving it the next index; the handle names it for update().
  struct Handle {
    std::uint64_t generation = 0;
    std::int64_t index = 0;
  };
  Handle add(LoggedRequest entry);
  // Applies `change` to the entry, if it is still in the log.
  void update(const Handle& handle, const std::function<void(LoggedRequest&)>& change);

  std::vector<LoggedRequest> entries() const;
  // Waits until `ready(entries)` holds or `timeout` passes; returns whether it held.
  bool wait_for(const std::function<bool(const std::vector<LoggedRequest>&)>& ready,
                Millis timeout) const;
  void clear();

 private:
  std::vector<LoggedRequest> snapshot() const;  // caller holds mu_

  std::size_t capacity_;
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::deque<LoggedRequest> entries_;  // consecutive indexes
  std::int64_t next_index_ = 0;
  std::uint64_t generation_ = 1;
};

}  // namespace understudy
