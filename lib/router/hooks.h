// AttemptHook: the per-attempt filter chain (Envoy-style; design §5 "Plugins/hooks").
//
// Hooks run in order before and after EVERY attempt, retries and fallbacks included. A
// hook's before_attempt may let the attempt go on (kContinue, the default), answer it
// itself by supplying a Transport that produces the upstream reply (kUseTransport: the
// reply still goes through the adapter's parsing and classification and the router's
// retry logic, which is what makes injected faults honest), or fail it outright with a
// classified Failure (kFail). Either way it may forbid further fallbacks.
//
// Hooks are shared by all requests and called concurrently: implementations must be
// thread-safe. The router owns nothing here; hooks outlive the router.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "lib/core/clock.h"
#include "lib/core/failure.h"
#include "lib/model/chat.h"
#include "lib/providers/adapter.h"
#include "lib/router/events.h"
#include "lib/transport/transport.h"

namespace understudy {

struct AttemptInfo {
  const ChatRequest* request = nullptr;
  const AttemptTarget* target = nullptr;
  int target_index = 0;    // 0 = primary
  int try_number = 1;      // 1-based, per target
  int attempt_number = 1;  // 1-based, across the whole request
  std::int64_t request_index = 0;
  TimePoint request_start{};
  bool stream = false;
  bool continuation = false;
};

struct HookVerdict {
  enum class Action { kContinue, kUseTransport, kFail };
  Action action = Action::kContinue;
  std::shared_ptr<Transport> transport;  // kUseTransport
  Failure failure;                       // kFail
  bool forbid_fallbacks = false;
  std::string note;  // shown in the attempt trail, e.g. "fault:openai-429"
};

class AttemptHook {
 public:
  virtual ~AttemptHook() = default;
  virtual HookVerdict before_attempt(const AttemptInfo& info) {
    (void)info;
    return {};
  }
  virtual void after_attempt(const AttemptInfo& info, const AttemptRecord& record) {
    (void)info;
    (void)record;
  }
};

}  // namespace understudy
