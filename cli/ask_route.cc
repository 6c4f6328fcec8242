#include "cli/ask_route.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "cli/ask_report.h"
#include "cli/runtime.h"
#include "lib/providers/json_access.h"

namespace understudy::cli {

namespace {

std::string make_request_id() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  char buf[48];
  std::snprintf(buf, sizeof buf, "ask-%d-%llx", static_cast<int>(getpid()),
                static_cast<unsigned long long>(us));
  return buf;
}

AskOutcome::Kind failure_kind(const RouteResult& r, const CancelToken& cancel) {
  if (cancel.cancelled() && cancel.reason() == CancelReason::kCallerGone) {
    return AskOutcome::Kind::kCancelled;
  }
  if (r.record.failed_after_commit) return AskOutcome::Kind::kBrokenStream;
  return AskOutcome::Kind::kFailed;
}

}  // namespace

std::string response_finish_reason(const Json& body) {
  const Json& choices = member(body, "choices");
  if (!choices.is_array() || choices.empty()) return "";
  const Json& reason = member(choices[0], "finish_reason");
  return reason.is_string() ? reason.get<std::string>() : "";
}

bool TextStreamSink::on_commit(const RequestRecord& record) {
  (void)record;
  return out_.write_errno() == 0;
}

bool TextStreamSink::on_chunk(const Json& chunk) {
  if (std::string reason = chunk_finish_reason(chunk); !reason.empty()) finish_reason_ = reason;
  return out_.write_text(chunk_text(chunk));
}

void TrailPrinter::on_attempt(const RequestRecord& request, const AttemptRecord& attempt) {
  (void)request;
  if (attempt.skipped.empty()) ++printed_;  // a skip sends no request and takes no number
  out_.note(format_attempt(attempt, printed_, out_.style()));
}

AskOutcome ask_in_process(const Config& config, const AskCall& call, AskOutput& out) {
  Runtime runtime(config, nullptr);
  TrailPrinter trail(out);
  RequestContext ctx;
  ctx.request_id = make_request_id();
  ctx.cancel = call.cancel;
  ctx.deadline = call.timeout;
  ctx.observer = call.verbose ? &trail : nullptr;
  AskOutcome outcome;
  RouteResult result;
  if (call.request.stream) {
    TextStreamSink sink(out);
    result = runtime.router().stream(call.request, ctx, sink);
    outcome.finish_reason = sink.finish_reason();
    if (sink.error()) outcome.body = *sink.error();
  } else {
    result = runtime.router().complete(call.request, ctx);
  }
  outcome.record = result.record;
  if (result.ok) {
    outcome.kind = AskOutcome::Kind::kOk;
    if (!call.request.stream) {
      outcome.body = std::move(result.response.body);
      outcome.finish_reason = response_finish_reason(outcome.body);
    }
    return outcome;
  }
  outcome.kind = failure_kind(result, *call.cancel);
  if (outcome.body.is_null()) outcome.body = std::move(result.error);
  return outcome;
}

}  // namespace understudy::cli
