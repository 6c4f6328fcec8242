#include "lib/router/request_run.h"

#include <cstdio>

#include "lib/model/json_splice.h"
#include "lib/router/backoff.h"
#include "lib/router/decision.h"

namespace understudy {

std::string scrub_secret(std::string text, const std::string& secret) {
  if (secret.size() < 4) return text;
  size_t pos = 0;
  while ((pos = text.find(secret, pos)) != std::string::npos) {
    text.replace(pos, secret.size(), "[redacted]");
    pos += 10;
  }
  return text;
}

namespace {

std::int64_t unix_seconds(WallTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string make_stream_id(const std::string& request_id, Random& random) {
  std::string id = "chatcmpl-";
  for (char c : request_id) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') id.push_back(c);
  }
  if (id.size() > 9) return id;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(random.next_u64()));
  return id + buf;
}

// The primary could not express the request: when nothing else is tried, that is the
// caller's error (a 400 naming the parameter), not an outage; a 503 would make SDKs retry.
Failure rejection_failure(const ModelRef& primary, const std::string& why,
                          const std::string& param) {
  Failure f;
  f.cls = FailureClass::kBadRequest;
  f.type = "invalid_request_error";
  f.param = param;
  f.message = primary.str() + ": " + why;
  return f;
}

bool key_class(FailureClass c) {
  return c == FailureClass::kAuth || c == FailureClass::kQuota || c == FailureClass::kRateLimit;
}

}  // namespace

RequestRun::RequestRun(const RouterDeps& deps, const ChatRequest& request,
                       const RequestContext& ctx, StreamSink* sink)
    : deps_(deps), request_(request), ctx_(ctx), sink_(sink), stream_(sink != nullptr) {}

RouteResult RequestRun::run() {
  start_ = deps_.clock->now();
  deadline_ = add_saturating(start_, ctx_.deadline.value_or(deps_.config->fallback.deadline));
  record_.request_id = ctx_.request_id;
  record_.request_index = ctx_.request_index;
  record_.requested = request_.model;
  record_.stream = stream_;
  auto fb = request_.body.find("fallbacks");
  bool has_fallbacks = fb != request_.body.end() && !fb->is_null();
  auto plan =
      make_plan(*deps_.config, request_.model, has_fallbacks ? &request_.fallbacks : nullptr);
  if (!plan.ok()) return plan_error(plan.status());
  plan_ = std::move(*plan);
  for (const ModelRef& t : plan_.targets) record_.chain.push_back(t.str());
  needs_ = needs_of(request_, stream_);
  if (stream_) {
    relay_ = std::make_unique<StreamRelay>(
        *sink_, *this, make_stream_id(ctx_.request_id, *deps_.random),
        unix_seconds(deps_.clock->wall_now()), request_.include_usage);
  }
  for (int ti = 0; ti < static_cast<int>(plan_.targets.size()); ++ti) {
    TargetResult r = run_target(ti);
    if (r == TargetResult::kServed) return std::move(*served_);
    if (r == TargetResult::kStop) break;
  }
  return finish_failure();
}

RequestRun::TargetResult RequestRun::run_target(int ti) {
  const ModelRef& ref = plan_.targets[ti];
  TargetState st;
  st.index = ti;
  st.provider = deps_.config->provider(ref.provider);
  st.target = AttemptTarget{ref, st.provider, nullptr, ""};
  st.later = ti + 1 < static_cast<int>(plan_.targets.size());
  if (auto gap = capability_gap(needs_, effective_capabilities(*st.provider, ref.model))) {
    skip(ti, *gap);
    return TargetResult::kMoveOn;
  }
  while (true) {
    if (auto stop = stop_reason()) {
      final_failure_ = *stop;
      return TargetResult::kStop;
    }
    if (!st.reuse_key && !pick_key(st)) return TargetResult::kMoveOn;
    AttemptRun run = run_attempt(ti, st.target, ++st.tries, std::nullopt);
    if (run.not_expressible) {
      if (ti == 0) {
        primary_rejection_ = rejection_failure(ref, run.record.message, run.rejected_param);
      }
      skip(ti, run.record.message);
      return TargetResult::kMoveOn;
    }
    if (run.outcome.ok) {
      emit_attempt(run.record);
      record_.dropped_params = run.dropped_params;
      served_ = stream_ ? finish_stream_ok() : succeed_plain(ti, run);
      return TargetResult::kServed;
    }
    if (stream_ && relay_->committed()) {
      run.record.decision = "continue";
      emit_attempt(run.record);
      return handle_cut(ti, st.target, st.retries_used, run.outcome.failure);
    }
    if (auto next = after_failure(st, run)) return *next;
  }
}

std::optional<Failure> RequestRun::stop_reason() const {
  if (caller_gone()) return make_local_failure(FailureClass::kCancelled, "the caller went away");
  if (out_of_time()) return make_local_failure(FailureClass::kTimeout, "request deadline exceeded");
  return std::nullopt;
}

KeyQuery RequestRun::key_query(const TargetState& st) {
  return KeyQuery{st.provider, st.target.ref.model, &failed_keys_[st.provider->name],
                  !st.later,   ctx_.direct_key,     deps_.clock->now()};
}

bool RequestRun::pick_key(TargetState& st) {
  KeyChoiceResult kc = choose_key(key_query(st), *deps_.health, *deps_.random);
  if (!kc.choice) {
    skip(st.index, kc.why);
    return false;
  }
  st.key = *kc.choice;
  st.target.key = st.key.key;
  st.target.key_value = st.key.value;
  return true;
}

Decision RequestRun::decide_after(const TargetState& st, const Failure& f) {
  const RetryPolicy& retry = st.provider->retry;
  DecisionInput in;
  in.cls = f.cls;
  in.retries_used = st.retries_used;
  in.max_retries = retry.max_retries;
  in.another_key = has_other_key(key_query(st), *deps_.health, st.key.name);
  in.later_target = st.later;
  in.fallbacks_allowed = fallbacks_allowed_;
  in.on_content_policy = deps_.config->fallback.on_content_policy;
  in.retry_after = f.retry_after;
  in.backoff = backoff_delay(retry, st.retries_used + 1, *deps_.random);
  in.max_hint_wait = retry.backoff_max;
  in.remaining = remaining();
  in.rate_limit_cooldown = retry.rate_limit_cooldown;
  in.key_failure_cooldown = retry.key_failure_cooldown;
  return decide(in);
}

void RequestRun::apply_cooldowns(const TargetState& st, const Decision& d, const Failure& f) {
  TimePoint now = deps_.clock->now();
  std::string why = failure_class_name(f.cls);
  const std::string& provider = st.provider->name;
  if (d.key_cooldown && st.key.name != "client") {
    deps_.health->cool_down(provider, st.key.name, add_saturating(now, *d.key_cooldown), why);
  }
  if (d.provider_cooldown) {
    deps_.health->cool_down(provider, "", add_saturating(now, *d.provider_cooldown), why);
  }
}

// Classifies what to do after a failed attempt and does it. nullopt: try again on this target.
std::optional<RequestRun::TargetResult> RequestRun::after_failure(TargetState& st,
                                                                  AttemptRun& run) {
  const Failure& f = run.outcome.failure;
  note_failure(st.index, f);
  if (f.cls == FailureClass::kCancelled) {
    run.record.decision = "stop";
    emit_attempt(run.record);
    final_failure_ = f;
    return TargetResult::kStop;
  }
  Decision d = decide_after(st, f);
  apply_cooldowns(st, d, f);
  run.record.decision = decision_action_name(d.action);
  emit_attempt(run.record);
  switch (d.action) {
    case DecisionAction::kRetry:
      ++st.retries_used;
      ++record_.retries;
      st.reuse_key = true;
      if (deps_.clock->sleep_for(d.wait, ctx_.cancel.get()) == SleepResult::kCancelled) {
        final_failure_ = make_local_failure(FailureClass::kCancelled, "the caller went away");
        return TargetResult::kStop;
      }
      return std::nullopt;
    case DecisionAction::kNextKey:
      failed_keys_[st.provider->name].insert(st.key.name);
      st.reuse_key = false;
      return std::nullopt;
    case DecisionAction::kNextTarget:
      if (key_class(f.cls)) failed_keys_[st.provider->name].insert(st.key.name);
      ++record_.fallbacks;
      return TargetResult::kMoveOn;
    case DecisionAction::kStop:
      return TargetResult::kStop;
  }
  return TargetResult::kStop;
}

RequestRun::AttemptRun RequestRun::run_attempt(int ti, const AttemptTarget& target, int try_number,
                                               const std::optional<std::string>& prefix) {
  AttemptRun run;
  AttemptRecord& rec = run.record;
  rec.provider = target.ref.provider;
  rec.model = target.ref.model;
  rec.key = target.key ? target.key->name : (target.key_value.empty() ? "" : "client");
  rec.target_index = ti;
  rec.try_number = try_number;
  rec.stream = stream_;
  rec.continuation = prefix.has_value();
  const ProviderAdapter& adapter = adapter_for(target.provider->type);
  BuildOptions bo{stream_, stream_, prefix};
  auto built = adapter.build_request(request_, target, bo);
  if (!built.ok()) {
    run.not_expressible = true;
    run.rejected_param = built.status().field();
    rec.message = "cannot express the request: " + built.status().message();
    return run;
  }
  run.dropped_params = built->dropped_params;
  AttemptInfo info{&request_,          &target, ti,      try_number,        ++attempt_number_,
                   ctx_.request_index, start_,  stream_, prefix.has_value()};
  HookVerdict v = run_hooks(info);
  rec.hook = v.note;
  if (v.forbid_fallbacks) fallbacks_allowed_ = false;
  TimePoint t0 = deps_.clock->now();
  serving_index_ = ti;
  if (v.action == HookVerdict::Action::kFail) {
    run.outcome.failure = v.failure;
  } else {
    Transport* transport = v.action == HookVerdict::Action::kUseTransport
                               ? v.transport.get()
                               : &deps_.transports->transport_for(*target.provider);
    bool later = prefix ? true : ti + 1 < static_cast<int>(plan_.targets.size());
    AttemptEnv env = make_env(ti, target, transport, later);
    if (stream_) {
      relay_->begin_attempt(target.ref.model, prefix.has_value());
      run.outcome = run_stream_attempt(env, built->http, *relay_);
    } else {
      run.outcome = run_plain_attempt(env, built->http);
    }
  }
  rec.latency_ms = millis_between(t0, deps_.clock->now());
  rec.status = run.outcome.status;
  rec.ttft_ms = run.outcome.ttft_ms;
  if (!run.outcome.ok) {
    Failure& f = run.outcome.failure;
    f.message = scrub_secret(f.message, target.key_value);
    rec.failure = f.cls;
    rec.message = f.message;
    if (f.retry_after) rec.retry_after_ms = f.retry_after->count();
  }
  for (AttemptHook* h : deps_.hooks) h->after_attempt(info, rec);
  return run;
}

HookVerdict RequestRun::run_hooks(const AttemptInfo& info) {
  HookVerdict out;
  for (AttemptHook* h : deps_.hooks) {
    HookVerdict v = h->before_attempt(info);
    bool forbid = out.forbid_fallbacks || v.forbid_fallbacks;
    if (v.action != HookVerdict::Action::kContinue) {
      v.forbid_fallbacks = forbid;
      return v;
    }
    out.forbid_fallbacks = forbid;
    if (!v.note.empty()) out.note = v.note;
  }
  return out;
}

AttemptEnv RequestRun::make_env(int ti, const AttemptTarget& target, Transport* transport,
                                bool later) const {
  (void)ti;
  const ProviderConfig& p = *target.provider;
  AttemptEnv env;
  env.clock = deps_.clock;
  env.transport = transport;
  env.adapter = &adapter_for(p.type);
  env.target = &target;
  env.transport_options.connect_timeout = p.timeouts.connect;
  env.transport_options.read_timeout = remaining() + Millis(5000);
  env.transport_options.ca_file = p.ca_file;
  env.transport_options.verify_tls = p.tls_verify;
  TimePoint now = deps_.clock->now();
  env.limits.head_deadline = std::min(add_saturating(now, p.timeouts.headers), deadline_);
  if (stream_ && later) env.limits.first_token = p.timeouts.first_token;
  env.limits.idle = p.timeouts.stream_idle;
  env.limits.request_deadline = deadline_;
  env.request_cancel = ctx_.cancel.get();
  return env;
}

const RequestRecord& RequestRun::on_commit() {
  const ModelRef& t = plan_.targets[serving_index_];
  record_.provider = t.provider;
  record_.model = t.model;
  record_.fallback_index = serving_index_;
  return record_;
}

void RequestRun::skip(int ti, const std::string& why) {
  AttemptRecord rec;
  rec.provider = plan_.targets[ti].provider;
  rec.model = plan_.targets[ti].model;
  rec.target_index = ti;
  rec.skipped = why;
  rec.stream = stream_;
  emit_attempt(rec);
}

void RequestRun::emit_attempt(const AttemptRecord& rec) {
  record_.attempts.push_back(rec);
  if (deps_.events) deps_.events->on_attempt(record_, rec);
  if (ctx_.observer) ctx_.observer->on_attempt(record_, rec);
}

void RequestRun::note_failure(int ti, const Failure& f) {
  if (ti == 0) primary_failure_ = f;
  if (!first_failure_) first_failure_ = f;
}

Millis RequestRun::remaining() const {
  return Millis(std::max<std::int64_t>(0, millis_between(deps_.clock->now(), deadline_)));
}

bool RequestRun::out_of_time() const { return remaining().count() <= 0; }

bool RequestRun::caller_gone() const { return ctx_.cancel && ctx_.cancel->cancelled(); }

void RequestRun::finish_record() {
  record_.latency_ms = millis_between(start_, deps_.clock->now());
  if (relay_) record_.malformed_events = relay_->malformed_events();
  for (const AttemptRecord& a : record_.attempts) {
    if (a.ok() && a.ttft_ms >= 0) record_.ttft_ms = a.ttft_ms;
  }
}

RouteResult RequestRun::succeed_plain(int ti, AttemptRun& run) {
  ChatResponse resp = std::move(run.outcome.response);
  Json& b = resp.body;
  if (!b.contains("model") || !b["model"].is_string() || b["model"].get<std::string>().empty()) {
    b["model"] = plan_.targets[ti].model;
    resp.raw.clear();
  }
  if (!b.contains("created") || !b["created"].is_number() ||
      b["created"].get<std::int64_t>() == 0) {
    b["created"] = unix_seconds(deps_.clock->wall_now());
    resp.raw.clear();
  }
  record_.ok = true;
  record_.http_status = 200;
  record_.provider = plan_.targets[ti].provider;
  record_.model = plan_.targets[ti].model;
  record_.fallback_index = ti;
  record_.usage = resp.usage();
  finish_record();
  Json extra = extra_fields_json(record_);
  if (!resp.raw.empty()) {
    // Spliced into the upstream's bytes: the answer is not serialized again.
    resp.raw = append_member(resp.raw, "extra_fields",
                             extra.dump(-1, ' ', false, Json::error_handler_t::replace));
  }
  b["extra_fields"] = std::move(extra);
  emit_request();
  return RouteResult{true, 200, std::move(resp), {}, std::nullopt, record_};
}

RouteResult RequestRun::finish_stream_ok() {
  record_.ok = true;
  record_.http_status = 200;
  finish_record();
  relay_->finish_ok(record_);
  record_.usage = relay_->usage();
  emit_request();
  return RouteResult{true, 200, {}, {}, std::nullopt, record_};
}

void RequestRun::emit_request() {
  if (deps_.events) deps_.events->on_request(record_);
  if (ctx_.observer) ctx_.observer->on_request(record_);
}

RouteResult RequestRun::plan_error(const Status& s) {
  Failure f;
  f.cls = FailureClass::kBadRequest;
  f.type = "invalid_request_error";
  f.code = "invalid_model";
  f.param = s.field();
  f.message = s.message();
  record_.final_failure = f.cls;
  record_.http_status = 400;
  finish_record();
  RouteResult r;
  r.http_status = 400;
  r.error = Json{{"error", openai_error_object(f)}, {"extra_fields", extra_fields_json(record_)}};
  r.record = record_;
  emit_request();
  return r;
}

RouteResult RequestRun::finish_failure() {
  Failure f;
  bool cancelled = final_failure_ && final_failure_->cls == FailureClass::kCancelled;
  if (cancelled) {
    f = *final_failure_;
  } else if (primary_failure_) {
    f = *primary_failure_;
  } else if (first_failure_) {
    f = *first_failure_;
  } else if (final_failure_) {
    f = *final_failure_;
  } else if (primary_rejection_) {
    f = *primary_rejection_;
  } else {
    std::string why;
    for (const AttemptRecord& a : record_.attempts) {
      if (!why.empty()) why += "; ";
      why += a.provider + "/" + a.model + ": " + a.skipped;
    }
    f = make_local_failure(FailureClass::kOverloaded,
                           "no target in the chain could be tried (" + why + ")");
    f.code = "no_available_target";
  }
  record_.ok = false;
  record_.final_failure = f.cls;
  record_.http_status = http_status_for(f);
  finish_record();
  RouteResult r;
  r.http_status = record_.http_status;
  r.error = Json{{"error", openai_error_object(f)}, {"extra_fields", extra_fields_json(record_)}};
  r.retry_after = f.retry_after;
  r.record = record_;
  emit_request();
  return r;
}

}  // namespace understudy
