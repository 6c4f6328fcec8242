#include "lib/transport/plain_http_client.h"

#include <cerrno>
#include <chrono>
#include <memory>
#include <string_view>
#include <utility>

#include "lib/transport/http1_request.h"
#include "lib/transport/http1_response_parser.h"
#include "lib/transport/plain_http_connection.h"
#include "lib/transport/transport_failure.h"

namespace understudy {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Passes the parsed response on to the caller's handler, noting what the failure
// classification needs, and stops delivering once the request is cancelled.
class DeliveringHandler final : public ResponseHandler {
 public:
  DeliveringHandler(ResponseHandler& target, const SocketInterrupter& interrupter)
      : target_(target), interrupter_(interrupter) {}

  bool on_head(const ResponseHead& head) override {
    head_received_ = true;
    if (interrupter_.interrupted()) return false;
    return pass(target_.on_head(head));
  }
  bool on_body(std::string_view bytes) override {
    if (interrupter_.interrupted()) return false;
    return pass(target_.on_body(bytes));
  }
  bool head_received() const { return head_received_; }
  bool stopped() const { return stopped_; }

 private:
  bool pass(bool accepted) {
    if (!accepted) stopped_ = true;
    return accepted && !interrupter_.interrupted();
  }

  ResponseHandler& target_;
  const SocketInterrupter& interrupter_;
  bool head_received_ = false;
  bool stopped_ = false;
};

// Everything one send() works with.
struct Exchange {
  const HttpRequest& req;
  const std::string& head;  // serialized request line and headers
  const std::string& endpoint;
  ResponseHandler& handler;
  CancelToken* cancel;
  const TransportOptions& options;
  SocketInterrupter& interrupter;
};

struct Attempt {
  TransportResult result;
  bool reusable = false;  // the connection may go back to the pool
  // The connection was closed or reset before a single response byte arrived.
  bool nothing_received = false;
};

FailureFacts facts_for(const Exchange& ex, ClientFailure failure) {
  FailureFacts f;
  f.failure = failure;
  f.endpoint = ex.endpoint;
  f.cancelled = ex.interrupter.interrupted();
  f.cancel_reason = ex.cancel ? ex.cancel->reason() : CancelReason::kNone;
  f.connect_timeout = ex.options.connect_timeout;
  f.read_timeout = ex.options.read_timeout;
  return f;
}

TransportResult connect_failed(const Exchange& ex, const ConnectFailure& failure) {
  FailureFacts f = facts_for(ex, ClientFailure::kConnect);
  f.socket_created = failure.socket_created;
  f.sys_errno = failure.timed_out ? ETIMEDOUT : failure.sys_errno;
  if (failure.socket_created) {
    f.connect_phase =
        std::chrono::duration_cast<Millis>(SteadyClock::now() - failure.first_socket_at);
  }
  f.detail = failure.resolver_error;
  return classify_transport_failure(f);
}

// A read or write that did not go through, as the facts the classification needs.
Attempt io_failed(const Exchange& ex, ClientFailure failure, const IoResult& io,
                  const DeliveringHandler* sink, bool received) {
  FailureFacts f = facts_for(ex, failure);
  f.sys_errno = io.sys_errno;
  f.timed_out = io.kind == IoResult::Kind::kTimeout;
  if (f.timed_out) f.silence = ex.options.read_timeout;  // the wait that ran out
  if (sink) {
    f.head_received = sink->head_received();
    f.handler_stopped = sink->stopped();
  }
  Attempt attempt;
  attempt.result = classify_transport_failure(f);
  bool closed =
      io.kind == IoResult::Kind::kClosed || io.sys_errno == ECONNRESET || io.sys_errno == EPIPE;
  attempt.nothing_received = closed && !received && !f.cancelled;
  return attempt;
}

// The parser finished (complete, stopped by the handler, or malformed input).
Attempt parse_ended(const Exchange& ex, const Http1ResponseParser& parser,
                    const DeliveringHandler& sink, Http1ResponseParser::Status status,
                    bool nothing_after) {
  Attempt attempt;
  if (status == Http1ResponseParser::Status::kComplete && !ex.interrupter.interrupted()) {
    attempt.result = TransportResult{TransportError::kNone, "", true};
    attempt.reusable = parser.keep_alive() && nothing_after;
    return attempt;
  }
  bool malformed = status == Http1ResponseParser::Status::kError;
  FailureFacts f =
      facts_for(ex, malformed ? ClientFailure::kProtocol : ClientFailure::kStoppedByHandler);
  f.head_received = sink.head_received();
  f.handler_stopped = sink.stopped();
  f.detail = parser.error();
  attempt.result = classify_transport_failure(f);
  return attempt;
}

// Reads and parses the response, handing it on as it arrives. Right after the request went
// out the answer cannot be there yet, so the first read waits first; later reads try recv()
// at once whenever the previous one filled the buffer (more is likely waiting).
Attempt read_response(const Exchange& ex, PlainHttpConnection& conn) {
  Http1ResponseParser parser(ex.req.method == "HEAD");
  DeliveringHandler sink(ex.handler, ex.interrupter);
  bool wait_first = true;
  bool received = false;
  while (true) {
    IoResult io = conn.read(ex.options.read_timeout, wait_first);
    if (!io.ok()) {
      if (io.kind == IoResult::Kind::kClosed && parser.finish_at_eof()) {
        // A body delimited by the close: complete, but the connection is gone.
        return parse_ended(ex, parser, sink, Http1ResponseParser::Status::kComplete, false);
      }
      return io_failed(ex, ClientFailure::kRead, io, &sink, received);
    }
    received = true;
    Http1ResponseParser::Progress progress = parser.feed(conn.data(io), sink);
    if (progress.status != Http1ResponseParser::Status::kNeedMore) {
      return parse_ended(ex, parser, sink, progress.status, progress.consumed == io.bytes);
    }
    wait_first = io.bytes < PlainHttpConnection::kReadBufferSize;
  }
}

// One try on `conn`, which is opened first when null.
Attempt attempt_on(const Exchange& ex, std::unique_ptr<PlainHttpConnection>& conn,
                   const SplitUrl& url) {
  if (!conn) {
    ConnectFailure failure;
    conn = PlainHttpConnection::open(url.host, url.port, ex.options.connect_timeout, ex.interrupter,
                                     failure);
    if (!conn) return Attempt{connect_failed(ex, failure)};
  } else {
    ex.interrupter.attach(conn->fd());
  }
  IoResult written = conn->write(ex.head, ex.req.body, ex.options.read_timeout);
  // A server may answer (a 413, say) and close before reading the whole request: the write
  // then fails, but its answer is waiting and is what the caller needs. It also means the
  // request arrived, so it is never taken for the keep-alive race and resent.
  if (!written.ok() && !conn->has_pending_input()) {
    return io_failed(ex, ClientFailure::kWrite, written, nullptr, false);
  }
  Attempt attempt = read_response(ex, *conn);
  if (!written.ok()) attempt.reusable = false;  // part of our request is still unsent
  return attempt;
}

}  // namespace

TransportResult PlainHttpClient::send(const HttpRequest& req, const SplitUrl& url,
                                      const std::string& target, const std::string& pool_key,
                                      ResponseHandler& handler, CancelToken* cancel,
                                      const TransportOptions& options) {
  const std::string endpoint = url.host + ":" + std::to_string(url.port);
  const std::string head =
      format_request_head(req, target, url.port == 80 ? std::string_view(url.host) : endpoint);
  SocketInterrupter interrupter;
  const Exchange ex{req, head, endpoint, handler, cancel, options, interrupter};

  std::unique_ptr<PlainHttpConnection> conn;
  while (std::unique_ptr<PooledConnection> idle = pool_.take(pool_key, SteadyClock::now())) {
    conn.reset(static_cast<PlainHttpConnection*>(idle.release()));
    if (conn->usable_after_idle()) break;
    conn.reset();  // closed by the server, or it sent something unasked: not ours to read
  }
  const bool reused = conn != nullptr;
  Attempt attempt;
  {
    CancelSubscription subscription(cancel, [&interrupter] { interrupter.interrupt(); });
    attempt = attempt_on(ex, conn, url);
    if (reused && attempt.nothing_received) {
      interrupter.detach();
      conn.reset();
      attempt = attempt_on(ex, conn, url);
    }
    interrupter.detach();
  }  // unsubscribed: the interrupter is no longer called
  if (attempt.reusable) pool_.put(pool_key, std::move(conn), SteadyClock::now());
  return attempt.result;
}

}  // namespace understudy
