#include "mocks/response_plan.h"

#include "mocks/fault_engine.h"

namespace understudy {

namespace {

using Kind = FaultAction::Kind;

void sleep(ResponsePlan& p, std::int64_t ms) {
  if (ms > 0) p.steps.push_back(PlanStep{PlanStep::Kind::kSleep, Millis(ms), 0, {}, ""});
}
void head(ResponsePlan& p, int status, Headers h) {
  p.steps.push_back(PlanStep{PlanStep::Kind::kHead, Millis(0), status, std::move(h), ""});
}
void data(ResponsePlan& p, std::string d) {
  p.steps.push_back(PlanStep{PlanStep::Kind::kData, Millis(0), 0, {}, std::move(d)});
}
void step(ResponsePlan& p, PlanStep::Kind k) {
  p.steps.push_back(PlanStep{k, Millis(0), 0, {}, ""});
}

bool is_stream_fault(Kind k) {
  return k == Kind::kStreamCut || k == Kind::kStreamStall || k == Kind::kMalformedEvent ||
         k == Kind::kMissingDone || k == Kind::kStreamError;
}

// A stream fault applied to a non-streaming request: break the body the same way.
void plan_plain(ResponsePlan& p, const FakeRequest& r, const FaultAction& a) {
  if (a.kind == Kind::kStreamError) {
    FaultAction e = a;
    if (e.status == 0) e.status = 500;
    FakeHttpReply reply = render_error(r, e);
    head(p, reply.status, reply.headers);
    data(p, reply.body);
    return;
  }
  FakeHttpReply reply = render_success(r, fake_reply_text(r, a.content));
  head(p, reply.status, reply.headers);
  switch (a.kind) {
    case Kind::kStreamCut:
      data(p, reply.body.substr(0, reply.body.size() / 2));
      step(p, PlanStep::Kind::kReset);
      break;
    case Kind::kStreamStall:
      data(p, reply.body.substr(0, reply.body.size() / 2));
      step(p, PlanStep::Kind::kHang);
      break;
    case Kind::kMalformedEvent:
      data(p, "{\"id\": \"chatcmpl-mock\", \"choices\": [ broken");
      break;
    default:
      data(p, reply.body);
      break;
  }
}

void plan_stream(ResponsePlan& p, const FakeRequest& r, const FaultAction& a, bool faulty) {
  FakeStream s = render_stream(r, fake_reply_text(r, a.content));
  head(p, 200, stream_headers());
  for (std::string& e : s.head_events) data(p, std::move(e));
  if (a.first_token_delay) sleep(p, a.first_token_delay->count());
  size_t n = s.token_events.size();
  size_t fault_at =
      faulty ? std::min<size_t>(static_cast<size_t>(std::max(0, a.after_tokens)), n) : n + 1;
  for (size_t i = 0; i <= n; ++i) {
    if (i == fault_at) {
      switch (a.kind) {
        case Kind::kStreamCut:
          step(p, PlanStep::Kind::kReset);
          return;
        case Kind::kStreamStall:
          step(p, PlanStep::Kind::kHang);
          return;
        case Kind::kStreamError:
          data(p, render_stream_error_event(r, a));
          return;
        case Kind::kMalformedEvent:
          data(p, "data: {\"choices\": [ {\"delta\": broken\n\n");
          break;
        default:
          break;
      }
    }
    if (i == n) break;
    if (i > 0 && a.token_interval) sleep(p, a.token_interval->count());
    data(p, std::move(s.token_events[i]));
  }
  for (std::string& e : s.tail_events) data(p, std::move(e));
  if (!(faulty && a.kind == Kind::kMissingDone) && !s.terminator.empty()) data(p, s.terminator);
}

}  // namespace

ResponsePlan plan_response(const FakeRequest& r, const FaultAction* action, Random& random) {
  static const FaultAction kHealthy;
  const FaultAction& a = action ? *action : kHealthy;
  ResponsePlan p;
  sleep(p, sample_latency_ms(a.latency, random));
  switch (a.kind) {
    case Kind::kHang:
      step(p, PlanStep::Kind::kHang);
      return p;
    case Kind::kReset:
      step(p, PlanStep::Kind::kReset);
      return p;
    case Kind::kError: {
      FakeHttpReply reply = render_error(r, a);
      head(p, reply.status, reply.headers);
      data(p, reply.body);
      return p;
    }
    default:
      break;
  }
  if (r.stream) {
    plan_stream(p, r, a, is_stream_fault(a.kind));
  } else {
    plan_plain(p, r, a);
  }
  return p;
}

ResponsePlan plan_not_found(const std::string& path) {
  ResponsePlan p;
  head(p, 404, {{"Content-Type", "application/json"}});
  Json body{{"error", Json{{"message", "Unknown path " + path},
                           {"type", "invalid_request_error"},
                           {"param", nullptr},
                           {"code", "unknown_url"}}}};
  data(p, body.dump(-1, ' ', false,
                    Json::error_handler_t::replace));  // the path is whatever the client sent
  return p;
}

}  // namespace understudy
