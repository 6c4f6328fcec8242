// ResponsePlan: what a fake provider does with one request, step by step (sleep, send the
// head, send bytes, hang, reset), built from the request and an optional FaultAction.
// The in-process ScriptedTransport executes a plan on a Clock; the HTTP fake servers
// execute the same plan over a real socket, so both fail in exactly the same way.
// plan_response is pure apart from latency draws from the Random.
#pragma once

#include <string>
#include <vector>

#include "lib/config/fault_rule.h"
#include "lib/core/clock.h"
#include "lib/core/random.h"
#include "mocks/fake_reply.h"

namespace understudy {

struct PlanStep {
  enum class Kind { kSleep, kHead, kData, kHang, kReset };
  Kind kind = Kind::kData;
  Millis delay{0};   // kSleep
  int status = 0;    // kHead
  Headers headers;   // kHead
  std::string data;  // kData
};

struct ResponsePlan {
  std::vector<PlanStep> steps;  // the response ends normally after the last step
};

// `action` null = a healthy reply.
ResponsePlan plan_response(const FakeRequest& request, const FaultAction* action, Random& random);

// The plan for a request the fake does not recognize (404 in the OpenAI error shape).
ResponsePlan plan_not_found(const std::string& path);

}  // namespace understudy
