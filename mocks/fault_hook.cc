#include "mocks/fault_hook.h"

#include "mocks/scripted_transport.h"

namespace understudy {

std::string last_user_message(const ChatRequest& request) {
  const Json& msgs = request.body.value("messages", Json::array());
  for (auto it = msgs.rbegin(); it != msgs.rend(); ++it) {
    if (!it->is_object() || it->value("role", "") != "user") continue;
    const Json& c = it->value("content", Json());
    if (c.is_string()) return c.get<std::string>();
    std::string out;
    if (c.is_array()) {
      for (const Json& p : c) {
        if (p.is_object() && p.contains("text") && p["text"].is_string())
          out += p["text"].get<std::string>();
      }
    }
    return out;
  }
  return "";
}

FaultHook::FaultHook(std::vector<FaultRule> rules, Clock& clock, Random& random,
                     FaultTransportFactory perform)
    : engine_(std::move(rules), random),
      clock_(clock),
      random_(random),
      perform_(std::move(perform)),
      start_(clock.now()) {}

HookVerdict FaultHook::before_attempt(const AttemptInfo& info) {
  HookVerdict v;
  if (engine_.empty()) return v;
  FaultQuery q;
  q.provider = info.target->ref.provider;
  q.model = info.target->ref.model;
  q.key =
      info.target->key ? info.target->key->name : (info.target->key_value.empty() ? "" : "client");
  q.try_number = info.try_number;
  q.request_index = info.request_index;
  q.since_start = Millis(millis_between(start_, clock_.now()));
  q.last_user_message = last_user_message(*info.request);
  q.stream = info.stream;
  std::optional<FaultDecision> d = engine_.decide(q);
  if (!d) return v;
  v.action = HookVerdict::Action::kUseTransport;
  v.transport = perform_ ? perform_(d->action)
                         : std::make_shared<ScriptedTransport>(clock_, random_, d->action);
  v.forbid_fallbacks = !d->rule->allow_fallbacks;
  v.note = "fault:" + (d->rule->name.empty() ? std::string("rule") : d->rule->name);
  return v;
}

}  // namespace understudy
