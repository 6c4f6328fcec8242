#include "lib/transport/transport_failure.h"

#include <cerrno>
#include <cstring>

namespace understudy {
namespace {

TransportResult make(TransportError error, std::string message, const FailureFacts& facts) {
  return TransportResult{error, std::move(message), facts.head_received};
}

std::string errno_suffix(int err) {
  if (err == 0) return "";
  char buf[128];
  // GNU strerror_r: thread-safe, returns a pointer to the text (maybe not into buf).
  return std::string(" (") + strerror_r(err, buf, sizeof buf) + ")";
}

std::string tls_suffix(const FailureFacts& facts) {
  return facts.tls_detail.empty() ? "" : ": " + facts.tls_detail;
}

TransportResult classify_connect(const FailureFacts& f) {
  if (!f.socket_created) {
    if (f.sys_errno == EMFILE || f.sys_errno == ENFILE) {
      return make(TransportError::kOther,
                  "cannot open a socket to " + f.endpoint + errno_suffix(f.sys_errno), f);
    }
    std::string why = f.detail.empty() ? "" : " (" + f.detail + ")";
    return make(TransportError::kDns, "could not resolve the host of " + f.endpoint + why, f);
  }
  if (f.sys_errno == ETIMEDOUT || f.connect_phase >= f.connect_timeout) {
    return make(TransportError::kConnectTimeout,
                "connecting to " + f.endpoint + " timed out after " +
                    std::to_string(f.connect_phase.count()) + " ms",
                f);
  }
  // EINPROGRESS is what the non-blocking connect() itself left in errno, not why it failed
  // (cpp-httplib reads the real error with SO_ERROR and keeps it to itself).
  bool known = f.sys_errno != 0 && f.sys_errno != EINPROGRESS;
  int shown = known ? f.sys_errno : ECONNREFUSED;
  return make(TransportError::kConnectRefused,
              "could not connect to " + f.endpoint + errno_suffix(shown), f);
}

TransportResult classify_tls(const FailureFacts& f) {
  switch (f.failure) {
    case ClientFailure::kTlsVerification:
      return make(TransportError::kTls,
                  "TLS certificate of " + f.endpoint + " did not verify" + tls_suffix(f), f);
    case ClientFailure::kTlsCertificates:
      return make(TransportError::kTls,
                  "could not load CA certificates for " + f.endpoint + tls_suffix(f), f);
    default:
      break;
  }
  if (f.connect_phase >= f.connect_timeout) {
    return make(TransportError::kConnectTimeout,
                "TLS handshake with " + f.endpoint + " timed out after " +
                    std::to_string(f.connect_phase.count()) + " ms",
                f);
  }
  return make(TransportError::kTls, "TLS handshake with " + f.endpoint + " failed" + tls_suffix(f),
              f);
}

TransportResult classify_read(const FailureFacts& f) {
  const char* when = f.head_received ? "in the middle of the response body"
                                     : "before the response headers arrived";
  if (f.timed_out || (f.sys_errno != ECONNRESET && f.silence >= f.read_timeout)) {
    return make(
        TransportError::kReadTimeout,
        "no data from " + f.endpoint + " for " + std::to_string(f.silence.count()) + " ms " + when,
        f);
  }
  std::string how = f.sys_errno == ECONNRESET ? "reset the connection " : "closed the connection ";
  return make(TransportError::kReset, f.endpoint + " " + how + when, f);
}

TransportResult classify_write(const FailureFacts& f) {
  bool silent_too_long =
      f.sys_errno != ECONNRESET && f.sys_errno != EPIPE && f.silence >= f.read_timeout;
  if (f.timed_out || silent_too_long) {
    return make(TransportError::kReadTimeout,
                "sending the request to " + f.endpoint + " timed out after " +
                    std::to_string(f.silence.count()) + " ms",
                f);
  }
  return make(TransportError::kReset,
              f.endpoint + " closed the connection while the request was being sent", f);
}

}  // namespace

TransportResult classify_transport_failure(const FailureFacts& f) {
  if (f.cancelled) {
    return make(
        TransportError::kCancelled,
        "request to " + f.endpoint + " cancelled (" + cancel_reason_name(f.cancel_reason) + ")", f);
  }
  if (f.handler_stopped || f.failure == ClientFailure::kStoppedByHandler) {
    return make(TransportError::kAborted,
                "the response handler stopped the response from " + f.endpoint, f);
  }
  switch (f.failure) {
    case ClientFailure::kConnect:
      return classify_connect(f);
    case ClientFailure::kConnectTimeout:
      return make(TransportError::kConnectTimeout, "connecting to " + f.endpoint + " timed out", f);
    case ClientFailure::kTlsHandshake:
    case ClientFailure::kTlsVerification:
    case ClientFailure::kTlsCertificates:
      return classify_tls(f);
    case ClientFailure::kRead:
      return classify_read(f);
    case ClientFailure::kWrite:
      return classify_write(f);
    case ClientFailure::kProtocol:
      return make(TransportError::kProtocol,
                  f.endpoint + " sent a malformed HTTP response: " +
                      (f.detail.empty() ? "unknown problem" : f.detail),
                  f);
    case ClientFailure::kStoppedByHandler:
    case ClientFailure::kOther:
      break;
  }
  std::string what = f.library_error.empty() ? "unknown error" : f.library_error;
  return make(TransportError::kOther, "HTTP exchange with " + f.endpoint + " failed: " + what, f);
}

}  // namespace understudy
