// FakeResponder: what a fake provider server answers to one HTTP request, decided without
// touching a socket, so it can be tested as a pure unit (mocks/fake_server.h carries the
// plan out over the wire).
//
// For each request it: recognizes the wire format from the path (mocks/fake_reply.h),
// checks it as strictly as the real service would (mocks/fake_validate.h), then picks the
// fault to perform: the `x-understudy-fault` header if present (mocks/fault_action_json.h),
// else the first `[[faults]]` rule that fires (mocks/fault_engine.h), and finally builds the
// ResponsePlan (mocks/response_plan.h) — the same plan the in-process ScriptedTransport
// plays, so the socket fakes and the in-process fakes fail identically.
//
// Rule conditions are matched against this server's view of a request: `providers` against
// the wire format name ("openai", "anthropic", "gemini") or the server's own name;
// `keys` against the credential's fingerprint; `attempts` against how many times this
// exact request (path and body; a retry resends both unchanged) has now been seen;
// `request_from/to` against the request index; `after_ms/until_ms` against the time since
// start; `message_regex` against the last user message.
//
// Thread-safe: many connections call respond() at once.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "lib/config/fault_rule.h"
#include "lib/core/random.h"
#include "lib/transport/http.h"
#include "mocks/fault_engine.h"
#include "mocks/response_plan.h"

namespace understudy {

struct FakeResponse {
  ResponsePlan plan;
  // For the request log (mocks/request_log.h).
  std::string format;  // "" for an unknown path
  std::string model;
  bool stream = false;
  int attempt = 1;
  std::string fault;         // rule name, "header", or ""
  std::string fault_action;  // action name, or ""
  std::string rejection;     // strictness (or bad fault header) message, or ""
  std::string auth_header;
  std::string auth_fingerprint;
  Json body;  // parsed JSON, or the body text when it is not JSON (null when empty)
};

class FakeResponder {
 public:
  // `name` (may be empty) is matched by rules' `providers` besides the wire format name.
  FakeResponder(std::vector<FaultRule> rules, std::string name, std::uint64_t seed);

  FakeResponse respond(const HttpRequest& req, std::int64_t request_index, Millis since_start);

  // Starts over: rule `times` budgets and attempt counts.
  void reset();

 private:
  int count_attempt(const HttpRequest& req);
  void choose_fault(const HttpRequest& req, const FakeRequest& fake, std::int64_t request_index,
                    Millis since_start, FakeResponse& out);

  std::vector<FaultRule> rules_;
  SeededRandom random_;
  std::mutex mu_;
  std::shared_ptr<FaultEngine> engine_;
  std::unordered_map<std::size_t, int> seen_;  // hash of path + body -> times seen
};

// The plan that sends `reply` in one piece: its head, then its whole body.
ResponsePlan single_reply(const FakeHttpReply& reply);

// `body` as an application/json reply; invalid UTF-8 in its strings is replaced, since it may
// quote a path or header as the client sent it.
FakeHttpReply json_reply(int status, const Json& body);

// An OpenAI-shaped invalid_request_error reply whose `code` names the problem.
FakeHttpReply openai_shaped_error(int status, const std::string& message, const char* code);

// The plan for a known path called with another method than POST (405).
ResponsePlan plan_method_not_allowed(const std::string& method, const std::string& path);

}  // namespace understudy
