// Runs a ResponsePlan (mocks/response_plan.h) over a real socket, step by step: latency
// sleeps, the response head, body pieces each flushed at once, a hang, a TCP reset. It is
// the socket twin of execute_plan in scripted_transport.h, so the HTTP fake servers fail in
// exactly the way the in-process fakes do.
//
// Framing: an event stream (Content-Type text/event-stream), or any body the plan may break
// off (a sleep, hang or reset after the head), is sent chunked, so a cut is visible to the
// client as an unfinished body; a body known in full is sent with Content-Length. A plan
// that ends normally after a chunked body sends the last chunk.
//
// Outcomes: "complete", "client_closed" (the client went away during a sleep, a hang or a
// write), "reset" (the plan reset the connection), "hang_ended" (the server stopped during
// a hang), "server_stopped" (the server stopped during a sleep or a write).
// Stateless; runs on the connection's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "mocks/response_plan.h"
#include "mocks/wire_connection.h"

namespace understudy {

struct SocketPlanResult {
  int status = 0;  // status line sent; 0 when none was
  std::string outcome;
  std::int64_t bytes_sent = 0;
  bool reusable = false;  // the connection may carry the next request
};

// Called once, just before the last bytes of a response that ends normally are written,
// with the result it will have if that write succeeds; so a request log can be complete by
// the time the client has the whole response.
using PlanCompletionHook = std::function<void(const SocketPlanResult&)>;

SocketPlanResult run_plan_on_socket(const ResponsePlan& plan, WireConnection& conn, bool keep_alive,
                                    const PlanCompletionHook& on_complete = {});

// Whether the body of `plan` is sent chunked (see the header comment).
bool plan_body_is_chunked(const ResponsePlan& plan);

}  // namespace understudy
