// One upstream attempt: send the built request through a Transport under an
// AttemptWatchdog, and turn whatever happens into an AttemptOutcome (a canonical reply, or a
// classified Failure). Local-origin failures (connect, reset, timeouts fired by the
// watchdog, the caller going away) are classified here; upstream-reported failures are
// classified by the adapter (design §5, Envoy's local vs upstream distinction).
//
// Streaming attempts deliver decoded events to a StreamConsumer as they arrive, on the
// calling thread. A 2xx reply that is JSON instead of an event stream is parsed as a whole
// reply and replayed to the consumer as chunks. Stateless functions; thread-safe.
#pragma once

#include <memory>
#include <string>

#include "lib/core/cancel.h"
#include "lib/core/clock.h"
#include "lib/providers/adapter.h"
#include "lib/router/watchdog.h"
#include "lib/transport/transport.h"

namespace understudy {

struct AttemptEnv {
  Clock* clock = nullptr;
  Transport* transport = nullptr;
  const ProviderAdapter* adapter = nullptr;
  const AttemptTarget* target = nullptr;
  TransportOptions transport_options;
  WatchdogLimits limits;
  CancelToken* request_cancel = nullptr;  // the caller's token; may be null
};

struct AttemptOutcome {
  bool ok = false;
  Failure failure;            // when !ok
  int status = 0;             // upstream HTTP status, 0 if none arrived
  ChatResponse response;      // plain attempts, when ok
  bool content_seen = false;  // streams: a content event reached the consumer
  std::int64_t ttft_ms = -1;  // streams: ms from attempt start to first content
};

class StreamConsumer {
 public:
  virtual ~StreamConsumer() = default;
  // A decoded event (kChunk or kSkipped; failures and the end are reported through the
  // outcome). Return false to stop the attempt: the caller went away.
  virtual bool on_event(StreamEvent& event) = 0;
};

AttemptOutcome run_plain_attempt(const AttemptEnv& env, const HttpRequest& request);
AttemptOutcome run_stream_attempt(const AttemptEnv& env, const HttpRequest& request,
                                  StreamConsumer& consumer);

// The Failure for a transport error, given why the attempt token was cancelled (if it was).
Failure failure_from_transport(const TransportResult& tr, CancelReason reason,
                               const AttemptTarget& target, const WatchdogLimits& limits,
                               TimePoint attempt_start);

// Turns a whole OpenAI chat.completion into the chunk sequence a stream would have had.
std::vector<Json> completion_to_chunks(const Json& completion);

}  // namespace understudy
