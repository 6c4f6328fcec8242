// PlainHttpClient: our own HTTP/1.1 client for http:// (plain TCP) upstreams, used by
// HttpTransport for that scheme. https:// stays on cpp-httplib and OpenSSL.
//
// Why our own: cpp-httplib 0.11's client cost about a third of `serve`'s CPU per request
// (bench/README.md): it writes the head and the body with two send() calls, polls before
// every send and recv plus a liveness poll, reads the head through a line reader and keeps
// headers in a case-insensitive multimap. This client serializes the head into one buffer
// and sends head and body with one sendmsg(), polls only when the socket has nothing to
// give, and parses the answer incrementally (http1_response_parser.h), handing body bytes to
// the ResponseHandler straight from the read buffer. A steady keep-alive request costs four
// system calls: a MSG_PEEK check of the pooled connection, sendmsg, poll, recv.
//
// Connections come from and go back to the transport's IdlePool (as PlainHttpConnection).
// A pooled connection the server closed while it was idle is noticed at checkout and
// replaced. If a request on a reused connection still fails before a single response byte
// arrived, because the server closed or reset it (the keep-alive race: the server closed
// just as we sent), it is sent once more on a fresh connection: nothing of an answer came
// back, and a server that closes an idle connection has not processed a request on it (a
// server that crashed mid-request looks the same, but the router retries a kReset anyway).
// A read timeout is never retried (the server may be working on it). A connection goes
// back to the pool only after a complete response that allows it (HTTP/1.1, no
// "Connection: close", explicit body end, no stray bytes after it), and never after an
// error, a cancel or a handler abort.
//
// Cancellation, timeouts, error classification and messages follow HttpTransport's contract
// (http_transport.h): on cancel the socket is shut down through a SocketInterrupter, which
// wakes a blocked connect, poll, read or write at once, and send() returns kCancelled with
// the token's reason; the descriptor is detached from the interrupter before it is closed or
// pooled, so a late cancel never touches a reused descriptor.
//
// Thread-safety: send() may be called from many threads at once (the pool is thread-safe;
// each call owns its connection).
#pragma once

#include <string>

#include "lib/core/cancel.h"
#include "lib/transport/http.h"
#include "lib/transport/idle_pool.h"
#include "lib/transport/transport.h"

namespace understudy {

class PlainHttpClient {
 public:
  // `pool` must outlive the client; its entries under the keys this client is given must
  // all be PlainHttpConnection.
  explicit PlainHttpClient(IdlePool& pool) : pool_(pool) {}
  PlainHttpClient(const PlainHttpClient&) = delete;
  PlainHttpClient& operator=(const PlainHttpClient&) = delete;

  // Sends `req` to `url` (scheme http) with request target `target` (base path + request
  // path, already validated), using the idle connections under `pool_key`.
  TransportResult send(const HttpRequest& req, const SplitUrl& url, const std::string& target,
                       const std::string& pool_key, ResponseHandler& handler, CancelToken* cancel,
                       const TransportOptions& options);

 private:
  IdlePool& pool_;
};

}  // namespace understudy
