// HttpTransport: the real Transport, HTTP/1.1 over plain TCP and over TLS.
//
// Two clients behind one send(). http:// upstreams go through our own HTTP/1.1 client
// (plain_http_client.h): local models, mocks and gateways sit behind http://, and that is
// the path `serve` spends most of its client-side CPU on, so it is written for few system
// calls (one sendmsg per request, poll only when a read would block, an incremental parser
// that hands body bytes on without copying; cpp-httplib 0.11's client made two sends and
// seven polls per request). https:// goes through cpp-httplib with OpenSSL, whose TLS
// handling (handshake, SNI, certificate and host name verification) we do not re-implement.
//
// Connections. Each request checks out an idle keep-alive connection for its (scheme, host,
// port, verify_tls, ca_file) from an IdlePool, or opens a new one, and owns it exclusively
// until the call returns. After a clean, complete response that leaves the connection
// reusable it goes back to the pool; after any error, cancellation or handler abort it is
// closed. At most `max_idle_per_host` idle connections are kept per key, and none older than
// `max_idle_age`. TCP_NODELAY is on. A pooled connection the server has closed is noticed
// before use and replaced; for http://, a request on a reused connection that the server
// closes or resets before sending a single response byte is sent once more on a fresh
// connection (plain_http_client.h says why that is safe). The destructor closes idle
// connections; it must not run while a send() is in flight.
//
// TLS. Server certificates are verified by default against the system CA store (OpenSSL's
// default paths, which honour SSL_CERT_FILE / SSL_CERT_DIR), including the host name.
// TransportOptions::ca_file is loaded into the same store, so it adds a CA; it does not
// replace the system ones. (cpp-httplib's set_ca_cert_path would replace them: when a path
// is set it loads only that path. We therefore load ca_file into the client's SSL_CTX
// ourselves and leave the library's path empty, so it still adds the default paths.)
// verify_tls = false turns verification off.
//
// Timeouts. connect_timeout bounds the TCP connect and, separately, the TLS handshake.
// read_timeout bounds every single socket read and write (a backstop: the router enforces
// its own header, first-token, idle and deadline timeouts by cancelling the token).
//
// Streaming. The body is handed to ResponseHandler::on_body as it is read from the socket,
// piece by piece; nothing is buffered or decompressed. Unless the request sets its own
// Accept-Encoding, "Accept-Encoding: identity" is sent, so the bytes are the plain body. The
// request path is sent as given (already URL-encoded by the adapter); a path prefix in
// base_url ("https://host/prefix") is prepended. on_head is called exactly once per
// successful response, also for responses without a body (204, HEAD).
//
// Cancellation. send() subscribes to the CancelToken. On cancel it shuts the request's
// socket down, which wakes a blocked connect, handshake, read or write at once, and send()
// returns kCancelled. The descriptor it shuts down is never one that may have been closed
// and reused meanwhile: for http:// the socket is detached from the canceller (under its
// lock) before it is closed or pooled; for https:// send() keeps its own duplicate of the
// socket's descriptor (taken when the socket is created, or from the pooled client) until it
// has unsubscribed. It does not call httplib's Client::stop(): that takes a mutex the
// library holds for the whole connect and TLS handshake, so it could block the cancelling
// thread for up to connect_timeout. Name resolution (getaddrinfo) cannot be interrupted; a
// cancel during it takes effect as soon as the socket is created.
//
// Errors. Failures are classified by classify_transport_failure (transport_failure.h, which
// explains the method); messages name the endpoint and never contain header values. An
// invalid base_url, or CR/LF in the path or a header, is kOther before anything is sent. A
// response that is not valid HTTP/1.1 is kProtocol on http:// (our parser says what was
// wrong); cpp-httplib cannot tell it from an early close, so on https:// it is kReset.
// SIGPIPE cannot kill the process: our client writes with MSG_NOSIGNAL; around cpp-httplib
// and OpenSSL, which write without it, SIGPIPE is blocked on the calling thread during I/O
// unless the process already ignored it at construction (serve does).
//
// Thread-safety: send() may be called from many threads at once.
#pragma once

#include <cstddef>
#include <string>

#include "lib/core/clock.h"
#include "lib/transport/idle_pool.h"
#include "lib/transport/plain_http_client.h"
#include "lib/transport/transport.h"

namespace understudy {

struct HttpTransportLimits {
  size_t max_idle_per_host = 64;  // idle keep-alive connections kept per pool key
  Millis max_idle_age{30000};     // an idle connection older than this is closed, not reused
};

class HttpTransport final : public Transport {
 public:
  explicit HttpTransport(HttpTransportLimits limits = {});
  ~HttpTransport() override;
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  TransportResult send(const HttpRequest& req, ResponseHandler& handler, CancelToken* cancel,
                       const TransportOptions& options) override;

  // Idle connections currently pooled, over all hosts. For tests and metrics.
  size_t idle_connections() const { return pool_.idle_count(); }

 private:
  IdlePool pool_;
  PlainHttpClient plain_;     // http://; https:// goes through cpp-httplib in send()
  const bool block_sigpipe_;  // false when the process ignored SIGPIPE at construction
};

}  // namespace understudy
