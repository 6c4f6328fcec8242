// RequestRun: the state of one request inside the Router (internal to lib/router).
//
// It walks the FallbackPlan target by target; per target it picks keys, runs attempts
// (hooks, build, send, classify), applies decide(), sleeps for retries on the Clock, and
// records the trail. For streams it drives a StreamRelay and, after a cut once content was
// committed, the continuation candidates (design §7). One RequestRun per request, used on
// that request's thread only.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "lib/router/attempt.h"
#include "lib/router/capability_check.h"
#include "lib/router/decision.h"
#include "lib/router/key_choice.h"
#include "lib/router/plan.h"
#include "lib/router/router.h"
#include "lib/router/stream_relay.h"

namespace understudy {

class RequestRun final : public CommitListener {
 public:
  RequestRun(const RouterDeps& deps, const ChatRequest& request, const RequestContext& ctx,
             StreamSink* sink);
  RouteResult run();

  const RequestRecord& on_commit() override;

 private:
  enum class TargetResult { kServed, kMoveOn, kStop };

  struct AttemptRun {
    AttemptOutcome outcome;
    AttemptRecord record;
    std::vector<std::string> dropped_params;
    bool not_expressible = false;  // the adapter cannot build this request
    std::string rejected_param;    // when not_expressible: the parameter it named, if any
  };

  // Per-target loop state.
  struct TargetState {
    int index = 0;
    const ProviderConfig* provider = nullptr;
    AttemptTarget target;
    KeyChoice key;
    bool later = false;  // a later target exists
    int retries_used = 0;
    int tries = 0;
    bool reuse_key = false;  // the next try retries the same key
  };

  TargetResult run_target(int ti);
  std::optional<Failure> stop_reason() const;
  KeyQuery key_query(const TargetState& st);
  bool pick_key(TargetState& st);
  Decision decide_after(const TargetState& st, const Failure& f);
  void apply_cooldowns(const TargetState& st, const Decision& d, const Failure& f);
  std::optional<TargetResult> after_failure(TargetState& st, AttemptRun& run);
  AttemptRun run_attempt(int ti, const AttemptTarget& target, int try_number,
                         const std::optional<std::string>& prefix);
  HookVerdict run_hooks(const AttemptInfo& info);
  AttemptEnv make_env(int ti, const AttemptTarget& target, Transport* transport,
                      bool continuation) const;
  TargetResult handle_cut(int ti, AttemptTarget target, int retries_used, Failure cut);
  bool try_continuation(int tj, AttemptTarget& target, int try_number);

  void skip(int ti, const std::string& why);
  void emit_attempt(const AttemptRecord& rec);
  void note_failure(int ti, const Failure& f);
  bool out_of_time() const;
  Millis remaining() const;
  bool caller_gone() const;
  std::optional<std::string> prefill_gap(int tj) const;

  RouteResult succeed_plain(int ti, AttemptRun& run);
  RouteResult finish_stream_ok();  // the stream ended properly: final chunks, [DONE], events
  void emit_request();
  RouteResult finish_failure();
  RouteResult plan_error(const Status& s);
  void finish_record();

  const RouterDeps& deps_;
  const ChatRequest& request_;
  const RequestContext& ctx_;
  StreamSink* sink_;  // null for non-streaming requests
  bool stream_;
  TimePoint start_{};
  TimePoint deadline_{};
  FallbackPlan plan_;
  RequestNeeds needs_;
  RequestRecord record_;
  std::map<std::string, std::set<std::string>> failed_keys_;  // provider -> key names
  std::optional<Failure> primary_failure_;
  std::optional<Failure> first_failure_;
  std::optional<Failure> final_failure_;  // set when the request cannot continue (e.g. deadline)
  // The primary could not express the request (a caller-side 400), e.g. "n": 2 for anthropic.
  std::optional<Failure> primary_rejection_;
  bool fallbacks_allowed_ = true;
  int attempt_number_ = 0;
  int serving_index_ = -1;  // target index of the attempt in flight (for commit)
  std::unique_ptr<StreamRelay> relay_;
  std::optional<RouteResult> served_;
};

// Replaces every occurrence of `secret` in `text` with "[redacted]".
std::string scrub_secret(std::string text, const std::string& secret);

}  // namespace understudy
