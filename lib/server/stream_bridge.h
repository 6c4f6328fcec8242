// StreamBridge: carries one streaming request from the router's thread to the client's
// connection, and decides what HTTP answer the client gets (design §7, "the commit point").
//
// The HTTP status line goes out when the endpoint returns, but only the router knows whether
// a stream will be served: retries and fallbacks before the first content token are
// invisible. So the router runs on a worker thread with this bridge as its StreamSink, and
// the endpoint blocks in wait_outcome() until either
//   * kCommitted: the first content is ready. The endpoint answers 200 text/event-stream
//     with the x-understudy-* headers of commit_record(), and the connection thread drains
//     the bridge (SseSource::take) while the router keeps producing; or
//   * kFinished: the router returned without committing. The endpoint answers a normal
//     HTTP error from result().
//
// Each chunk becomes one SSE frame "data: <json>\n\n"; the end is "data: [DONE]\n\n", or,
// for a stream that broke after commit, the error event "data: {"error": ...}\n\n" with no
// [DONE] after it. Frames wait in a bounded queue: when the client reads slower than the
// upstream writes, the router thread blocks in on_chunk (backpressure) instead of buffering
// without limit. abandon() (the connection failed) cancels the request's token with
// kCallerGone and makes every later on_* return false at once, so the router stops the
// upstream attempt promptly.
//
// Thread-safety: the StreamSink methods and finish() are called by the router thread,
// wait_outcome/commit_record/result by the endpoint thread, take/abandon by the connection
// thread (which may be the endpoint thread, later). One mutex guards everything.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "lib/core/cancel.h"
#include "lib/router/router.h"
#include "lib/server/api.h"

namespace understudy {

class StreamBridge final : public StreamSink, public SseSource {
 public:
  enum class Outcome { kCommitted, kFinished };

  // `cancel` is the request's token (may be null in tests); `capacity` bounds queued frames.
  explicit StreamBridge(std::shared_ptr<CancelToken> cancel, std::size_t capacity = 256);

  // StreamSink, on the router thread.
  bool on_commit(const RequestRecord& record) override;
  bool on_chunk(const Json& chunk) override;
  void on_error(const Json& error) override;
  void on_done() override;

  // The router returned (committed or not). Ends the stream if it was not ended yet.
  void finish(RouteResult result);
  // The router threw: a committed stream that has not ended yet ends with `error` as its
  // error event (a stream that was never committed is answered from finish()'s result).
  void fail(const Json& error);

  // Blocks until commit or finish; a committed stream wins even if it has also finished.
  Outcome wait_outcome();
  // Who serves and the attempts so far, as known at commit. Valid after kCommitted.
  const RequestRecord& commit_record() const { return commit_record_; }
  // What the router returned. Valid after kFinished.
  const RouteResult& result() const { return *result_; }

  // SseSource, on the connection thread.
  Take take(std::string& out) override;
  void abandon() override;

  bool abandoned() const;

 private:
  bool push(std::string frame);

  std::shared_ptr<CancelToken> cancel_;
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;        // consumer and endpoint wait here
  std::condition_variable space_cv_;  // the producer waits here for queue space
  std::deque<std::string> frames_;
  bool committed_ = false;
  bool ended_ = false;      // [DONE] or the error event queued, or the router returned
  bool finished_ = false;   // the router returned
  bool abandoned_ = false;  // the connection is gone
  RequestRecord commit_record_;
  std::optional<RouteResult> result_;
};

// "data: <json>\n\n"
std::string sse_frame(const Json& payload);

}  // namespace understudy
