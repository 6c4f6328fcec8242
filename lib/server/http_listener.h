// HttpListener: the socket side of `serve`. It accepts connections, reads HTTP/1.1 requests
// with our own parser (http1_request_parser.h), hands them to handlers as ApiRequests, and
// writes ApiResponses back (http1_response.h), streaming the SSE ones as they are produced.
// No HTTP library is involved on the server side.
//
// One thread per connection: the listener binds and listens itself (backlog SOMAXCONN),
// accepts on its own thread, sets TCP_NODELAY on each connection, and runs each connection on
// a WorkerPool thread, which reads requests through a buffered ConnectionStream and enforces:
//   * read_timeout: a request's head and body must arrive within this from its first byte
//     (the whole request, not each read): slow clients get 408 and are disconnected;
//   * write_timeout: one blocked write to a client that stopped reading;
//   * keep-alive: HTTP/1.1 connections persist unless the client sends `Connection: close`,
//     HTTP/1.0 ones only with `Connection: keep-alive`; an idle connection is closed after
//     keep_alive_idle, at once when the listener stops, and after
//     max_requests_per_connection requests. Pipelined requests are answered in order.
// A plain response leaves in one send (head and body together); a streamed one uses chunked
// framing (close-delimited for HTTP/1.0), and each batch is sent as soon as the source yields
// it, the first together with the head. An `Expect: 100-continue` is answered before the
// listener waits for the body, never held back.
// Each request gets a CancelToken, armed in a DisconnectWatcher while the request is in
// progress (the connection's socket is registered once per connection), so a client that hangs
// up cancels its request (kCallerGone) even while nothing is being written to it. Responses are
// never compressed (Accept-Encoding is ignored): a compressor would buffer the event stream,
// and for a local gateway it costs more latency than it saves.
//
// Bodies: a Content-Length above max_body_bytes is refused with 413 before it is read (and
// instead of 100 Continue); a chunked body is cut off at the limit (413 too). Malformed or
// ambiguous framing is 400 (see http1_request_parser.h), an unsupported Transfer-Encoding
// 501; each of these closes the connection, with a lingering close (the answer is sent, the
// write side shut, and input still arriving is read and dropped for up to 2 s), so a client
// still uploading reads the answer instead of a connection reset. Routes are exact paths (or path
// prefixes) per method, HEAD served by the GET route without a body; an unknown path is 404 and a
// known path with another method 405, a handler that throws 500, all in the OpenAI error shape.
//
// Lifecycle: route() before bind(); bind(); run() on one thread until stop_accepting();
// then wait_for_idle(), cancel_active(), close_connections(), join_connections().
// stop_accepting, active_requests, wait_for_idle, cancel_active and close_connections are
// thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "lib/core/cancel.h"
#include "lib/core/clock.h"
#include "lib/core/status.h"
#include "lib/server/api.h"

namespace understudy {

struct ListenerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (bind() says which)
  std::size_t max_body_bytes = 8u << 20;
  Millis read_timeout{10000};
  Millis write_timeout{30000};
  Millis keep_alive_idle{5000};
  std::size_t max_connections = 512;  // connection threads; more connections wait for one
  int max_requests_per_connection = 10000;
  // Called on the connection's thread after the HTTP layer itself refused a request (400
  // malformed, 408, 413, 414, 431, 501), with the status and the request's path ("" when
  // its request line never parsed), so that metrics and the access log can count it. Must not
  // throw. Optional.
  std::function<void(int status, const std::string& path)> on_refused;
};

class HttpListener {
 public:
  using Handler = std::function<ApiResponse(const ApiRequest&)>;

  explicit HttpListener(ListenerOptions options);
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // `path` is exact, or a prefix when it ends in "*" ("/v1/models/*").
  void route(const std::string& method, const std::string& path, Handler handler);

  // Creates the listening socket. Returns the bound port, or an error naming the address
  // and the reason ("address already in use").
  Result<int> bind();
  // Accepts connections until stop_accepting(); then closes the listening socket.
  void run();
  // Stops accepting and ends idle keep-alive connections; requests in progress go on.
  void stop_accepting();
  bool stopping() const;

  // Requests whose head has been read and whose response is not fully written.
  int active_requests() const;
  // Waits until active_requests() is 0 or `deadline` passes; true if idle.
  bool wait_for_idle(std::chrono::steady_clock::time_point deadline);
  // Cancels every active request's token with `reason`.
  void cancel_active(CancelReason reason);
  // Shuts down every open connection socket, which ends any blocked read or write.
  void close_connections();
  // Waits for every connection thread to finish.
  void join_connections();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace understudy
