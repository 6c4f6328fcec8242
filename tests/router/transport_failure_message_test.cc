// failure_from_transport (lib/router/attempt.h): the class and the message a transport error
// becomes in the attempt trail.
#include <doctest/doctest.h>

#include "lib/config/config.h"
#include "lib/router/attempt.h"

using namespace understudy;

namespace {

Failure reset_of(const ProviderConfig& provider, bool head_received) {
  AttemptTarget target;
  target.ref = ModelRef{"primary", "m"};
  target.provider = &provider;
  TransportResult tr;
  tr.error = TransportError::kReset;
  tr.head_received = head_received;
  return failure_from_transport(tr, CancelReason::kNone, target, WatchdogLimits{}, TimePoint{});
}

}  // namespace

TEST_CASE("attempt failure: a reset names the upstream and its URL, and when it happened") {
  ProviderConfig remote;
  remote.base_url = "http://127.0.0.1:9/v1";
  Failure f = reset_of(remote, true);
  CHECK(f.cls == FailureClass::kNetwork);
  CHECK(f.message == "connection to primary (http://127.0.0.1:9/v1) was reset mid-response");
  CHECK(reset_of(remote, false).message ==
        "connection to primary (http://127.0.0.1:9/v1) was reset before a response");
}

TEST_CASE("attempt failure: an in-process mock without a URL is named without empty brackets") {
  ProviderConfig in_process;  // type = "mock": no base_url
  CHECK(reset_of(in_process, true).message == "connection to primary was reset mid-response");
}
