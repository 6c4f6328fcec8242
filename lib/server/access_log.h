// AccessLog: one line per chat completion request, for operators (docs/serve.md, "Logs").
//
// Routed requests are logged from the router's RequestRecord (this is an EventSink); requests
// refused before routing (bad input, auth, limits) are logged by the endpoint through
// log_rejected(). Two formats:
//   logfmt (default):
//     ts=2026-01-01T12:00:00.123Z msg=request id=req-5f2c requested=demo stream=false
//     status=200 provider=healthy model=mock-small fallback_index=2 attempts=3 retries=0
//     fallbacks=2 latency_ms=812 trail="flaky/mock-large:503:overloaded,..."
//   json: the same fields as one JSON object per line, with `attempts` as the extra_fields
//     attempt array.
// Lines carry metadata only: never message content, never key values (records hold key
// names only, and failure messages are scrubbed of the key by the router). A logfmt line is
// formatted straight into a per-thread buffer that keeps its capacity (no temporaries per
// field) and handed whole to the writer, under a mutex, so lines never interleave; `serve`
// passes a BatchedLogWriter (batched_log_writer.h), so a line costs no system call of its own.
// Thread-safe.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "lib/core/clock.h"
#include "lib/router/events.h"

namespace understudy {

enum class LogFormat { kLogfmt, kJson };

class AccessLog final : public EventSink {
 public:
  using Writer = std::function<void(const std::string& line)>;  // line ends in "\n"

  AccessLog(Writer writer, LogFormat format, Clock& clock)
      : writer_(std::move(writer)), format_(format), clock_(clock) {}

  void on_request(const RequestRecord& request) override;

  // A request answered without routing: `reason` is a metrics-style word ("bad_request",
  // "unauthorized", "busy", ...), `param` the offending request parameter if any.
  void log_rejected(const std::string& request_id, const std::string& path, int status,
                    const std::string& reason, const std::string& param);

 private:
  void emit(const std::string& line);

  Writer writer_;
  LogFormat format_;
  Clock& clock_;
  std::mutex mu_;
};

// "2026-01-01T12:00:00.123Z"
std::string iso8601_utc(WallTime t);
// Quotes a logfmt value when it is empty or holds a space, '=', '"' or a control character;
// inside quotes, '"' and '\' are escaped, and control characters written as \n, \r, \t, \xHH.
std::string logfmt_value(const std::string& v);
// "openai/gpt-4o:429:rate_limit,anthropic/claude-haiku-4-5:200" (skipped targets ":skipped").
std::string attempt_trail(const RequestRecord& r);

}  // namespace understudy
