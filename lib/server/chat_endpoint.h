// ChatEndpoint: POST /v1/chat/completions (design §6, §7; docs/serve.md).
//
// In order: request id (the caller's x-request-id if it is a sane token, else a generated
// one), authentication (auth.h), parsing and validation (parse_chat_request:
// every bad input is a 400 in the OpenAI error shape naming the `param`; a body nested deeper
// than kMaxJsonDepth, lib/model/json_depth.h, is a 400 with code invalid_json), the direct-key
// chain check, then admission (admission.h: 429 or 503 with Retry-After beyond the limits), then
// the router.
//
// Non-streaming requests run the router on the calling (connection) thread. Streaming
// requests run it on a `stream_workers` thread with a StreamBridge as the sink; this thread
// waits for the commit point and answers either 200 text/event-stream (the connection then
// drains the bridge) or, when the router finished without committing, the primary's error
// as a normal HTTP response. Either way the response carries x-request-id and the
// x-understudy-* headers; errors carry Retry-After when the router passed on a hint.
//
// An exception from the router (a bug, or an upstream reply no code path expected) is
// answered with 500 `internal_error`, or an error event once a stream is committed; it never
// ends the process. The admission slot is held until the router returns, for streams too.
// Every refusal is counted in Metrics and logged by the AccessLog (both optional).
// Thread-safe: one endpoint serves every connection.
#pragma once

#include <atomic>
#include <string>

#include "lib/config/config.h"
#include "lib/core/random.h"
#include "lib/router/router.h"
#include "lib/server/access_log.h"
#include "lib/server/admission.h"
#include "lib/server/api.h"
#include "lib/server/metrics.h"
#include "lib/server/worker_pool.h"

namespace understudy {

struct ChatEndpointDeps {
  Router* router = nullptr;
  const Config* config = nullptr;
  Admission* admission = nullptr;
  WorkerPool* stream_workers = nullptr;
  Metrics* metrics = nullptr;       // may be null
  AccessLog* access_log = nullptr;  // may be null
};

class ChatEndpoint {
 public:
  explicit ChatEndpoint(ChatEndpointDeps deps);

  ApiResponse handle(const ApiRequest& request);

 private:
  struct Refusal {
    int status;
    std::string reason;  // metrics / log word
    std::string message;
    std::string param;
    std::string code;
  };

  ApiResponse refuse(const ApiRequest& request, const std::string& id, const Refusal& r);
  ApiResponse refuse_admission(const ApiRequest& request, const std::string& id,
                               Admission::Verdict v);
  ApiResponse run_complete(const ChatRequest& chat, const RequestContext& ctx);
  ApiResponse run_stream(ChatRequest chat, const RequestContext& ctx);
  std::string request_id_for(const ApiRequest& request);

  ChatEndpointDeps deps_;
  SeededRandom random_;
  std::atomic<std::int64_t> next_index_{0};
};

// The response for a finished RouteResult: the completion (200) or the error with its status.
ApiResponse route_result_response(const RouteResult& result, const std::string& request_id);

// x-request-id and x-understudy-{provider,model,fallback-index,attempts} for `record`.
// `in_flight_attempts` counts attempts not yet in the record (the one serving at commit).
Headers understudy_headers(const RequestRecord& record, const std::string& request_id,
                           int in_flight_attempts = 0);

// The caller's x-request-id when it is 1..128 characters of [A-Za-z0-9._:-], else nullopt.
std::optional<std::string> usable_request_id(const std::optional<std::string>& header);

}  // namespace understudy
