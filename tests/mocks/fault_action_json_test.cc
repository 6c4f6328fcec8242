// FaultAction <-> JSON for the x-understudy-fault header (mocks/fault_action_json.h).
#include "mocks/fault_action_json.h"

#include <doctest/doctest.h>

using namespace understudy;

TEST_CASE("fault action json: every field round-trips") {
  FaultAction a;
  a.kind = FaultAction::Kind::kStreamError;
  a.weight = 2.5;
  a.status = 529;
  a.error_type = "overloaded_error";
  a.error_code = "busy";
  a.message = "try later";
  a.content = "unused";
  a.retry_after = Millis(1500);
  a.latency = LatencySpec{LatencySpec::Kind::kUniform, 5, 20};
  a.first_token_delay = Millis(300);
  a.token_interval = Millis(15);
  a.after_tokens = 3;
  Json j = fault_action_to_json(a);
  CHECK(j["action"] == "stream_error");
  CHECK(j["latency"] == Json{{"type", "uniform"}, {"min_ms", 5.0}, {"max_ms", 20.0}});
  Result<FaultAction> back = fault_action_from_json(j);
  REQUIRE(back.ok());
  CHECK(fault_action_to_json(*back) == j);
  CHECK(back->retry_after == Millis(1500));
  CHECK(back->latency.kind == LatencySpec::Kind::kUniform);
  CHECK(back->after_tokens == 3);
}

TEST_CASE("fault action json: defaults are omitted and status alone means error") {
  CHECK(fault_action_to_json(FaultAction{}) == Json{{"action", "ok"}});
  FaultAction fixed;
  fixed.latency = LatencySpec{LatencySpec::Kind::kFixed, 250, 0};
  CHECK(fault_action_to_json(fixed) == Json{{"action", "ok"}, {"latency_ms", 250}});
  Result<FaultAction> a = parse_fault_action_header(R"({"status": 503, "retry_after_ms": 10})");
  REQUIRE(a.ok());
  CHECK(a->kind == FaultAction::Kind::kError);
  CHECK(a->status == 503);
  Result<FaultAction> hang = parse_fault_action_header(R"({"action": "hang"})");
  REQUIRE(hang.ok());
  CHECK(hang->kind == FaultAction::Kind::kHang);
}

TEST_CASE("fault action json: mistakes are named precisely") {
  struct Case {
    const char* text;
    const char* fragment;
  };
  const Case cases[] = {
      {R"({"action": "hnag"})", "action: unknown action \"hnag\" (did you mean \"hang\"?)"},
      {R"({"action": "error"})", "needs a status"},
      {R"({"action": "hang", "status": 500})", "status: status is only used by action"},
      {R"({"status": 42})", "status"},
      {R"({"statsu": 500})", "unknown key \"statsu\""},
      {R"({"latency": {"type": "gaussian"}})", "latency.type: unknown latency type"},
      {R"({"latency_ms": 5, "latency": {"type": "fixed", "ms": 5}})", "not both"},
      {R"({"after_tokens": "3"})", "after_tokens"},
      {R"([1, 2])", "must be a JSON object"},
      {R"({"action": )", "not valid JSON (syntax error at byte"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    Result<FaultAction> r = parse_fault_action_header(c.text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message().find(c.fragment) != std::string::npos);
  }
}

TEST_CASE("fault action json: kind names match the rule language") {
  CHECK(std::string(fault_action_kind_name(FaultAction::Kind::kMissingDone)) == "missing_done");
  CHECK(parse_fault_action_kind("stream_stall") == FaultAction::Kind::kStreamStall);
  CHECK_FALSE(parse_fault_action_kind("explode").has_value());
}
