#include "lib/server/stream_bridge.h"

namespace understudy {

std::string sse_frame(const Json& payload) {
  std::string frame = "data: ";
  frame += dump_json(payload);
  frame += "\n\n";
  return frame;
}

StreamBridge::StreamBridge(std::shared_ptr<CancelToken> cancel, std::size_t capacity)
    : cancel_(std::move(cancel)), capacity_(capacity < 1 ? 1 : capacity) {}

bool StreamBridge::on_commit(const RequestRecord& record) {
  std::lock_guard<std::mutex> lock(mu_);
  if (abandoned_) return false;
  committed_ = true;
  commit_record_ = record;
  cv_.notify_all();
  return true;
}

bool StreamBridge::push(std::string frame) {
  std::unique_lock<std::mutex> lock(mu_);
  space_cv_.wait(lock, [this] { return abandoned_ || frames_.size() < capacity_; });
  if (abandoned_) return false;
  bool was_empty = frames_.empty();
  frames_.push_back(std::move(frame));
  // The consumer only sleeps on an empty queue, so only that transition needs a wake-up.
  if (was_empty) cv_.notify_all();
  return true;
}

bool StreamBridge::on_chunk(const Json& chunk) { return push(sse_frame(chunk)); }

void StreamBridge::on_error(const Json& error) {
  (void)push(sse_frame(error));
  std::lock_guard<std::mutex> lock(mu_);
  ended_ = true;
  cv_.notify_all();
}

void StreamBridge::on_done() {
  (void)push("data: [DONE]\n\n");
  std::lock_guard<std::mutex> lock(mu_);
  ended_ = true;
  cv_.notify_all();
}

void StreamBridge::finish(RouteResult result) {
  std::lock_guard<std::mutex> lock(mu_);
  result_ = std::move(result);
  finished_ = true;
  ended_ = true;
  cv_.notify_all();
}

void StreamBridge::fail(const Json& error) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!committed_ || ended_ || abandoned_) return;
  }
  on_error(error);
}

StreamBridge::Outcome StreamBridge::wait_outcome() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return committed_ || finished_; });
  return committed_ ? Outcome::kCommitted : Outcome::kFinished;
}

SseSource::Take StreamBridge::take(std::string& out) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !frames_.empty() || ended_ || abandoned_; });
  bool had_frames = !frames_.empty();
  while (!frames_.empty()) {
    out += frames_.front();
    frames_.pop_front();
  }
  if (had_frames) space_cv_.notify_all();
  return (ended_ || abandoned_) && frames_.empty() ? Take::kEnd : Take::kMore;
}

void StreamBridge::abandon() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (abandoned_) return;
    abandoned_ = true;
    frames_.clear();
  }
  cv_.notify_all();
  space_cv_.notify_all();
  if (cancel_) cancel_->cancel(CancelReason::kCallerGone);
}

bool StreamBridge::abandoned() const {
  std::lock_guard<std::mutex> lock(mu_);
  return abandoned_;
}

}  // namespace understudy
