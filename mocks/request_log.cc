#include "mocks/request_log.h"

namespace understudy {

Json logged_request_to_json(const LoggedRequest& r) {
  Json auth = r.auth_header.empty()
                  ? Json(nullptr)
                  : Json{{"header", r.auth_header}, {"fingerprint", r.auth_fingerprint}};
  auto text_or_null = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  return Json{{"index", r.index},
              {"start_ms", r.start_ms},
              {"end_ms", r.end_ms < 0 ? Json(nullptr) : Json(r.end_ms)},
              {"method", r.method},
              {"path", r.path},
              {"format", text_or_null(r.format)},
              {"model", text_or_null(r.model)},
              {"stream", r.stream},
              {"attempt", r.attempt},
              {"fault", text_or_null(r.fault)},
              {"fault_action", text_or_null(r.fault_action)},
              {"rejection", text_or_null(r.rejection)},
              {"status", r.status == 0 ? Json(nullptr) : Json(r.status)},
              {"outcome", r.outcome},
              {"bytes_sent", r.bytes_sent},
              {"auth", std::move(auth)},
              {"body", r.body}};
}

RequestLog::Handle RequestLog::add(LoggedRequest entry) {
  std::lock_guard<std::mutex> lock(mu_);
  entry.index = next_index_++;
  Handle h{generation_, entry.index};
  entries_.push_back(std::move(entry));
  while (entries_.size() > capacity_) entries_.pop_front();
  changed_.notify_all();
  return h;
}

void RequestLog::update(const Handle& handle, const std::function<void(LoggedRequest&)>& change) {
  std::lock_guard<std::mutex> lock(mu_);
  if (handle.generation != generation_ || entries_.empty()) return;
  std::int64_t first = entries_.front().index;
  if (handle.index < first || handle.index - first >= static_cast<std::int64_t>(entries_.size())) {
    return;  // dropped for capacity
  }
  change(entries_[static_cast<std::size_t>(handle.index - first)]);
  changed_.notify_all();
}

std::vector<LoggedRequest> RequestLog::snapshot() const {
  return std::vector<LoggedRequest>(entries_.begin(), entries_.end());
}

std::vector<LoggedRequest> RequestLog::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot();
}

bool RequestLog::wait_for(const std::function<bool(const std::vector<LoggedRequest>&)>& ready,
                          Millis timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return ready(snapshot()); });
}

void RequestLog::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
  next_index_ = 0;
  ++generation_;
  changed_.notify_all();
}

}  // namespace understudy
