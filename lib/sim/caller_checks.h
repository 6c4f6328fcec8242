// What a simulated caller checks about the answer it got, so that `simulate` catches a
// gateway that answers wrongly, not only one that answers slowly.
//
// CallerStreamSink is the StreamSink of one simulated streaming request: it collects the
// text, records the time to the first content chunk and every break of the stream contract
// (design §7): nothing
// before commit, one commit, one stream id, then exactly one of [DONE] or an error event,
// and nothing after it. check_result compares the RouteResult with the RequestRecord the
// router emitted. Both append human-readable violations to a CallerView. One sink per
// request, used on that request's thread only.
#pragma once

#include <string>

#include "lib/core/clock.h"
#include "lib/router/router.h"
#include "lib/sim/engine.h"

namespace understudy {

class CallerStreamSink final : public StreamSink {
 public:
  CallerStreamSink(Clock& clock, TimePoint arrival, CallerView& view)
      : clock_(clock), arrival_(arrival), view_(view) {}

  bool on_commit(const RequestRecord& record) override;
  bool on_chunk(const Json& chunk) override;
  void on_error(const Json& error) override;
  void on_done() override;

  // After Router::stream returned: the ending must match the result.
  void check_ending(const RouteResult& result);
  // The content the caller received, concatenated.
  const std::string& text() const { return text_; }

 private:
  enum class End { kOpen, kDone, kError };
  void violation(std::string what);

  Clock& clock_;
  TimePoint arrival_;
  CallerView& view_;
  bool committed_ = false;
  End end_ = End::kOpen;
  std::string stream_id_;
  std::string text_;
  int chunks_ = 0;
};

// Checks a finished request: the result agrees with the record, a success carries an OpenAI
// reply (non-streaming), a failure carries an OpenAI error object.
void check_result(const RouteResult& result, bool stream, CallerView& view);

}  // namespace understudy
