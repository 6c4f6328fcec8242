// How a ResponsePlan is framed on the wire (mocks/socket_plan.h): pure, no sockets.
#include "mocks/socket_plan.h"

#include <doctest/doctest.h>

#include "lib/core/random.h"

using namespace understudy;

namespace {

FakeRequest fake(bool stream) {
  HttpRequest req;
  req.path = "/v1/chat/completions";
  req.body =
      stream ? R"({"model": "m", "stream": true, "messages": [{"role": "user", "content": "a b"}]})"
             : R"({"model": "m", "messages": [{"role": "user", "content": "a b"}]})";
  return *parse_fake_request(req);
}

FaultAction action(FaultAction::Kind kind) {
  FaultAction a;
  a.kind = kind;
  return a;
}

}  // namespace

TEST_CASE(
    "socket plan: whole bodies use Content-Length, streams and breakable bodies are chunked") {
  SeededRandom random(1);
  CHECK_FALSE(plan_body_is_chunked(plan_response(fake(false), nullptr, random)));
  CHECK(plan_body_is_chunked(plan_response(fake(true), nullptr, random)));
  FaultAction cut = action(FaultAction::Kind::kStreamCut);
  CHECK(plan_body_is_chunked(plan_response(fake(false), &cut, random)));
  FaultAction stall = action(FaultAction::Kind::kStreamStall);
  CHECK(plan_body_is_chunked(plan_response(fake(false), &stall, random)));
  FaultAction broken = action(FaultAction::Kind::kMalformedEvent);
  CHECK_FALSE(plan_body_is_chunked(plan_response(fake(false), &broken, random)));
  FaultAction error = action(FaultAction::Kind::kError);
  error.status = 500;
  CHECK_FALSE(plan_body_is_chunked(plan_response(fake(true), &error, random)));
  FaultAction hang = action(FaultAction::Kind::kHang);
  CHECK_FALSE(plan_body_is_chunked(plan_response(fake(true), &hang, random)));  // no head at all
}
