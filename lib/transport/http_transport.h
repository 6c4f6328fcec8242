// HttpTransport: the real Transport, HTTP/1.1 and HTTPS over cpp-httplib and OpenSSL.
//
// Connections. Each request checks out an idle keep-alive connection for its (scheme, host,
// port, verify_tls, ca_file) from an IdlePool, or opens a new one, and owns it exclusively
// until the call returns. After a clean, complete response that leaves the connection
// reusable it goes back to the pool; after any error, cancellation or handler abort it is
// closed. At most `max_idle_per_host` idle connections are kept per key, and none older than
// `max_idle_age`. TCP_NODELAY is on. The destructor closes idle connections; it must not run
// while a send() is in flight.
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
// returns kCancelled. It does not call httplib's Client::stop(): that takes a mutex the
// library holds for the whole connect and TLS handshake, so it could block the cancelling
// thread for up to connect_timeout. Instead send() keeps its own duplicate of the socket's
// file descriptor (taken when the socket is created, or from the pooled client), which stays
// valid until send() has unsubscribed, so a late cancel can never hit a descriptor that was
// reused for another connection. Name resolution (getaddrinfo) cannot be interrupted; a
// cancel during it takes effect as soon as the socket is created.
//
// Errors. Failures are classified by classify_transport_failure (transport_failure.h, which
// explains the method); messages name the endpoint and never contain header values. An
// invalid base_url, or CR/LF in the path or a header, is kOther before anything is sent.
// SIGPIPE is blocked on the calling thread during I/O, so a peer that resets the connection
// while we write cannot kill the process; when SIGPIPE is ignored at construction (serve
// ignores it) that is already so, and the per-request masking is skipped.
//
// Thread-safety: send() may be called from many threads at once.
#pragma once

#include <cstddef>
#include <string>

#include "lib/core/clock.h"
#include "lib/transport/idle_pool.h"
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
  const bool block_sigpipe_;  // false when the process ignored SIGPIPE at construction
};

}  // namespace understudy
