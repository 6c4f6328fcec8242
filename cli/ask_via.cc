#include "cli/ask_via.h"

#include <vector>

#include "lib/core/real_clock.h"
#include "lib/providers/error_text.h"
#include "lib/providers/json_access.h"
#include "lib/providers/sse.h"
#include "lib/transport/http_transport.h"

namespace understudy::cli {

namespace {

constexpr size_t kMaxBody = 64u << 20;  // far above any chat reply

// Reads the gateway's reply: an SSE stream of chunks for a streamed 200, a JSON body
// otherwise (the completion, or an error object).
class ViaHandler final : public ResponseHandler {
 public:
  ViaHandler(TextStreamSink& sink, bool stream) : sink_(sink), stream_(stream) {}

  bool on_head(const ResponseHead& head) override {
    status_ = head.status;
    std::string type = header_value(head.headers, "content-type").value_or("");
    sse_ = stream_ && status_ == 200 && type.find("text/event-stream") != std::string::npos;
    return true;
  }

  bool on_body(std::string_view bytes) override {
    if (!sse_) {
      if (body_.size() + bytes.size() > kMaxBody) return false;
      body_.append(bytes);
      return true;
    }
    events_.clear();
    parser_.feed(bytes, events_);
    return handle_events();
  }

  void finish() {
    if (!sse_) return;
    events_.clear();
    parser_.finish(events_);
    handle_events();
  }

  int status() const { return status_; }
  bool sse() const { return sse_; }
  const std::string& body() const { return body_; }
  bool done() const { return done_; }
  const std::optional<Json>& stream_error() const { return error_; }
  const Json& extra_fields() const { return extra_; }
  const Json& usage() const { return usage_; }

 private:
  bool handle_events() {
    for (const SseEvent& e : events_) {
      if (e.data == "[DONE]") {
        done_ = true;
        continue;
      }
      // Depth-limited: a hostile gateway cannot overflow the stack.
      Json j = parse_json_or_discarded(e.data);
      if (j.is_discarded() || !j.is_object()) continue;  // not ours to judge: skip it
      if (j.contains("extra_fields")) extra_ = j["extra_fields"];
      if (j.contains("error")) {
        error_ = j;
        continue;
      }
      if (member(j, "usage").is_object()) usage_ = j["usage"];
      if (!sink_.on_chunk(j)) return false;
    }
    return true;
  }

  TextStreamSink& sink_;
  bool stream_;
  int status_ = 0;
  bool sse_ = false;
  std::string body_;
  SseParser parser_;
  std::vector<SseEvent> events_;
  bool done_ = false;
  std::optional<Json> error_;
  Json extra_;
  Json usage_;
};

bool rejected_status(int status) {
  return status == 400 || status == 401 || status == 403 || status == 404 || status == 413 ||
         status == 422;
}

// A non-200 reply, or a non-streamed 200.
AskOutcome read_json_reply(const ViaHandler& h, const std::string& url) {
  AskOutcome o;
  Json body = parse_json_or_discarded(h.body());
  if (body.is_discarded() || !body.is_object()) {
    o.kind = AskOutcome::Kind::kUnreachable;
    o.message = "the gateway at " + url + " answered HTTP " + std::to_string(h.status()) +
                " with a body that is not JSON";
    return o;
  }
  o.record = record_from_extra_fields(member(body, "extra_fields"), member(body, "usage"));
  if (h.status() == 200) {
    o.kind = AskOutcome::Kind::kOk;
    o.finish_reason = response_finish_reason(body);
  } else if (rejected_status(h.status()) && o.record.attempts.empty()) {
    o.kind = AskOutcome::Kind::kRejected;
  } else {
    o.kind = AskOutcome::Kind::kFailed;
  }
  o.body = std::move(body);
  return o;
}

AskOutcome read_stream(const ViaHandler& h, const TextStreamSink& sink, AskOutput& out) {
  AskOutcome o;
  o.record = record_from_extra_fields(h.extra_fields(), h.usage());
  o.finish_reason = sink.finish_reason();
  if (h.stream_error()) {
    o.body = *h.stream_error();
    o.kind = out.wrote_text() ? AskOutcome::Kind::kBrokenStream : AskOutcome::Kind::kFailed;
  } else if (h.done()) {
    o.kind = AskOutcome::Kind::kOk;
  } else {
    o.kind = AskOutcome::Kind::kBrokenStream;
    o.body = Json{{"error", {{"message", "the gateway's stream ended before [DONE]"}}}};
  }
  return o;
}

AskOutcome transport_failure(const TransportResult& t, const AskCall& call,
                             const CancelToken& attempt, const std::string& url, AskOutput& out) {
  AskOutcome o;
  if (call.cancel->cancelled()) {
    o.kind = AskOutcome::Kind::kCancelled;
  } else if (attempt.reason() == CancelReason::kDeadline) {
    o.kind = AskOutcome::Kind::kFailed;
    o.body = Json{{"error", {{"message", "no answer from the gateway within --timeout"}}}};
  } else if (out.wrote_text()) {
    o.kind = AskOutcome::Kind::kBrokenStream;
    o.body = Json{{"error", {{"message", "the connection to the gateway broke: " + t.message}}}};
  } else {
    o.kind = AskOutcome::Kind::kUnreachable;
    o.message = "cannot reach understudy serve at " + url + ": " + t.message;
  }
  return o;
}

}  // namespace

Result<HttpRequest> via_endpoint(const std::string& url) {
  std::optional<SplitUrl> split = split_url(url);
  if (!split) {
    return invalid_argument("--via \"" + url +
                                "\" is not an http:// or https:// URL of a running understudy "
                                "serve, e.g. http://127.0.0.1:8080",
                            "--via");
  }
  std::string path = split->path;
  while (!path.empty() && path.back() == '/') path.pop_back();
  bool has_version = path.size() >= 3 && path.compare(path.size() - 3, 3, "/v1") == 0;
  HttpRequest req;
  req.method = "POST";
  req.base_url = split->base;
  req.path = path + (has_version ? "/chat/completions" : "/v1/chat/completions");
  return req;
}

AskOutcome ask_via(const std::string& url, const AskCall& call,
                   const std::optional<std::string>& bearer, AskOutput& out) {
  Result<HttpRequest> endpoint = via_endpoint(url);
  if (!endpoint.ok()) {
    AskOutcome o;
    o.kind = AskOutcome::Kind::kUnreachable;
    o.message = endpoint.status().message();
    return o;
  }
  HttpRequest req = std::move(*endpoint);
  req.body = call.request.body.dump();
  set_header(req.headers, "Content-Type", "application/json");
  set_header(req.headers, "Accept", call.request.stream ? "text/event-stream" : "application/json");
  if (bearer && !bearer->empty()) set_header(req.headers, "Authorization", "Bearer " + *bearer);

  std::shared_ptr<CancelToken> attempt = call.cancel->child();
  RealClock& clock = RealClock::shared();
  std::optional<Clock::TimerId> timer;
  TransportOptions options;
  if (call.timeout) {
    timer = clock.schedule_at(add_saturating(clock.now(), *call.timeout),
                              [attempt] { attempt->cancel(CancelReason::kDeadline); });
    options.read_timeout = *call.timeout + Millis(1000);
  }
  TextStreamSink sink(out);
  ViaHandler handler(sink, call.request.stream);
  HttpTransport transport;
  TransportResult t = transport.send(req, handler, attempt.get(), options);
  if (timer) clock.cancel_timer(*timer);
  if (!t.ok() && !(t.error == TransportError::kAborted && out.write_errno() != 0)) {
    return transport_failure(t, call, *attempt, url, out);
  }
  handler.finish();
  if (handler.sse()) return read_stream(handler, sink, out);
  return read_json_reply(handler, url);
}

}  // namespace understudy::cli
