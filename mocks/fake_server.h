// FakeProviderServer: one HTTP/1.1 server on loopback that speaks the OpenAI
// (".../chat/completions"), Anthropic (".../messages") and Gemini
// (".../models/M:generateContent", ":streamGenerateContent?alt=sse") wire formats, strict
// like the real services, and fails on cue: by `[[faults]]` rules or by a per-request
// `x-understudy-fault` header (mocks/fake_responder.h decides; docs/mock.md documents it).
// Behind `understudy mock`, and the upstream of the loopback and end-to-end tests.
//
// Why our own server on raw sockets rather than httplib::Server: a fake upstream must
// misbehave in ways a well-behaved server library will not — send a TCP reset before or in
// the middle of a response, hold a connection silent for ever yet notice at once when the
// client leaves, stop a stream half way — and it must never let such a connection block its
// own shutdown. httplib offers neither a reset nor an interruptible hang, and its backlog of
// 5 stalls bursts of connects. So: one accept thread, one thread per connection (simple,
// and fine for the few hundred concurrent streams the tests drive), keep-alive, request
// bodies framed by Content-Length, a SOMAXCONN backlog, TCP_NODELAY, every wait also
// watching a stop descriptor (mocks/wire_connection.h), and each ResponsePlan step carried
// out as it comes: each stream event flushed on its own (mocks/socket_plan.h).
//
// Control endpoints (never logged, never faulted): GET /_mock/requests returns the request
// log as JSON; POST /_mock/reset clears the log and starts over (request indexes, attempt
// counts, rule `times` budgets, and the clock of after_ms/until_ms).
//
// Lifecycle: construct, start() (binds; port 0 picks a free port), stop() or destroy. stop()
// interrupts every connection (hangs included) and joins every thread. All public methods
// are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lib/config/fault_rule.h"
#include "lib/core/clock.h"
#include "lib/core/status.h"
#include "lib/transport/http.h"
#include "mocks/fake_responder.h"
#include "mocks/request_log.h"
#include "mocks/wire_connection.h"

namespace understudy {

struct FakeServerOptions {
  std::string host = "127.0.0.1";  // IPv4 address or "localhost"
  int port = 0;                    // 0 = an ephemeral port
  std::string name;                // matched by rules' `providers` too (`--name`)
  std::vector<FaultRule> rules;
  std::uint64_t seed = 0;       // fault probabilities and latency draws; 0 = from entropy
  Millis idle_timeout{120000};  // a keep-alive connection with no request is closed
  Millis read_timeout{30000};   // a request must arrive whole this soon after it starts
  std::size_t log_capacity = 10000;
  int max_connections = 4096;  // beyond this, new connections are closed at once
};

class FakeProviderServer {
 public:
  explicit FakeProviderServer(FakeServerOptions options);
  ~FakeProviderServer();
  FakeProviderServer(const FakeProviderServer&) = delete;
  FakeProviderServer& operator=(const FakeProviderServer&) = delete;

  // Binds and starts serving. invalid_argument for a bad host/port, io_error when the
  // address cannot be bound (in use, not local), failed_precondition when already started.
  Status start();
  // Idempotent. Returns when every connection is closed and every thread joined.
  void stop();

  int port() const { return port_; }
  // "http://127.0.0.1:PORT" (the host it listens on; 127.0.0.1 for localhost).
  std::string base_url() const;

  std::vector<LoggedRequest> requests() const { return log_.entries(); }
  // Waits until `ready(requests)` holds, up to `timeout`; returns whether it did.
  bool wait_for(const std::function<bool(const std::vector<LoggedRequest>&)>& ready,
                Millis timeout) const {
    return log_.wait_for(ready, timeout);
  }
  // As POST /_mock/reset.
  void reset();

 private:
  void accept_loop();
  void spawn_connection(int fd);
  void reap_finished();
  void serve_connection(int fd);
  // Handles one request; returns whether the connection may carry another.
  bool handle_request(WireConnection& conn, const RequestHead& head, std::string body);
  bool handle_control(WireConnection& conn, const RequestHead& head);
  std::int64_t millis_since_start() const;

  FakeServerOptions options_;
  FakeResponder responder_;
  RequestLog log_;
  std::atomic<std::int64_t> start_ns_{0};  // steady_clock time of start (or last reset)
  Listener listener_;
  int port_ = 0;
  int stop_fd_ = -1;
  bool started_ = false;
  bool stopped_ = false;
  std::mutex lifecycle_mu_;  // start/stop
  std::thread accept_thread_;

  std::mutex conn_mu_;
  std::map<std::uint64_t, std::thread> connections_;
  std::vector<std::uint64_t> finished_;
  std::uint64_t next_connection_ = 1;
};

}  // namespace understudy
