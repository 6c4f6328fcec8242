// StreamRelay: the caller-facing side of one streaming request (design §7).
//
// It receives decoded upstream chunks from every attempt of the request, in order, and
// decides what the caller sees:
//  * Before the first content token nothing is sent: role chunks are buffered, and a failed
//    attempt just discards its buffer, so retry and fallback stay invisible ("free until
//    commit"). The first content token commits: the CommitListener fills in who serves,
//    the sink is told, the buffer is flushed.
//  * Every chunk is normalized: one id, one `created`, one `model` (the committed one) for
//    the whole stream, whatever upstream or continuation produced it.
//  * The finish chunk and the usage chunk are held back until the upstream ended properly,
//    so `extra_fields` can ride on the final chunk and a stream that breaks after its
//    finish chunk is still reported as broken.
//  * In continuation mode (after a cut), role deltas are dropped and content is appended to
//    the same stream; the text sent so far is kept for the continuation prefix.
// One relay per request; used on the request's thread only. Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/model/chat.h"
#include "lib/router/attempt.h"
#include "lib/router/events.h"

namespace understudy {

class StreamSink;

class CommitListener {
 public:
  virtual ~CommitListener() = default;
  // Called once, at commit: returns the record to show the sink (who serves, trail so far).
  virtual const RequestRecord& on_commit() = 0;
};

class StreamRelay final : public StreamConsumer {
 public:
  StreamRelay(StreamSink& sink, CommitListener& listener, std::string stream_id,
              std::int64_t created, bool include_usage);

  // Before each attempt. `model` is the target's model, used until upstream names one.
  void begin_attempt(const std::string& model, bool continuation);

  bool on_event(StreamEvent& event) override;

  // The attempt ended properly: commit if not yet (an empty reply), then send the held
  // finish chunk (synthesized if upstream sent none) and, if asked, the usage chunk, with
  // extra_fields on the last one, then [DONE]. Returns false if the caller is gone.
  bool finish_ok(const RequestRecord& record);
  // After commit: end the stream with an explicit error event.
  void fail(const Json& error_with_extras);

  bool committed() const { return committed_; }
  bool caller_gone() const { return caller_gone_; }
  bool tool_calls_sent() const { return tool_calls_sent_; }
  const std::string& text_sent() const { return text_; }
  int malformed_events() const { return malformed_; }
  const Usage& usage() const { return usage_; }
  const std::string& served_model() const { return served_model_; }

 private:
  void normalize(Json& chunk);
  bool emit(Json chunk);
  bool commit();
  bool handle_chunk(Json& chunk);
  void absorb_usage(const Json& usage);

  StreamSink& sink_;
  CommitListener& listener_;
  std::string id_;
  std::int64_t created_;
  bool include_usage_;
  bool committed_ = false;
  bool caller_gone_ = false;
  bool continuation_ = false;
  bool tool_calls_sent_ = false;
  std::string attempt_model_;
  std::string served_model_;
  std::vector<Json> pending_;           // pre-commit chunks of the current attempt
  std::optional<Json> held_finish_;     // this attempt's finish chunk
  Usage usage_;                         // summed over attempts that reached the end
  std::optional<Usage> attempt_usage_;  // this attempt's usage chunk
  std::string text_;                    // content sent to the caller so far
  int malformed_ = 0;
};

}  // namespace understudy
