#include "lib/server/chat_endpoint.h"

#include <cctype>
#include <cstdio>
#include <exception>
#include <memory>

#include "lib/providers/json_access.h"
#include "lib/router/plan.h"
#include "lib/server/auth.h"
#include "lib/server/stream_bridge.h"

namespace understudy {

namespace {

int attempts_made(const RequestRecord& r) {
  int n = 0;
  for (const AttemptRecord& a : r.attempts) n += a.skipped.empty() ? 1 : 0;
  return n;
}

void add_sse_headers(ApiResponse& r) {
  r.content_type = "text/event-stream";
  set_header(r.headers, "Cache-Control", "no-cache");
  set_header(r.headers, "X-Accel-Buffering", "no");
}

// The answer when the router threw (a bug, or an upstream reply shaped in a way no code path
// expected). The exception's text is not passed on: it may quote upstream bytes that the
// router would otherwise have scrubbed.
RouteResult internal_error_result(const std::string& request_id) {
  RouteResult r;
  r.ok = false;
  r.http_status = 500;
  r.error =
      Json{{"error", openai_error_json("internal error in the gateway while routing request " +
                                           request_id + "; the request was not completed",
                                       "server_error", "", "internal_error")}};
  return r;
}

}  // namespace

std::optional<std::string> usable_request_id(const std::optional<std::string>& header) {
  if (!header || header->empty() || header->size() > 128) return std::nullopt;
  for (unsigned char c : *header) {
    if (!std::isalnum(c) && c != '.' && c != '_' && c != ':' && c != '-') return std::nullopt;
  }
  return header;
}

Headers understudy_headers(const RequestRecord& record, const std::string& request_id,
                           int in_flight_attempts) {
  Headers h;
  h.emplace_back("x-request-id", request_id);
  bool served = record.ok || record.failed_after_commit || in_flight_attempts > 0;
  if (served && !record.provider.empty()) {
    h.emplace_back("x-understudy-provider", record.provider);
    h.emplace_back("x-understudy-model", record.model);
    h.emplace_back("x-understudy-fallback-index", std::to_string(record.fallback_index));
  }
  h.emplace_back("x-understudy-attempts",
                 std::to_string(attempts_made(record) + in_flight_attempts));
  return h;
}

ApiResponse route_result_response(const RouteResult& result, const std::string& request_id) {
  ApiResponse r;
  if (result.ok) {
    r.status = 200;
    r.body = result.response.raw.empty() ? dump_json(result.response.body) : result.response.raw;
  } else {
    r.status = result.http_status;
    r.body = dump_json(result.error);
    if (result.retry_after) {
      set_header(r.headers, "Retry-After", retry_after_seconds(*result.retry_after));
    }
  }
  for (auto& h : understudy_headers(result.record, request_id)) r.headers.push_back(std::move(h));
  return r;
}

ChatEndpoint::ChatEndpoint(ChatEndpointDeps deps)
    : deps_(deps), random_(SeededRandom::entropy_seed()) {}

std::string ChatEndpoint::request_id_for(const ApiRequest& request) {
  if (auto id = usable_request_id(request.header("x-request-id"))) return *id;
  char buf[24];
  std::snprintf(buf, sizeof buf, "req-%016llx",
                static_cast<unsigned long long>(random_.next_u64()));
  return buf;
}

ApiResponse ChatEndpoint::refuse(const ApiRequest& request, const std::string& id,
                                 const Refusal& r) {
  if (deps_.metrics) deps_.metrics->count_rejected(r.reason);
  if (deps_.access_log)
    deps_.access_log->log_rejected(id, request.path, r.status, r.reason, r.param);
  ApiResponse resp =
      error_response(r.status, r.message, error_type_for_status(r.status), r.param, r.code);
  set_header(resp.headers, "x-request-id", id);
  return resp;
}

ApiResponse ChatEndpoint::refuse_admission(const ApiRequest& request, const std::string& id,
                                           Admission::Verdict v) {
  const AdmissionLimits& lim = deps_.admission->limits();
  Refusal r{503, admission_verdict_name(v), "", "", ""};
  switch (v) {
    case Admission::Verdict::kBusy:
      r.status = 429;
      r.code = "gateway_busy";
      r.message = "the gateway is handling its maximum of " + std::to_string(lim.max_concurrent) +
                  " concurrent requests (server.max_concurrent, drop_excess = true); retry later";
      break;
    case Admission::Verdict::kQueueFull:
      r.code = "gateway_overloaded";
      r.message = "the gateway's request queue is full (server.max_queue = " +
                  std::to_string(lim.max_queue) + "); retry later";
      break;
    case Admission::Verdict::kQueueTimeout:
      r.code = "gateway_overloaded";
      r.message = "no request slot became free within server.queue_timeout_ms = " +
                  std::to_string(lim.queue_timeout.count()) + "; retry later";
      break;
    default:
      r.status = 499;
      r.code = "client_closed_request";
      r.message = "the client went away while the request was queued";
      break;
  }
  ApiResponse resp = refuse(request, id, r);
  if (r.status != 499) set_header(resp.headers, "Retry-After", "1");
  return resp;
}

ApiResponse ChatEndpoint::handle(const ApiRequest& request) {
  std::string id = request_id_for(request);
  const Config& config = *deps_.config;
  AuthOutcome auth = authenticate(config, request.header("authorization"));
  if (!auth.ok)
    return refuse(request, id, {401, "unauthorized", auth.error, "", "invalid_api_key"});
  auto parsed = parse_chat_request(request.body);
  if (!parsed.ok()) {
    const Status& s = parsed.status();
    bool json = s.message().rfind("request body is not valid JSON", 0) == 0 ||
                s.message().rfind("request body nests", 0) == 0;
    return refuse(request, id,
                  {400, "bad_request", s.message(), s.field(), json ? "invalid_json" : ""});
  }
  if (auth.direct_only) {
    auto fb = parsed->body.find("fallbacks");
    bool has_fb = fb != parsed->body.end() && !fb->is_null();
    auto plan = make_plan(config, parsed->model, has_fb ? &parsed->fallbacks : nullptr);
    if (plan.ok()) {
      Status s = check_direct_key_chain(config, *plan);
      if (!s.ok())
        return refuse(request, id, {401, "unauthorized", s.message(), "", "invalid_api_key"});
    }
  }
  Admission::Verdict v = deps_.admission->acquire(request.cancel.get());
  if (v != Admission::Verdict::kAdmitted) return refuse_admission(request, id, v);
  RequestContext ctx;
  ctx.request_id = id;
  ctx.request_index = next_index_.fetch_add(1);
  ctx.cancel = request.cancel;
  ctx.direct_key = auth.direct_key;
  if (parsed->stream) return run_stream(std::move(*parsed), ctx);
  AdmissionTicket ticket(deps_.admission);
  return run_complete(*parsed, ctx);
}

ApiResponse ChatEndpoint::run_complete(const ChatRequest& chat, const RequestContext& ctx) {
  RouteResult result;
  try {
    result = deps_.router->complete(chat, ctx);
  } catch (const std::exception&) {
    result = internal_error_result(ctx.request_id);
  }
  return route_result_response(result, ctx.request_id);
}

ApiResponse ChatEndpoint::run_stream(ChatRequest chat, const RequestContext& ctx) {
  auto ticket = std::make_shared<AdmissionTicket>(deps_.admission);
  auto bridge = std::make_shared<StreamBridge>(ctx.cancel);
  auto request = std::make_shared<ChatRequest>(std::move(chat));
  Router* router = deps_.router;
  bool started = deps_.stream_workers->submit([router, bridge, request, ctx, ticket] {
    RouteResult result;
    try {
      result = router->stream(*request, ctx, *bridge);
    } catch (const std::exception&) {
      // An exception must not end the worker thread (std::terminate); a committed stream
      // still ends with an error event, never silently.
      result = internal_error_result(ctx.request_id);
      bridge->fail(result.error);
    }
    bridge->finish(std::move(result));
    ticket->reset();
  });
  if (!started) {
    ApiResponse r =
        error_response(503, "the gateway is shutting down", "server_error", "", "shutting_down");
    set_header(r.headers, "x-request-id", ctx.request_id);
    return r;
  }
  if (bridge->wait_outcome() == StreamBridge::Outcome::kFinished) {
    return route_result_response(bridge->result(), ctx.request_id);
  }
  ApiResponse r;
  r.status = 200;
  r.headers = understudy_headers(bridge->commit_record(), ctx.request_id, 1);
  add_sse_headers(r);
  r.stream = bridge;
  return r;
}

}  // namespace understudy
