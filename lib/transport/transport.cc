#include "lib/transport/transport.h"

namespace understudy {

const char* transport_error_name(TransportError e) {
  switch (e) {
    case TransportError::kNone:
      return "none";
    case TransportError::kConnectRefused:
      return "connect_refused";
    case TransportError::kDns:
      return "dns";
    case TransportError::kConnectTimeout:
      return "connect_timeout";
    case TransportError::kReset:
      return "reset";
    case TransportError::kReadTimeout:
      return "read_timeout";
    case TransportError::kTls:
      return "tls";
    case TransportError::kCancelled:
      return "cancelled";
    case TransportError::kAborted:
      return "aborted";
    case TransportError::kProtocol:
      return "protocol";
    case TransportError::kOther:
      return "other";
  }
  return "other";
}

}  // namespace understudy
