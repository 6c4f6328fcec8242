#include "lib/sim/caller_checks.h"

namespace understudy {

namespace {

bool has_error_object(const Json& j) {
  return j.is_object() && j.contains("error") && j["error"].is_object() &&
         j["error"].contains("message") && j["error"]["message"].is_string();
}

}  // namespace

void CallerStreamSink::violation(std::string what) { view_.violations.push_back(std::move(what)); }

bool CallerStreamSink::on_commit(const RequestRecord& record) {
  if (committed_) violation("the stream was committed twice");
  if (record.provider.empty()) violation("the commit does not say who serves");
  committed_ = true;
  return true;
}

bool CallerStreamSink::on_chunk(const Json& chunk) {
  ++chunks_;
  if (!committed_) violation("a chunk before the stream was committed");
  if (end_ != End::kOpen) violation("a chunk after the stream ended");
  if (!chunk.is_object() || chunk.value("object", "") != "chat.completion.chunk") {
    violation("a chunk that is not a chat.completion.chunk");
    return true;
  }
  std::string id = chunk.value("id", "");
  if (stream_id_.empty()) stream_id_ = id;
  if (id.empty() || id != stream_id_) violation("chunks with different ids in one stream");
  text_ += chunk_text(chunk);
  if (view_.ttft_ms < 0 && chunk_has_content(chunk)) {
    view_.ttft_ms = millis_between(arrival_, clock_.now());
  }
  return true;
}

void CallerStreamSink::on_error(const Json& error) {
  if (!committed_) violation("an error event before the stream was committed");
  if (end_ != End::kOpen) violation("an error event after the stream ended");
  if (!has_error_object(error)) violation("an error event without an error object");
  end_ = End::kError;
}

void CallerStreamSink::on_done() {
  if (!committed_) violation("[DONE] before the stream was committed");
  if (end_ != End::kOpen) violation("[DONE] after the stream ended");
  end_ = End::kDone;
}

void CallerStreamSink::check_ending(const RouteResult& result) {
  if (result.ok) {
    if (end_ != End::kDone) violation("a successful stream did not end with [DONE]");
    if (chunks_ == 0) violation("a successful stream sent no chunk");
    return;
  }
  if (result.record.failed_after_commit) {
    if (end_ != End::kError) violation("a stream that broke after commit has no error event");
    return;
  }
  if (committed_ || chunks_ > 0) violation("a stream that failed before commit sent data");
}

void check_result(const RouteResult& result, bool stream, CallerView& view) {
  if (result.ok != result.record.ok) view.violations.push_back("result and record disagree on ok");
  if (result.ok) {
    if (result.http_status != 200) view.violations.push_back("a success with a non-200 status");
    if (!stream && result.response.body.value("object", "") != "chat.completion") {
      view.violations.push_back("a success that is not a chat.completion");
    }
    return;
  }
  if (has_error_object(result.error)) {
    view.error = result.error["error"]["message"].get<std::string>();
  } else {
    view.violations.push_back("a failure without an OpenAI error object");
  }
  bool committed_failure = stream && result.record.failed_after_commit;
  if (!committed_failure && result.http_status < 400) {
    view.violations.push_back("a failure answered with HTTP " + std::to_string(result.http_status));
  }
}

}  // namespace understudy
