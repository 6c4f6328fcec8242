#include "mocks/socket_plan.h"

#include <algorithm>

namespace understudy {

namespace {

using Step = PlanStep::Kind;

std::size_t head_position(const ResponsePlan& plan) {
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    if (plan.steps[i].kind == Step::kHead) return i;
  }
  return plan.steps.size();
}

// Carries one plan out, keeping the bytes not yet written in `pending` so that the head
// travels with the first body piece.
class PlanRun {
 public:
  PlanRun(const ResponsePlan& plan, WireConnection& conn, bool keep_alive,
          const PlanCompletionHook& on_complete)
      : plan_(plan),
        conn_(conn),
        keep_alive_(keep_alive),
        chunked_(plan_body_is_chunked(plan)),
        on_complete_(on_complete),
        bytes_before_(conn.bytes_sent()) {}

  SocketPlanResult run() {
    SocketPlanResult r;
    r.outcome = run_steps(r);
    r.bytes_sent = conn_.bytes_sent() - bytes_before_;
    r.reusable = r.outcome == "complete" && keep_alive_;
    return r;
  }

 private:
  std::string run_steps(SocketPlanResult& r) {
    const std::size_t n = plan_.steps.size();
    for (std::size_t i = 0; i < n; ++i) {
      const PlanStep& s = plan_.steps[i];
      switch (s.kind) {
        case Step::kSleep:
          if (!flush()) return write_failure();
          if (auto ended = waited(conn_.wait(s.delay), "server_stopped")) return *ended;
          break;
        case Step::kHead:
          r.status = s.status;
          pending_ +=
              format_response_head(s.status, s.headers, chunked_, body_length(i), keep_alive_);
          head_sent_ = true;
          break;
        case Step::kData:
          pending_ += chunked_ && head_sent_ ? chunk_frame(s.data) : s.data;
          if (i + 1 == n) return finish(r);
          if (!flush()) return write_failure();
          break;
        case Step::kHang:
          if (!flush()) return write_failure();
          if (auto ended = waited(conn_.wait(std::nullopt), "hang_ended")) return *ended;
          return "hang_ended";
        case Step::kReset:
          flush();
          conn_.reset();
          return "reset";
      }
    }
    return finish(r);
  }

  // The last write of a response that ends normally. The hook sees the result first, so
  // whoever has read the whole response finds it already recorded.
  std::string finish(SocketPlanResult& r) {
    if (chunked_ && head_sent_) pending_ += kLastChunk;
    if (on_complete_) {
      SocketPlanResult done = r;
      done.outcome = "complete";
      done.bytes_sent =
          conn_.bytes_sent() - bytes_before_ + static_cast<std::int64_t>(pending_.size());
      done.reusable = keep_alive_;
      on_complete_(done);
    }
    return flush() ? "complete" : write_failure();
  }

  std::optional<std::string> waited(WireConnection::Wait w, const char* on_stop) {
    if (w == WireConnection::Wait::kClientClosed) return std::string("client_closed");
    if (w == WireConnection::Wait::kStopped) return std::string(on_stop);
    return std::nullopt;
  }

  std::string write_failure() { return conn_.stopped() ? "server_stopped" : "client_closed"; }

  bool flush() {
    if (pending_.empty()) return true;
    bool ok = conn_.send_all(pending_);
    pending_.clear();
    return ok;
  }

  // Content-Length of a body sent whole: every data step after the head.
  std::size_t body_length(std::size_t head_index) const {
    std::size_t total = 0;
    for (std::size_t i = head_index + 1; i < plan_.steps.size(); ++i) {
      total += plan_.steps[i].data.size();
    }
    return total;
  }

  const ResponsePlan& plan_;
  WireConnection& conn_;
  bool keep_alive_;
  bool chunked_;
  const PlanCompletionHook& on_complete_;
  std::int64_t bytes_before_;
  bool head_sent_ = false;
  std::string pending_;
};

}  // namespace

bool plan_body_is_chunked(const ResponsePlan& plan) {
  std::size_t head = head_position(plan);
  if (head == plan.steps.size()) return false;
  auto type = header_value(plan.steps[head].headers, "content-type");
  if (type && type->find("text/event-stream") != std::string::npos) return true;
  return std::any_of(plan.steps.begin() + static_cast<std::ptrdiff_t>(head) + 1, plan.steps.end(),
                     [](const PlanStep& s) { return s.kind != Step::kData; });
}

SocketPlanResult run_plan_on_socket(const ResponsePlan& plan, WireConnection& conn, bool keep_alive,
                                    const PlanCompletionHook& on_complete) {
  return PlanRun(plan, conn, keep_alive, on_complete).run();
}

}  // namespace understudy
