// RequestRun: what happens when a stream breaks after content was committed (design §7).
#include "lib/router/request_run.h"

namespace understudy {

std::optional<std::string> RequestRun::prefill_gap(int tj) const {
  const ModelRef& ref = plan_.targets[tj];
  const ProviderConfig* p = deps_.config->provider(ref.provider);
  ResolvedCapabilities caps = effective_capabilities(*p, ref.model);
  if (!caps.prefill) return "cannot continue an assistant prefix";
  return capability_gap(needs_, caps);
}

// One continuation attempt on target tj. Returns true when the stream was completed.
bool RequestRun::try_continuation(int tj, AttemptTarget& target, int try_number) {
  AttemptRun run = run_attempt(tj, target, try_number, relay_->text_sent());
  if (run.not_expressible) {
    skip(tj, run.record.message);
    return false;
  }
  run.record.decision = run.outcome.ok ? "" : "continue";
  emit_attempt(run.record);
  if (!run.outcome.ok) return false;
  record_.continued = true;
  served_ = finish_stream_ok();
  return true;
}

RequestRun::TargetResult RequestRun::handle_cut(int ti, AttemptTarget target, int retries_used,
                                                Failure cut) {
  note_failure(ti, cut);
  const int n = static_cast<int>(plan_.targets.size());
  std::vector<int> order;
  if (!prefill_gap(ti) && retries_used < target.provider->retry.max_retries) order.push_back(ti);
  for (int tj = ti + 1; tj < n && fallbacks_allowed_; ++tj) {
    if (!prefill_gap(tj)) order.push_back(tj);
  }
  // A continuation that makes progress and breaks again is retried on the same candidate;
  // this caps the total so a flapping upstream cannot loop until the deadline.
  int budget = target.provider->retry.max_retries + n + 1;
  size_t i = 0;
  int tries_same = 0;
  while (!relay_->tool_calls_sent() && i < order.size() && budget-- > 0 && !out_of_time() &&
         !caller_gone() && !relay_->caller_gone()) {
    int tj = order[i];
    AttemptTarget t = target;
    if (tj != ti) {
      const ModelRef& ref = plan_.targets[tj];
      const ProviderConfig* p = deps_.config->provider(ref.provider);
      KeyQuery q{p, ref.model, &failed_keys_[p->name], true, ctx_.direct_key, deps_.clock->now()};
      KeyChoiceResult kc = choose_key(q, *deps_.health, *deps_.random);
      if (!kc.choice) {
        skip(tj, kc.why);
        ++i;
        continue;
      }
      t = AttemptTarget{ref, p, kc.choice->key, kc.choice->value};
    }
    size_t sent_before = relay_->text_sent().size();
    if (try_continuation(tj, t, tj == ti ? retries_used + 2 + tries_same++ : 1)) {
      return TargetResult::kServed;
    }
    if (relay_->text_sent().size() == sent_before) ++i;  // no progress: next candidate
  }
  // Every candidate failed: the caller sees the original cut, never a prefix rejection.
  record_.failed_after_commit = true;
  record_.ok = false;
  record_.final_failure = cut.cls;
  record_.http_status = 200;
  finish_record();
  Json err{{"error", openai_error_object(cut)}, {"extra_fields", extra_fields_json(record_)}};
  relay_->fail(err);
  record_.usage = relay_->usage();
  emit_request();
  served_ = RouteResult{false, 200, {}, err, std::nullopt, record_};
  return TargetResult::kServed;
}

}  // namespace understudy
