// GatewayServer: the HTTP surface of `understudy serve`, assembled (docs/serve.md).
//
// Routes:
//   POST /v1/chat/completions   ChatEndpoint (chat_endpoint.h): the proxy, streaming or not
//   GET  /v1/models             configured models and routes, OpenAI list shape
//   GET  /v1/models/{id}        one of them, or 404
//   GET  /health                liveness and each provider's state (503 while draining)
//   GET  /metrics               Prometheus text (metrics.h)
// /v1/* require a gateway bearer token when server.auth_tokens is set (auth.h); /health and
// /metrics stay open for probes and scrapers.
//
// Limits come from [server]: max_body_bytes, max_concurrent / max_queue / drop_excess /
// queue_timeout_ms (admission.h), read_timeout_ms (the whole request head and body, and at
// least 30 s for one blocked write to a client).
//
// Shutdown: request_shutdown() (thread-safe; the CLI calls it on SIGINT/SIGTERM) stops
// accepting and closes idle connections at once; run() then waits up to
// server.shutdown_grace_ms for requests in progress to finish, cancels the rest with
// kShutdown (a committed stream then ends with an error event), waits briefly for those to
// flush, closes what is left and returns. shutdown_now() cuts the grace short.
//
// The server owns its listener, admission and worker threads; it borrows the Router (whose
// RouterDeps give it the Clock and HealthState), the Config and the sinks, which must all
// outlive it.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "lib/config/config.h"
#include "lib/core/status.h"
#include "lib/router/router.h"
#include "lib/server/access_log.h"
#include "lib/server/admission.h"
#include "lib/server/chat_endpoint.h"
#include "lib/server/http_listener.h"
#include "lib/server/metrics.h"
#include "lib/server/worker_pool.h"

namespace understudy {

// Refuses a non-loopback `host` when no auth tokens are configured, unless allow_public.
// The error says why and what to do.
Status check_bind_policy(const std::string& host, const ServerConfig& server, bool allow_public);

class GatewayServer {
 public:
  // `metrics` and `access_log` may be null.
  GatewayServer(Router& router, const Config& config, Metrics* metrics, AccessLog* access_log);
  ~GatewayServer();
  GatewayServer(const GatewayServer&) = delete;
  GatewayServer& operator=(const GatewayServer&) = delete;

  // Binds host:port (from the config unless overridden by the caller). Returns the port.
  Result<int> bind(const std::string& host, int port);
  // Serves until request_shutdown(), then drains (see above) and returns.
  void run();
  void request_shutdown();
  void shutdown_now();
  bool draining() const { return draining_.load(); }

 private:
  void add_routes();
  ApiResponse models(const ApiRequest& request) const;
  ApiResponse model(const ApiRequest& request) const;
  ApiResponse health() const;
  ApiResponse metrics() const;
  std::optional<ApiResponse> unauthorized(const ApiRequest& request) const;
  void drain();
  void count_refusal(int status, const std::string& path);

  Router& router_;
  const Config& config_;
  Metrics* metrics_;
  AccessLog* access_log_;
  Admission admission_;
  WorkerPool stream_workers_;
  ChatEndpoint chat_;
  std::unique_ptr<HttpListener> listener_;
  std::chrono::steady_clock::time_point started_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> cut_grace_{false};
};

}  // namespace understudy
