#include "lib/transport/transport_failure.h"

#include <doctest/doctest.h>

#include <cerrno>

using namespace understudy;
using namespace std::chrono_literals;

namespace {

FailureFacts facts(ClientFailure failure) {
  FailureFacts f;
  f.failure = failure;
  f.endpoint = "api.example.com:443";
  f.socket_created = true;
  f.connect_timeout = 1000ms;
  f.read_timeout = 5000ms;
  return f;
}

}  // namespace

TEST_CASE("transport failure: cancellation wins over whatever the library reported") {
  for (ClientFailure failure : {ClientFailure::kRead, ClientFailure::kConnect,
                                ClientFailure::kStoppedByHandler, ClientFailure::kOther}) {
    FailureFacts f = facts(failure);
    f.cancelled = true;
    f.cancel_reason = CancelReason::kDeadline;
    f.handler_stopped = true;
    TransportResult r = classify_transport_failure(f);
    CHECK(r.error == TransportError::kCancelled);
    CHECK(r.message.find("deadline") != std::string::npos);
  }
}

TEST_CASE("transport failure: a handler that returned false is kAborted") {
  FailureFacts f = facts(ClientFailure::kStoppedByHandler);
  f.head_received = true;
  TransportResult r = classify_transport_failure(f);
  CHECK(r.error == TransportError::kAborted);
  CHECK(r.head_received);
  f = facts(ClientFailure::kRead);
  f.handler_stopped = true;
  CHECK(classify_transport_failure(f).error == TransportError::kAborted);
}

TEST_CASE("transport failure: connect failures by socket, errno and time") {
  struct Row {
    bool socket_created;
    int err;
    Millis connect_phase;
    TransportError expected;
  };
  const Row rows[] = {
      {false, 0, 0ms, TransportError::kDns},
      {false, ENOENT, 0ms, TransportError::kDns},  // errno left over from the resolver
      {false, EMFILE, 0ms, TransportError::kOther},
      {true, ECONNREFUSED, 1ms, TransportError::kConnectRefused},
      {true, EHOSTUNREACH, 3ms, TransportError::kConnectRefused},
      {true, 0, 10ms, TransportError::kConnectRefused},
      {true, ETIMEDOUT, 10ms, TransportError::kConnectTimeout},
      {true, 0, 1000ms, TransportError::kConnectTimeout},
      {true, 0, 1500ms, TransportError::kConnectTimeout},
  };
  for (const Row& row : rows) {
    FailureFacts f = facts(ClientFailure::kConnect);
    f.socket_created = row.socket_created;
    f.sys_errno = row.err;
    f.connect_phase = row.connect_phase;
    TransportResult r = classify_transport_failure(f);
    CAPTURE(row.err);
    CAPTURE(row.connect_phase.count());
    CHECK(r.error == row.expected);
    CHECK_FALSE(r.head_received);
    CHECK(r.message.find("api.example.com:443") != std::string::npos);
  }
  CHECK(classify_transport_failure(facts(ClientFailure::kConnectTimeout)).error ==
        TransportError::kConnectTimeout);
}

TEST_CASE("transport failure: a refused connect is not reported as 'Operation now in progress'") {
  // errno still holds the non-blocking connect()'s EINPROGRESS when the refusal is reported.
  FailureFacts f = facts(ClientFailure::kConnect);
  f.sys_errno = EINPROGRESS;
  f.connect_phase = 1ms;
  TransportResult r = classify_transport_failure(f);
  CHECK(r.error == TransportError::kConnectRefused);
  CHECK(r.message == "could not connect to api.example.com:443 (Connection refused)");
}

TEST_CASE("transport failure: TLS failures are kTls unless the handshake ran out of time") {
  FailureFacts f = facts(ClientFailure::kTlsVerification);
  f.tls_detail = "self-signed certificate";
  TransportResult r = classify_transport_failure(f);
  CHECK(r.error == TransportError::kTls);
  CHECK(r.message.find("self-signed certificate") != std::string::npos);

  CHECK(classify_transport_failure(facts(ClientFailure::kTlsCertificates)).error ==
        TransportError::kTls);

  f = facts(ClientFailure::kTlsHandshake);
  f.connect_phase = 20ms;
  CHECK(classify_transport_failure(f).error == TransportError::kTls);
  f.connect_phase = 1001ms;
  CHECK(classify_transport_failure(f).error == TransportError::kConnectTimeout);
  // Verification failures are never timeouts, however long they took.
  f = facts(ClientFailure::kTlsVerification);
  f.connect_phase = 5000ms;
  CHECK(classify_transport_failure(f).error == TransportError::kTls);
}

TEST_CASE("transport failure: read failures split into reset and read timeout") {
  struct Row {
    int err;
    Millis silence;
    bool head;
    TransportError expected;
  };
  const Row rows[] = {
      {0, 3ms, false, TransportError::kReset},              // closed before the head
      {0, 3ms, true, TransportError::kReset},               // closed mid-body
      {ECONNRESET, 3ms, true, TransportError::kReset},      // reset
      {ECONNRESET, 9000ms, false, TransportError::kReset},  // errno is decisive
      {0, 5000ms, false, TransportError::kReadTimeout},
      {0, 7000ms, true, TransportError::kReadTimeout},
      {0, 4999ms, true, TransportError::kReset},
  };
  for (const Row& row : rows) {
    FailureFacts f = facts(ClientFailure::kRead);
    f.sys_errno = row.err;
    f.silence = row.silence;
    f.head_received = row.head;
    TransportResult r = classify_transport_failure(f);
    CAPTURE(row.err);
    CAPTURE(row.silence.count());
    CHECK(r.error == row.expected);
    CHECK(r.head_received == row.head);
  }
}

TEST_CASE("transport failure: write failures are resets unless the write timed out") {
  FailureFacts f = facts(ClientFailure::kWrite);
  f.sys_errno = EPIPE;
  CHECK(classify_transport_failure(f).error == TransportError::kReset);
  f.sys_errno = 0;
  f.silence = 6000ms;
  CHECK(classify_transport_failure(f).error == TransportError::kReadTimeout);
}

TEST_CASE("transport failure: anything else is kOther naming the library error") {
  FailureFacts f = facts(ClientFailure::kOther);
  f.library_error = "Compression";
  TransportResult r = classify_transport_failure(f);
  CHECK(r.error == TransportError::kOther);
  CHECK(r.message.find("Compression") != std::string::npos);
}

TEST_CASE(
    "transport failure: a client that saw its own timeout is kReadTimeout whatever the clock") {
  FailureFacts f = facts(ClientFailure::kRead);
  f.timed_out = true;
  f.silence = 5000ms;
  TransportResult r = classify_transport_failure(f);
  CHECK(r.error == TransportError::kReadTimeout);
  CHECK(r.message ==
        "no data from api.example.com:443 for 5000 ms before the response headers arrived");
  f = facts(ClientFailure::kWrite);
  f.timed_out = true;
  CHECK(classify_transport_failure(f).error == TransportError::kReadTimeout);
}

TEST_CASE("transport failure: a malformed response is kProtocol with the parser's detail") {
  FailureFacts f = facts(ClientFailure::kProtocol);
  f.detail = "malformed status line: it does not start with HTTP/<major>.<minor>";
  TransportResult r = classify_transport_failure(f);
  CHECK(r.error == TransportError::kProtocol);
  CHECK(r.message ==
        "api.example.com:443 sent a malformed HTTP response: malformed status line: it does not "
        "start with HTTP/<major>.<minor>");
  // Cancellation still wins.
  f.cancelled = true;
  CHECK(classify_transport_failure(f).error == TransportError::kCancelled);
}

TEST_CASE("transport failure: a resolver message is kept in the kDns message") {
  FailureFacts f = facts(ClientFailure::kConnect);
  f.socket_created = false;
  f.detail = "Name or service not known";
  TransportResult r = classify_transport_failure(f);
  CHECK(r.error == TransportError::kDns);
  CHECK(r.message ==
        "could not resolve the host of api.example.com:443 (Name or service not known)");
}
