#include "mocks/fault_header_transport.h"

#include "mocks/fault_action_json.h"

namespace understudy {

FaultHeaderTransport::FaultHeaderTransport(Transport& inner, const FaultAction& action)
    : inner_(inner), header_value_(fault_action_to_json(action).dump()) {}

TransportResult FaultHeaderTransport::send(const HttpRequest& req, ResponseHandler& handler,
                                           CancelToken* cancel, const TransportOptions& options) {
  HttpRequest with_fault = req;
  with_fault.headers.emplace_back(kFaultHeader, header_value_);
  return inner_.send(with_fault, handler, cancel, options);
}

}  // namespace understudy
