// The two ways `understudy ask` gets its answer: routed in-process through a Runtime (the
// default, here) or through a running `understudy serve` (--via, ask_via.h). Both stream the
// answer text into an AskOutput as it arrives and return an AskOutcome, which cli/ask.cc
// turns into output and an exit status.
//
// Everything here runs on the calling thread; the sinks are used by one request only.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "cli/ask_output.h"
#include "lib/config/config.h"
#include "lib/core/cancel.h"
#include "lib/model/chat.h"
#include "lib/router/events.h"
#include "lib/router/router.h"

namespace understudy::cli {

struct AskOutcome {
  enum class Kind {
    kOk,
    kFailed,        // every target failed (or the gateway answered with an error)
    kBrokenStream,  // the answer started and then broke off
    kCancelled,     // Ctrl-C
    kRejected,      // the request itself is wrong (the gateway's 4xx before any attempt)
    kUnreachable,   // --via: the gateway could not be reached or spoke garbage
  };
  Kind kind = Kind::kFailed;
  RequestRecord record;
  // kOk without streaming: the chat.completion. Failures: {"error": {...}, "extra_fields"}.
  Json body;
  std::string finish_reason;  // of the answer, when known
  std::string message;        // kUnreachable: what went wrong
};

struct AskCall {
  ChatRequest request;
  std::shared_ptr<CancelToken> cancel;  // cancelled by Ctrl-C
  std::optional<Millis> timeout;        // the request deadline
  bool verbose = false;
};

// Writes the text of each chunk to the output as it comes. Also reused by --via.
class TextStreamSink final : public StreamSink {
 public:
  explicit TextStreamSink(AskOutput& out) : out_(out) {}
  bool on_commit(const RequestRecord& record) override;
  bool on_chunk(const Json& chunk) override;
  void on_error(const Json& error) override { error_ = error; }
  void on_done() override { done_ = true; }

  const std::string& finish_reason() const { return finish_reason_; }
  const std::optional<Json>& error() const { return error_; }
  bool done() const { return done_; }

 private:
  AskOutput& out_;
  std::string finish_reason_;
  std::optional<Json> error_;
  bool done_ = false;
};

// -v: prints each attempt to stderr as the router reports it.
class TrailPrinter final : public EventSink {
 public:
  explicit TrailPrinter(AskOutput& out) : out_(out) {}
  void on_attempt(const RequestRecord& request, const AttemptRecord& attempt) override;

 private:
  AskOutput& out_;
  int printed_ = 0;
};

// choices[0].finish_reason of a chat.completion, "" when absent.
std::string response_finish_reason(const Json& body);

// Routes the request in this process: real providers over HttpTransport, `type = "mock"`
// providers and [[faults]] in-process (cli/runtime.h). `config` must be valid.
AskOutcome ask_in_process(const Config& config, const AskCall& call, AskOutput& out);

}  // namespace understudy::cli
