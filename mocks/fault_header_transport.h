// FaultHeaderTransport: performs one fault action through a real fake provider server
// instead of in process. It sends the request through another Transport (the real
// HttpTransport, for `simulate --http`) with the action added as the `x-understudy-fault`
// header (mocks/fault_action_json.h), which the fake server (mocks/fake_server.h) obeys for
// that one request. So the in-process FaultHook decision, the wire formats, the sockets and
// the real transport are all exercised together. Thread-safe if the inner transport is;
// it must outlive this object.
#pragma once

#include "lib/config/fault_rule.h"
#include "lib/transport/transport.h"

namespace understudy {

class FaultHeaderTransport final : public Transport {
 public:
  FaultHeaderTransport(Transport& inner, const FaultAction& action);

  TransportResult send(const HttpRequest& req, ResponseHandler& handler, CancelToken* cancel,
                       const TransportOptions& options) override;

 private:
  Transport& inner_;
  std::string header_value_;  // the action as compact JSON
};

}  // namespace understudy
