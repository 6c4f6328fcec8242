#include "lib/router/attempt.h"

#include "lib/providers/error_text.h"

namespace understudy {

namespace {

// "openai (https://api.openai.com/v1)"; just the name for an in-process mock (no URL).
std::string upstream_name(const AttemptTarget& t) {
  if (t.provider->base_url.empty()) return t.ref.provider;
  return t.ref.provider + " (" + t.provider->base_url + ")";
}

bool is_2xx(int status) { return status >= 200 && status < 300; }

// The most of an upstream reply the gateway holds in memory: a whole non-streamed body, or
// the bytes of a stream that have not yet formed an event. Far above any chat reply; an
// upstream that sends more is broken (or hostile), and the attempt fails as a server error
// instead of growing without bound.
constexpr size_t kMaxUpstreamBytes = 64u << 20;

Failure too_large(const AttemptTarget& t, const char* what) {
  return make_local_failure(FailureClass::kServer,
                            std::string(what) + " from " + upstream_name(t) + " exceeds " +
                                std::to_string(kMaxUpstreamBytes >> 20) + " MiB");
}

// Appends `bytes` to a reply held whole in memory; past kMaxUpstreamBytes it sets `failure`
// instead and returns false (the handler stops the transfer).
bool hold_reply(std::string& body, std::string_view bytes, const AttemptTarget& t,
                std::optional<Failure>& failure) {
  if (body.size() + bytes.size() > kMaxUpstreamBytes) {
    failure = too_large(t, "the reply");
    return false;
  }
  body.append(bytes);
  return true;
}

// Collects a non-streaming reply while keeping the watchdog informed.
class PlainHandler final : public ResponseHandler {
 public:
  PlainHandler(AttemptWatchdog& wd, const AttemptTarget& target) : wd_(wd), target_(target) {}
  bool on_head(const ResponseHead& head) override {
    wd_.on_head();
    response.status = head.status;
    response.headers = head.headers;
    return true;
  }
  bool on_body(std::string_view bytes) override {
    wd_.on_bytes();
    return hold_reply(response.body, bytes, target_, failure);
  }
  HttpResponse response;
  std::optional<Failure> failure;  // set when the handler stopped the transfer

 private:
  AttemptWatchdog& wd_;
  const AttemptTarget& target_;
};

AttemptOutcome finish_plain(const AttemptEnv& env, const HttpResponse& resp) {
  AttemptOutcome out;
  out.status = resp.status;
  if (!is_2xx(resp.status)) {
    out.failure = env.adapter->classify_error(resp, env.clock->wall_now());
    return out;
  }
  ReplyOrFailure r = env.adapter->parse_response(resp, *env.target);
  if (auto* f = std::get_if<Failure>(&r)) {
    out.failure = std::move(*f);
    return out;
  }
  out.ok = true;
  out.response = std::move(std::get<ChatResponse>(r));
  return out;
}

}  // namespace

Failure failure_from_transport(const TransportResult& tr, CancelReason reason,
                               const AttemptTarget& target, const WatchdogLimits& limits,
                               TimePoint attempt_start) {
  std::string who = upstream_name(target);
  if (tr.error == TransportError::kCancelled || tr.error == TransportError::kAborted) {
    switch (reason) {
      case CancelReason::kHeaderTimeout:
        return make_local_failure(
            FailureClass::kTimeout,
            "no response from " + who + " within " +
                std::to_string(millis_between(attempt_start, limits.head_deadline)) + " ms");
      case CancelReason::kFirstTokenTimeout:
        return make_local_failure(FailureClass::kTimeout,
                                  "no first token from " + who + " within " +
                                      std::to_string(limits.first_token->count()) + " ms");
      case CancelReason::kIdleTimeout:
        return make_local_failure(FailureClass::kTimeout,
                                  "stream from " + who + " went silent for " +
                                      std::to_string(limits.idle.count()) + " ms");
      case CancelReason::kDeadline:
        return make_local_failure(FailureClass::kTimeout, "request deadline exceeded");
      case CancelReason::kCallerGone:
      case CancelReason::kShutdown:
      case CancelReason::kAborted:
      case CancelReason::kNone:
        return make_local_failure(FailureClass::kCancelled, "the caller went away");
    }
  }
  switch (tr.error) {
    case TransportError::kReadTimeout:
      return make_local_failure(FailureClass::kTimeout, "read from " + who + " timed out");
    case TransportError::kConnectRefused:
      return make_local_failure(FailureClass::kNetwork, "connection refused by " + who);
    case TransportError::kDns:
      return make_local_failure(FailureClass::kNetwork, "could not resolve the host of " + who);
    case TransportError::kConnectTimeout:
      return make_local_failure(FailureClass::kNetwork, "could not connect to " + who + " in time");
    case TransportError::kReset:
      return make_local_failure(FailureClass::kNetwork,
                                std::string("connection to ") + who + " was reset" +
                                    (tr.head_received ? " mid-response" : " before a response"));
    case TransportError::kTls:
      return make_local_failure(
          FailureClass::kNetwork,
          "TLS failure talking to " + who + (tr.message.empty() ? "" : ": " + tr.message));
    default:
      return make_local_failure(
          FailureClass::kNetwork,
          "transport error talking to " + who + (tr.message.empty() ? "" : ": " + tr.message));
  }
}

AttemptOutcome run_plain_attempt(const AttemptEnv& env, const HttpRequest& request) {
  auto token = env.request_cancel ? env.request_cancel->child() : CancelToken::create();
  TimePoint start = env.clock->now();
  AttemptWatchdog wd(*env.clock, token, env.limits);
  PlainHandler handler(wd, *env.target);
  TransportResult tr = env.transport->send(request, handler, token.get(), env.transport_options);
  if (!tr.ok()) {
    AttemptOutcome out;
    out.status = tr.head_received ? handler.response.status : 0;
    out.failure = handler.failure
                      ? std::move(*handler.failure)
                      : failure_from_transport(tr, token->reason(), *env.target, env.limits, start);
    return out;
  }
  return finish_plain(env, handler.response);
}

namespace {

// Receives a streaming reply: decodes events, or collects an error / JSON body.
class StreamHandler final : public ResponseHandler {
 public:
  StreamHandler(const AttemptEnv& env, AttemptWatchdog& wd, StreamConsumer& consumer)
      : env_(env),
        wd_(wd),
        consumer_(consumer),
        decoder_(env.adapter->new_stream_decoder(*env.target)),
        start_(env.clock->now()) {}

  bool on_head(const ResponseHead& head) override {
    wd_.on_head();
    response.status = head.status;
    response.headers = head.headers;
    std::string ct = header_value(head.headers, "content-type").value_or("");
    buffering = !is_2xx(head.status) || contains_ci(ct, "application/json");
    return true;
  }

  bool on_body(std::string_view bytes) override {
    wd_.on_bytes();
    if (buffering) return hold_reply(response.body, bytes, *env_.target, failure);
    events_.clear();
    decoder_->feed(bytes, events_);
    // The decoder buffers an event until it ends: bound what it holds.
    undecoded_ = events_.empty() ? undecoded_ + bytes.size() : 0;
    if (undecoded_ > kMaxUpstreamBytes) {
      failure = too_large(*env_.target, "a stream event");
      return false;
    }
    return deliver();
  }

  // End of body: the decoder's final events.
  void finish() {
    events_.clear();
    decoder_->finish(events_);
    deliver();
  }

  // Replays chunks of a whole JSON reply (an upstream that ignored stream: true).
  bool replay(std::vector<Json> chunks) {
    events_.clear();
    for (Json& c : chunks)
      events_.push_back(StreamEvent{StreamEvent::Kind::kChunk, std::move(c), {}, ""});
    events_.push_back(StreamEvent{StreamEvent::Kind::kEnd, {}, {}, ""});
    return deliver();
  }

  HttpResponse response;
  bool buffering = false;
  bool ended = false;
  bool caller_gone = false;
  std::optional<Failure> failure;
  bool content_seen = false;
  std::int64_t ttft_ms = -1;

 private:
  bool deliver() {
    for (StreamEvent& ev : events_) {
      if (failure) return false;
      if (ended) continue;  // bytes after the terminator are drained, not delivered
      switch (ev.kind) {
        case StreamEvent::Kind::kEnd:
          ended = true;
          break;
        case StreamEvent::Kind::kFailure:
          failure = std::move(ev.failure);
          return false;
        case StreamEvent::Kind::kChunk:
          if (!content_seen && chunk_has_content(ev.chunk)) {
            content_seen = true;
            ttft_ms = millis_between(start_, env_.clock->now());
            wd_.on_content();
          }
          [[fallthrough]];
        case StreamEvent::Kind::kSkipped:
          if (!consumer_.on_event(ev)) {
            caller_gone = true;
            return false;
          }
          break;
      }
    }
    return true;
  }

  const AttemptEnv& env_;
  AttemptWatchdog& wd_;
  StreamConsumer& consumer_;
  std::unique_ptr<StreamDecoder> decoder_;
  std::vector<StreamEvent> events_;
  size_t undecoded_ = 0;  // bytes fed since the decoder last produced an event
  TimePoint start_;
};

}  // namespace

AttemptOutcome run_stream_attempt(const AttemptEnv& env, const HttpRequest& request,
                                  StreamConsumer& consumer) {
  auto token = env.request_cancel ? env.request_cancel->child() : CancelToken::create();
  TimePoint start = env.clock->now();
  AttemptWatchdog wd(*env.clock, token, env.limits);
  StreamHandler h(env, wd, consumer);
  TransportResult tr = env.transport->send(request, h, token.get(), env.transport_options);
  AttemptOutcome out;
  out.status = h.response.status;
  auto done = [&](AttemptOutcome& o) -> AttemptOutcome& {
    o.content_seen = h.content_seen;
    o.ttft_ms = h.ttft_ms;
    return o;
  };
  if (h.failure) {
    out.failure = std::move(*h.failure);
    return done(out);
  }
  if (h.caller_gone) {
    out.failure = make_local_failure(FailureClass::kCancelled, "the caller went away");
    return done(out);
  }
  if (!tr.ok() && !h.ended) {
    out.failure = failure_from_transport(tr, token->reason(), *env.target, env.limits, start);
    return done(out);
  }
  if (h.buffering) {
    AttemptOutcome plain = finish_plain(env, h.response);
    if (!plain.ok) return done(plain);
    h.replay(completion_to_chunks(plain.response.body));
    if (h.caller_gone) {
      out.failure = make_local_failure(FailureClass::kCancelled, "the caller went away");
      return done(out);
    }
  } else if (!h.ended) {
    h.finish();
  }
  if (h.failure) {
    out.failure = std::move(*h.failure);
    return done(out);
  }
  out.ok = h.ended;
  if (!out.ok) {
    out.failure =
        make_local_failure(FailureClass::kNetwork, "stream ended before the message finished");
  }
  return done(out);
}

std::vector<Json> completion_to_chunks(const Json& completion) {
  std::vector<Json> chunks;
  Json base = Json::object();
  for (const char* k : {"id", "created", "model", "system_fingerprint"}) {
    if (completion.contains(k)) base[k] = completion[k];
  }
  base["object"] = "chat.completion.chunk";
  // parse_response guarantees a non-empty choices array, not what is inside it.
  static const Json kEmpty = Json::object();
  const Json& first = completion["choices"][0];
  const Json& choice = first.is_object() ? first : kEmpty;
  auto message = choice.find("message");
  const Json& msg = message != choice.end() ? *message : kEmpty;
  Json role = base;
  role["choices"] = Json::array({Json{{"index", 0},
                                      {"delta", Json{{"role", "assistant"}, {"content", ""}}},
                                      {"finish_reason", nullptr}}});
  chunks.push_back(std::move(role));
  Json delta = Json::object();
  if (msg.contains("content") && msg["content"].is_string() &&
      !msg["content"].get<std::string>().empty()) {
    delta["content"] = msg["content"];
  }
  if (msg.contains("tool_calls") && msg["tool_calls"].is_array()) {
    Json calls = Json::array();
    for (size_t i = 0; i < msg["tool_calls"].size(); ++i) {
      Json c = msg["tool_calls"][i];
      if (!c.is_object()) continue;
      c["index"] = calls.size();
      calls.push_back(std::move(c));
    }
    if (!calls.empty()) delta["tool_calls"] = std::move(calls);
  }
  if (!delta.empty()) {
    Json c = base;
    c["choices"] = Json::array({Json{{"index", 0}, {"delta", delta}, {"finish_reason", nullptr}}});
    chunks.push_back(std::move(c));
  }
  Json fin = base;
  fin["choices"] =
      Json::array({Json{{"index", 0},
                        {"delta", Json::object()},
                        {"finish_reason", choice.value("finish_reason", Json("stop"))}}});
  chunks.push_back(std::move(fin));
  if (completion.contains("usage") && completion["usage"].is_object()) {
    Json u = base;
    u["choices"] = Json::array();
    u["usage"] = completion["usage"];
    chunks.push_back(std::move(u));
  }
  return chunks;
}

}  // namespace understudy
