#include "lib/server/gateway_server.h"

#include "lib/server/auth.h"
#include "lib/server/info_endpoints.h"
#include "lib/server/socket_util.h"

namespace understudy {

namespace {

using SteadyClock = std::chrono::steady_clock;

// After cancelling at the end of the grace period: time for error events to reach clients.
constexpr Millis kFlushAfterCancel{2000};
// At least this long for one blocked write to a client.
constexpr Millis kMinWriteTimeout{30000};

ListenerOptions listener_options(const ServerConfig& s) {
  ListenerOptions o;
  o.host = s.host;
  o.port = s.port;
  o.max_body_bytes = s.max_body_bytes;
  o.read_timeout = s.read_timeout;
  o.write_timeout = std::max(s.read_timeout, kMinWriteTimeout);
  o.max_connections =
      static_cast<std::size_t>(s.max_concurrent) + static_cast<std::size_t>(s.max_queue) + 64;
  return o;
}

AdmissionLimits admission_limits(const ServerConfig& s) {
  return AdmissionLimits{s.max_concurrent, s.max_queue, s.drop_excess, s.queue_timeout};
}

}  // namespace

Status check_bind_policy(const std::string& host, const ServerConfig& server, bool allow_public) {
  if (is_loopback_host(host) || !server.auth_tokens.empty() || allow_public) return Status::Ok();
  return invalid_argument(
      "refusing to listen on " + host +
      ": it is not a loopback address and no [server] auth_tokens are configured, so anyone "
      "who can reach it could spend your provider keys. Set server.auth_tokens, listen on "
      "127.0.0.1, or pass --allow-public if the network is trusted");
}

GatewayServer::GatewayServer(Router& router, const Config& config, Metrics* metrics,
                             AccessLog* access_log)
    : router_(router),
      config_(config),
      metrics_(metrics),
      access_log_(access_log),
      admission_(admission_limits(config.server), *router.deps().clock),
      stream_workers_(static_cast<std::size_t>(config.server.max_concurrent) + 16),
      chat_(ChatEndpointDeps{&router, &config, &admission_, &stream_workers_, metrics, access_log}),
      started_(SteadyClock::now()) {}

GatewayServer::~GatewayServer() {
  if (listener_) {
    listener_->stop_accepting();
    listener_->cancel_active(CancelReason::kShutdown);
    listener_->close_connections();
    listener_->join_connections();
  }
  stream_workers_.stop();
}

Result<int> GatewayServer::bind(const std::string& host, int port) {
  ListenerOptions options = listener_options(config_.server);
  options.host = host;
  options.port = port;
  options.on_refused = [this](int status, const std::string& path) { count_refusal(status, path); };
  listener_ = std::make_unique<HttpListener>(options);
  add_routes();
  return listener_->bind();
}

// A request the HTTP layer refused (http_listener.h): counted and logged like the
// endpoints' refusals, with a reason word per status. It has no request id (its headers may
// never have been read), so the log line says "-".
void GatewayServer::count_refusal(int status, const std::string& path) {
  const char* reason = status == 408                    ? "request_timeout"
                       : status == 413                  ? "too_large"
                       : status == 414 || status == 431 ? "head_too_large"
                       : status == 501                  ? "unsupported_encoding"
                                                        : "malformed_http";
  if (metrics_) metrics_->count_rejected(reason);
  if (access_log_) access_log_->log_rejected("-", path, status, reason, "");
}

void GatewayServer::add_routes() {
  listener_->route("POST", "/v1/chat/completions",
                   [this](const ApiRequest& r) { return chat_.handle(r); });
  listener_->route("GET", "/v1/models", [this](const ApiRequest& r) { return models(r); });
  listener_->route("GET", "/v1/models/*", [this](const ApiRequest& r) { return model(r); });
  listener_->route("GET", "/health", [this](const ApiRequest&) { return health(); });
  listener_->route("GET", "/metrics", [this](const ApiRequest&) { return metrics(); });
}

std::optional<ApiResponse> GatewayServer::unauthorized(const ApiRequest& request) const {
  AuthOutcome auth = authenticate(config_, request.header("authorization"));
  if (auth.ok) return std::nullopt;
  return error_response(401, auth.error, "authentication_error", "", "invalid_api_key");
}

ApiResponse GatewayServer::models(const ApiRequest& request) const {
  if (auto refused = unauthorized(request)) return *refused;
  return json_response(200, models_list(config_));
}

ApiResponse GatewayServer::model(const ApiRequest& request) const {
  if (auto refused = unauthorized(request)) return *refused;
  std::string id = request.path.substr(std::string("/v1/models/").size());
  Json entry = find_model(config_, id);
  if (entry.is_null()) {
    return error_response(404,
                          "the model \"" + id + "\" is not configured (GET /v1/models lists them)",
                          "invalid_request_error", "model", "model_not_found");
  }
  return json_response(200, entry);
}

ApiResponse GatewayServer::health() const {
  HealthInputs in;
  in.draining = draining_.load();
  in.uptime_ms = millis_between(started_, SteadyClock::now());
  in.in_flight = admission_.active();
  in.queued = admission_.queued();
  Clock& clock = *router_.deps().clock;
  Json report = health_report(config_, *router_.deps().health, clock.now(), in);
  return json_response(in.draining ? 503 : 200, report);
}

ApiResponse GatewayServer::metrics() const {
  ApiResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  Metrics::Gauges g{admission_.active(), admission_.queued()};
  r.body = metrics_ ? metrics_->render(g) : Metrics().render(g);
  return r;
}

void GatewayServer::run() {
  if (!listener_) return;
  listener_->run();
  drain();
}

void GatewayServer::drain() {
  auto grace_end = SteadyClock::now() + config_.server.shutdown_grace;
  while (!listener_->wait_for_idle(std::min(grace_end, SteadyClock::now() + Millis(100)))) {
    if (cut_grace_.load() || SteadyClock::now() >= grace_end) break;
  }
  if (listener_->active_requests() > 0) {
    listener_->cancel_active(CancelReason::kShutdown);
    listener_->wait_for_idle(SteadyClock::now() + kFlushAfterCancel);
  }
  listener_->close_connections();
  listener_->join_connections();
  stream_workers_.stop();
}

void GatewayServer::request_shutdown() {
  draining_.store(true);
  if (listener_) listener_->stop_accepting();
}

void GatewayServer::shutdown_now() {
  cut_grace_.store(true);
  request_shutdown();
}

}  // namespace understudy
