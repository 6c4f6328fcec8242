// Router: the fallback engine (design §5–§7). For one request it plans the chain, and for
// each target chooses a key, runs hooks, sends the attempt through the Transport seam,
// classifies the outcome, and retries, switches key, falls back or stops according to
// decide() — all within one request deadline — then returns the first good answer, or the
// primary's error, with the full attempt trail.
//
// The Router sees the world only through RouterDeps (Clock, Random, transports, hooks,
// event sink, shared HealthState), so `serve`, `ask` and `simulate` run this same code with
// different implementations behind the seams. It owns nothing in RouterDeps; all of it must
// outlive the Router. complete() and stream() are thread-safe: one Router serves every
// request of the process. They never throw; every failure is in the RouteResult.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/config/config.h"
#include "lib/core/cancel.h"
#include "lib/core/clock.h"
#include "lib/core/random.h"
#include "lib/model/chat.h"
#include "lib/router/events.h"
#include "lib/router/health.h"
#include "lib/router/hooks.h"
#include "lib/transport/transport.h"

namespace understudy {

// Which Transport carries a provider's requests (real HTTP, an in-process mock, ...).
class TransportResolver {
 public:
  virtual ~TransportResolver() = default;
  virtual Transport& transport_for(const ProviderConfig& provider) = 0;
};

struct RouterDeps {
  const Config* config = nullptr;
  Clock* clock = nullptr;
  Random* random = nullptr;
  TransportResolver* transports = nullptr;
  HealthState* health = nullptr;
  EventSink* events = nullptr;      // may be null
  std::vector<AttemptHook*> hooks;  // run in order for every attempt
};

struct RequestContext {
  std::string request_id;
  std::int64_t request_index = 0;       // for fault rules and simulate
  std::shared_ptr<CancelToken> cancel;  // the caller's token (disconnect, Ctrl-C); may be null
  std::optional<Millis> deadline;       // overrides config.fallback.deadline
  std::string direct_key;               // the client's bearer token, for allow_direct_keys
  EventSink* observer = nullptr;        // extra per-request sink (e.g. `ask -v`); may be null
};

struct RouteResult {
  bool ok = false;
  int http_status = 200;
  ChatResponse response;              // non-streaming success, extra_fields included
  Json error;                         // failure: {"error": {...}, "extra_fields": {...}}
  std::optional<Millis> retry_after;  // failure: a hint worth passing to the caller
  RequestRecord record;
};

// Where a streaming request's output goes. Called on the request's thread.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // The first content is ready: from now on the caller sees a 200 stream. `record` holds
  // who is serving and the trail so far. Return false if the caller is gone.
  virtual bool on_commit(const RequestRecord& record) = 0;
  // One OpenAI chat.completion.chunk. Return false if the caller is gone.
  virtual bool on_chunk(const Json& chunk) = 0;
  // After commit only: the stream failed for good; `error` is {"error": {...}}. No
  // on_done follows.
  virtual void on_error(const Json& error) = 0;
  // The stream finished properly ("data: [DONE]").
  virtual void on_done() = 0;
};

class Router {
 public:
  explicit Router(RouterDeps deps);

  // A non-streaming request (request.stream is ignored).
  RouteResult complete(const ChatRequest& request, const RequestContext& ctx);

  // A streaming request. If it fails before any content was committed, nothing was sent to
  // `sink` and the result carries the error (answer with a normal HTTP error). If it fails
  // after commit, the error event was already sent to the sink and result.ok is false with
  // record.failed_after_commit set.
  RouteResult stream(const ChatRequest& request, const RequestContext& ctx, StreamSink& sink);

  const RouterDeps& deps() const { return deps_; }

 private:
  RouterDeps deps_;
};

// {"error": {"message", "type", "param", "code"}} with JSON nulls for empty fields.
Json openai_error_object(const Failure& f);

}  // namespace understudy
