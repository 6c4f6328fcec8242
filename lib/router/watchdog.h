// AttemptWatchdog: enforces one attempt's timeouts by cancelling its CancelToken.
//
// Phases (design §5, §7): until the response head arrives, `head_deadline`; for streams,
// until the first content token, `first_token` after the attempt started (only set while a
// later target exists); once the head arrived, `idle` of silence (no body bytes); always
// the request deadline. The earliest due limit fires and cancels the token with the
// matching CancelReason, which the transport turns into a prompt kCancelled.
//
// One timer on the Clock, re-armed lazily: activity only records a timestamp, and the
// timer re-checks when it fires, so per-chunk cost is a mutex and a clock read.
// Thread-safe: activity is reported on the request thread, the timer fires on the clock's
// context. The destructor disarms; after it returns the token is never cancelled by us.
#pragma once

#include <memory>
#include <optional>

#include "lib/core/cancel.h"
#include "lib/core/clock.h"

namespace understudy {

struct WatchdogLimits {
  TimePoint head_deadline = kForever;
  std::optional<Millis> first_token;  // streams, measured from the attempt start
  Millis idle{20000};
  TimePoint request_deadline = kForever;
};

class AttemptWatchdog {
 public:
  AttemptWatchdog(Clock& clock, std::shared_ptr<CancelToken> token, WatchdogLimits limits);
  ~AttemptWatchdog();
  AttemptWatchdog(const AttemptWatchdog&) = delete;
  AttemptWatchdog& operator=(const AttemptWatchdog&) = delete;

  void on_head();
  void on_bytes();
  void on_content();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace understudy
