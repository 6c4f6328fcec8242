#include "mocks/fake_responder.h"

#include <functional>

#include "lib/core/glob.h"
#include "lib/providers/error_text.h"
#include "mocks/fake_validate.h"
#include "mocks/fault_action_json.h"

namespace understudy {

namespace {

constexpr std::size_t kMaxRememberedRequests = 100000;  // then attempt counting starts over
constexpr std::size_t kMaxLoggedText = 64 * 1024;

// A rule naming this server (by its --name) applies to every wire format it speaks.
std::vector<FaultRule> widen_for_name(std::vector<FaultRule> rules, const std::string& name) {
  if (name.empty()) return rules;
  for (FaultRule& r : rules) {
    for (const std::string& pattern : r.providers) {
      if (glob_match(pattern, name)) {
        r.providers.clear();
        break;
      }
    }
  }
  return rules;
}

Json body_for_log(const FakeRequest* fake, const std::string& raw) {
  if (fake && !fake->body.is_null()) return fake->body;
  if (raw.empty()) return nullptr;
  Json parsed = parse_json_or_discarded(raw);
  if (!parsed.is_discarded()) return parsed;
  return raw.size() <= kMaxLoggedText ? Json(raw) : Json(raw.substr(0, kMaxLoggedText));
}

}  // namespace

ResponsePlan single_reply(const FakeHttpReply& reply) {
  ResponsePlan p;
  p.steps.push_back(PlanStep{PlanStep::Kind::kHead, Millis(0), reply.status, reply.headers, ""});
  p.steps.push_back(PlanStep{PlanStep::Kind::kData, Millis(0), 0, {}, reply.body});
  return p;
}

FakeHttpReply json_reply(int status, const Json& body) {
  // The body may quote a path or header as the client sent it, invalid UTF-8 included.
  return {status,
          {{"Content-Type", "application/json"}},
          body.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

FakeHttpReply openai_shaped_error(int status, const std::string& message, const char* code) {
  Json body{{"error", Json{{"message", message},
                           {"type", "invalid_request_error"},
                           {"param", nullptr},
                           {"code", code}}}};
  return json_reply(status, body);
}

ResponsePlan plan_method_not_allowed(const std::string& method, const std::string& path) {
  return single_reply(openai_shaped_error(
      405, "Method " + method + " is not allowed on " + path + "; use POST", "method_not_allowed"));
}

FakeResponder::FakeResponder(std::vector<FaultRule> rules, std::string name, std::uint64_t seed)
    : rules_(widen_for_name(std::move(rules), name)),
      random_(seed),
      engine_(std::make_shared<FaultEngine>(rules_, random_)) {}

void FakeResponder::reset() {
  std::lock_guard<std::mutex> lock(mu_);
  engine_ = std::make_shared<FaultEngine>(rules_, random_);
  seen_.clear();
}

int FakeResponder::count_attempt(const HttpRequest& req) {
  std::size_t key = std::hash<std::string>{}(req.path + '\n' + req.body);
  std::lock_guard<std::mutex> lock(mu_);
  if (seen_.size() >= kMaxRememberedRequests) seen_.clear();
  return ++seen_[key];
}

void FakeResponder::choose_fault(const HttpRequest& req, const FakeRequest& fake,
                                 std::int64_t request_index, Millis since_start,
                                 FakeResponse& out) {
  const FaultAction* action = nullptr;
  FaultAction from_header;
  std::optional<FaultDecision> decision;
  if (auto header = header_value(req.headers, kFaultHeader)) {
    Result<FaultAction> parsed = parse_fault_action_header(*header);
    if (!parsed.ok()) {
      out.rejection = std::string(kFaultHeader) + " header: " + parsed.status().message();
      out.plan = single_reply(openai_shaped_error(400, out.rejection, "invalid_fault_header"));
      return;
    }
    from_header = std::move(parsed).value();
    action = &from_header;
    out.fault = "header";
  } else {
    FaultQuery q;
    q.provider = out.format;
    q.model = out.model;
    q.key = out.auth_fingerprint;
    q.try_number = out.attempt;
    q.request_index = request_index;
    q.since_start = since_start;
    q.last_user_message = fake.last_user_text;
    q.stream = fake.stream;
    std::shared_ptr<FaultEngine> engine;
    {
      std::lock_guard<std::mutex> lock(mu_);
      engine = engine_;
    }
    decision = engine->decide(q);
    if (decision) {
      action = &decision->action;
      out.fault = decision->rule->name.empty() ? "rule" : decision->rule->name;
    }
  }
  if (action) out.fault_action = fault_action_kind_name(action->kind);
  out.plan = plan_response(fake, action, random_);
}

FakeResponse FakeResponder::respond(const HttpRequest& req, std::int64_t request_index,
                                    Millis since_start) {
  FakeResponse out;
  out.attempt = count_attempt(req);
  std::optional<FakeRequest> fake = parse_fake_request(req);
  out.body = body_for_log(fake ? &*fake : nullptr, req.body);
  if (!fake) {
    out.plan = plan_not_found(redact_key_query(req.path));
    return out;
  }
  out.format = wire_format_name(fake->format);
  out.model = fake->model;
  out.stream = fake->stream;
  if (auto cred = find_credential(fake->format, req)) {
    out.auth_header = cred->header;
    out.auth_fingerprint = credential_fingerprint(cred->value);
  }
  if (req.method != "POST") {
    out.plan = plan_method_not_allowed(req.method, redact_key_query(req.path));
    return out;
  }
  if (auto rejection = validate_fake_request(*fake, req)) {
    out.rejection = rejection->message;
    out.plan = single_reply(rejection->reply);
    return out;
  }
  choose_fault(req, *fake, request_index, since_start, out);
  return out;
}

}  // namespace understudy
