// classify_transport_failure: turns what an HTTP client observed about a failed exchange into
// a TransportError and a log message. Pure; no I/O, no clock. Both clients use it: our own
// HTTP/1.1 client for http:// (plain_http_client.h), which knows exactly what happened and
// says so (timed_out, kProtocol, detail), and cpp-httplib for https://, whose coarse errors
// need the inference below.
//
// Why a separate function: the client library (cpp-httplib) reports failures coarsely. One
// code covers "could not resolve", "refused" and "unreachable"; another covers "the peer
// closed or reset the connection", "the read timed out" and "the status line was garbage";
// a TLS handshake that timed out looks like any other handshake failure. HttpTransport
// therefore records a few facts of its own around the call (was a socket ever created, how
// long the connection phase and the last silence lasted, errno, whether the CancelToken or
// the ResponseHandler stopped the exchange) and this function decides from all of them, in
// this order:
//
//   1. the CancelToken fired                  -> kCancelled (whatever the library said)
//   2. the ResponseHandler returned false     -> kAborted
//   3. connect failed and no socket was made  -> kDns (name resolution failed), or kOther
//                                                when errno says we ran out of descriptors
//   4. connect failed after a socket was made -> kConnectTimeout if the connection phase
//                                                lasted connect_timeout or errno is
//                                                ETIMEDOUT, else kConnectRefused
//   5. TLS handshake failed                   -> kConnectTimeout if it lasted connect_timeout,
//                                                else kTls; certificate or host name
//                                                verification failure -> kTls
//   6. read failed                            -> kReset if errno is ECONNRESET; kReadTimeout
//                                                if the client says it timed out or the
//                                                connection had been silent for read_timeout;
//                                                else kReset (closed early)
//   7. write failed                           -> kReadTimeout if timed out or silent for
//                                                read_timeout (the write timeout equals the
//                                                read timeout), else kReset
//   8. the response was not valid HTTP        -> kProtocol, with the parser's detail
//
// Timing is a reliable signal here because the library's own timeouts are exactly
// connect_timeout and read_timeout: a failure that happens before the timeout elapsed cannot
// be that timeout. The silence is measured from the latest event we saw (socket creation,
// response head, body bytes), so it may overstate the real wait by the connect/handshake
// time; a peer that resets a fresh connection just before read_timeout may thus be reported
// as a read timeout. Both are "network"-class failures for the router, so the rare mix-up
// does not change a fallback decision.
//
// Messages name the endpoint and the cause, never header values or bodies.
#pragma once

#include <string>

#include "lib/core/cancel.h"
#include "lib/core/clock.h"
#include "lib/transport/transport.h"

namespace understudy {

// The stage the client library says failed (a library-neutral mirror of its error codes).
enum class ClientFailure {
  kConnect,           // could not open a connection (resolve, socket or connect)
  kConnectTimeout,    // the library itself reported a connect timeout
  kTlsHandshake,      // TLS handshake failed
  kTlsVerification,   // the server certificate or its host name did not verify
  kTlsCertificates,   // CA certificates could not be loaded
  kRead,              // reading the response failed (EOF, reset, timeout, garbage)
  kWrite,             // writing the request failed
  kStoppedByHandler,  // a response callback returned false
  kProtocol,          // the response was not valid HTTP/1.1 (detail says what was wrong)
  kOther,
};

struct FailureFacts {
  ClientFailure failure = ClientFailure::kOther;
  std::string library_error;  // the library's name for the error, for kOther messages
  std::string endpoint;       // "host:port", for messages
  bool cancelled = false;     // the CancelToken fired before the call returned
  CancelReason cancel_reason = CancelReason::kNone;
  bool handler_stopped = false;  // the ResponseHandler returned false
  bool socket_created = false;   // a new socket was created during the call
  bool head_received = false;    // status line and headers were delivered
  int sys_errno = 0;             // errno right after the call (0 if unset)
  Millis connect_phase{0};       // time since the newest socket was created
  Millis silence{0};             // time since the last event (socket, head, body bytes)
  Millis connect_timeout{0};
  Millis read_timeout{0};
  std::string tls_detail;  // e.g. "self-signed certificate", empty if unknown
  bool timed_out = false;  // the client itself saw a read or write wait run out
  // What our own client knows beyond the stage: the parser's complaint (kProtocol) or the
  // resolver's message (kConnect without a socket). Never contains header values.
  std::string detail;
};

TransportResult classify_transport_failure(const FailureFacts& facts);

}  // namespace understudy
