// Transport: the seam through which the router sends one upstream HTTP request.
//
// A call delivers the response head and then the body incrementally to a ResponseHandler,
// on the calling thread, and returns when the body is complete, the handler stops it, the
// CancelToken fires, or the connection fails. Streaming and non-streaming requests use the
// same call; a non-streaming caller simply buffers (BufferingHandler).
//
// Implementations: HttpTransport (http_transport.h: our own HTTP/1.1 client for http://,
// cpp-httplib + OpenSSL for https://, pooled keep-alive connections) and ScriptedTransport (mocks/,
// answers from fault rules without a socket, on whatever Clock it is given). Implementations are
// thread-safe: many requests may be in flight at once. Failures are reported as a
// TransportErrorKind so the router can classify them (design §5, "network" and "timeout"); a
// transport never throws.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "lib/core/cancel.h"
#include "lib/core/clock.h"
#include "lib/transport/http.h"

namespace understudy {

enum class TransportError {
  kNone = 0,
  kConnectRefused,  // nothing listening / connection refused
  kDns,             // host name did not resolve
  kConnectTimeout,  // TCP or TLS handshake did not finish in time
  kReset,           // connection reset or closed before the response was complete
  kReadTimeout,     // the socket read timed out (transport-level backstop)
  kTls,             // certificate verification or TLS protocol failure
  kCancelled,       // the CancelToken fired; its reason says why
  kAborted,         // the ResponseHandler returned false
  kProtocol,        // the peer did not speak HTTP properly
  kOther,
};

const char* transport_error_name(TransportError e);

struct TransportResult {
  TransportError error = TransportError::kNone;
  std::string message;         // for logs; never contains header values
  bool head_received = false;  // a status line and headers arrived before the failure
  bool ok() const { return error == TransportError::kNone; }
};

// Receives one response. Called on the thread that called Transport::send.
class ResponseHandler {
 public:
  virtual ~ResponseHandler() = default;
  // Status and headers. Return false to abort the request (send returns kAborted).
  virtual bool on_head(const ResponseHead& head) = 0;
  // A piece of the body, in order, possibly empty. Return false to abort.
  virtual bool on_body(std::string_view bytes) = 0;
};

// Collects a whole response.
class BufferingHandler final : public ResponseHandler {
 public:
  bool on_head(const ResponseHead& head) override {
    response.status = head.status;
    response.headers = head.headers;
    return true;
  }
  bool on_body(std::string_view bytes) override {
    if (response.body.size() + bytes.size() > max_body) return false;
    response.body.append(bytes);
    return true;
  }
  HttpResponse response;
  size_t max_body = 256u << 20;  // 256 MiB: far above any chat reply
};

struct TransportOptions {
  Millis connect_timeout{10000};
  // Socket-level read timeout: a backstop only. The router enforces header, first-token,
  // idle and deadline timeouts itself by cancelling the token.
  Millis read_timeout{300000};
  std::string ca_file;     // extra CA bundle (PEM) trusted in addition to the system's
  bool verify_tls = true;  // false only when a user explicitly turns verification off
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends `req` and streams the response into `handler`. `cancel` may be null.
  virtual TransportResult send(const HttpRequest& req, ResponseHandler& handler,
                               CancelToken* cancel, const TransportOptions& options) = 0;
};

}  // namespace understudy
