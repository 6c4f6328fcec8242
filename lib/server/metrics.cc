#include "lib/server/metrics.h"

#include <cstdio>

namespace understudy {

namespace {

struct FamilyInfo {
  const char* name;
  const char* help;
  std::vector<std::string> labels;
};

const std::vector<FamilyInfo>& counter_infos() {
  static const std::vector<FamilyInfo> infos = {
      {"understudy_requests_total",
       "Chat completion requests by served provider and model and the HTTP status returned",
       {"provider", "model", "status", "stream"}},
      {"understudy_attempts_total",
       "Upstream attempts by outcome (ok, failure class, skipped)",
       {"provider", "model", "outcome"}},
      {"understudy_retries_total",
       "Retries of the same target by the failure class that caused them",
       {"provider", "class"}},
      {"understudy_fallbacks_total",
       "Moves to a later target by the failure class that caused them",
       {"provider", "class"}},
      {"understudy_stream_malformed_events_total", "Malformed upstream stream events skipped", {}},
      {"understudy_stream_failed_after_commit_total",
       "Streams that broke after content was sent and ended with an error event",
       {}},
      {"understudy_stream_continued_total",
       "Streams that broke after content was sent and were completed by continuation",
       {}},
      {"understudy_rejected_total", "Requests refused before routing, by reason", {"reason"}},
  };
  return infos;
}

const std::vector<FamilyInfo>& histogram_infos() {
  static const std::vector<FamilyInfo> infos = {
      {"understudy_request_duration_seconds", "Whole chat completion requests", {"stream"}},
      {"understudy_upstream_attempt_duration_seconds", "Single upstream attempts", {"provider"}},
      {"understudy_time_to_first_token_seconds",
       "Time to first content token of served streams",
       {"provider"}},
  };
  return infos;
}

std::string label_text(const std::vector<std::string>& names,
                       const std::vector<std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (!out.empty()) out += ",";
    out += names[i] + "=\"" + escape_label_value(values[i]) + "\"";
  }
  return out;
}

std::string format_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

double seconds(std::int64_t ms) { return static_cast<double>(ms) / 1000.0; }

const char* bool_label(bool b) { return b ? "true" : "false"; }

}  // namespace

std::string escape_label_value(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Histogram::observe(double value) {
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    if (value <= kBounds[i]) {
      ++buckets_[i];
      break;
    }
  }
  ++count_;
  sum_ += value;
}

void Histogram::render(const std::string& name, const std::string& labels, std::string& out) const {
  std::string sep = labels.empty() ? "" : ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    cumulative += buckets_[i];
    out += name + "_bucket{" + labels + sep + "le=\"" + format_number(kBounds[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += name + "_bucket{" + labels + sep + "le=\"+Inf\"} " + std::to_string(count_) + "\n";
  std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += name + "_sum" + braces + " " + format_number(sum_) + "\n";
  out += name + "_count" + braces + " " + std::to_string(count_) + "\n";
}

std::map<std::string, Metrics::CounterFamily> Metrics::initial_counters() {
  std::map<std::string, CounterFamily> m;
  for (const FamilyInfo& i : counter_infos()) m[i.name].label_names = i.labels;
  return m;
}

std::map<std::string, Metrics::HistogramFamily> Metrics::initial_histograms() {
  std::map<std::string, HistogramFamily> m;
  for (const FamilyInfo& i : histogram_infos()) m[i.name].label_names = i.labels;
  return m;
}

std::string Metrics::model_label(const std::string& provider, const std::string& model) {
  auto key = std::make_pair(provider, model);
  if (models_seen_.count(key)) return model;
  if (models_seen_.size() >= kMaxModelLabels) return "_other";
  models_seen_.insert(std::move(key));
  return model;
}

void Metrics::add(const std::string& family, Labels labels, std::uint64_t n) {
  counters_[family].series[std::move(labels)] += n;
}

void Metrics::on_attempt(const RequestRecord& request, const AttemptRecord& a) {
  (void)request;
  std::lock_guard<std::mutex> lock(mu_);
  std::string outcome = !a.skipped.empty() ? "skipped"
                        : a.failure        ? failure_class_name(*a.failure)
                                           : "ok";
  add("understudy_attempts_total", {a.provider, model_label(a.provider, a.model), outcome});
  if (a.failure && a.decision == "retry") {
    add("understudy_retries_total", {a.provider, failure_class_name(*a.failure)});
  }
  if (a.failure && a.decision == "next_target") {
    add("understudy_fallbacks_total", {a.provider, failure_class_name(*a.failure)});
  }
  if (a.skipped.empty()) {
    histograms_["understudy_upstream_attempt_duration_seconds"].series[{a.provider}].observe(
        seconds(a.latency_ms));
  }
}

void Metrics::on_request(const RequestRecord& r) {
  std::lock_guard<std::mutex> lock(mu_);
  bool served = r.ok || r.failed_after_commit;
  std::string provider = served && !r.provider.empty() ? r.provider : "none";
  std::string model = served && !r.model.empty() ? model_label(provider, r.model) : "none";
  int status = r.http_status == 0 ? 500 : r.http_status;
  add("understudy_requests_total", {provider, model, std::to_string(status), bool_label(r.stream)});
  histograms_["understudy_request_duration_seconds"].series[{bool_label(r.stream)}].observe(
      seconds(r.latency_ms));
  if (r.stream && r.ok && r.ttft_ms >= 0) {
    histograms_["understudy_time_to_first_token_seconds"].series[{provider}].observe(
        seconds(r.ttft_ms));
  }
  if (r.malformed_events > 0) {
    add("understudy_stream_malformed_events_total", {},
        static_cast<std::uint64_t>(r.malformed_events));
  }
  if (r.failed_after_commit) add("understudy_stream_failed_after_commit_total", {});
  if (r.continued) add("understudy_stream_continued_total", {});
}

void Metrics::count_rejected(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  add("understudy_rejected_total", {reason});
}

std::uint64_t Metrics::counter(const std::string& family,
                               const std::vector<std::string>& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto f = counters_.find(family);
  if (f == counters_.end()) return 0;
  auto s = f->second.series.find(labels);
  return s == f->second.series.end() ? 0 : s->second;
}

std::string Metrics::render(const Gauges& gauges) const {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const FamilyInfo& info : counter_infos()) {
    const CounterFamily& f = counters_.at(info.name);
    out += std::string("# HELP ") + info.name + " " + info.help + "\n";
    out += std::string("# TYPE ") + info.name + " counter\n";
    if (f.label_names.empty() && f.series.empty()) out += std::string(info.name) + " 0\n";
    for (const auto& [labels, value] : f.series) {
      std::string l = label_text(f.label_names, labels);
      out += info.name + (l.empty() ? "" : "{" + l + "}") + " " + std::to_string(value) + "\n";
    }
  }
  for (const FamilyInfo& info : histogram_infos()) {
    const HistogramFamily& f = histograms_.at(info.name);
    out += std::string("# HELP ") + info.name + " " + info.help + "\n";
    out += std::string("# TYPE ") + info.name + " histogram\n";
    for (const auto& [labels, h] : f.series)
      h.render(info.name, label_text(f.label_names, labels), out);
  }
  out +=
      "# HELP understudy_requests_in_flight Chat completion requests admitted and not finished\n";
  out += "# TYPE understudy_requests_in_flight gauge\n";
  out += "understudy_requests_in_flight " + std::to_string(gauges.in_flight) + "\n";
  out += "# HELP understudy_requests_queued Chat completion requests waiting for a slot\n";
  out += "# TYPE understudy_requests_queued gauge\n";
  out += "understudy_requests_queued " + std::to_string(gauges.queued) + "\n";
  return out;
}

}  // namespace understudy
