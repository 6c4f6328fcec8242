#include "lib/router/events.h"

namespace understudy {

Json attempt_to_json(const AttemptRecord& a) {
  Json j = Json::object();
  j["provider"] = a.provider;
  j["model"] = a.model;
  if (!a.key.empty()) j["key"] = a.key;
  if (!a.skipped.empty()) {
    j["skipped"] = a.skipped;
    return j;
  }
  j["status"] = a.status;
  if (a.failure) {
    j["class"] = failure_class_name(*a.failure);
    if (!a.message.empty()) j["message"] = a.message;
    if (!a.decision.empty()) j["decision"] = a.decision;
  }
  if (a.retry_after_ms) j["retry_after_ms"] = *a.retry_after_ms;
  if (!a.hook.empty()) j["hook"] = a.hook;
  if (a.continuation) j["continuation"] = true;
  j["latency_ms"] = a.latency_ms;
  if (a.stream && a.ttft_ms >= 0) j["ttft_ms"] = a.ttft_ms;
  return j;
}

Json extra_fields_json(const RequestRecord& r) {
  Json j = Json::object();
  if (r.ok || r.failed_after_commit) {
    j["provider"] = r.provider;
    j["model"] = r.model;
  }
  j["requested"] = r.requested;
  j["fallback_index"] = r.fallback_index;
  j["latency_ms"] = r.latency_ms;
  if (r.continued) j["continued"] = true;
  if (!r.dropped_params.empty()) j["dropped_params"] = r.dropped_params;
  Json attempts = Json::array();
  for (const AttemptRecord& a : r.attempts) attempts.push_back(attempt_to_json(a));
  j["attempts"] = std::move(attempts);
  return j;
}

}  // namespace understudy
