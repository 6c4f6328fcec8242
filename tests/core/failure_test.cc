// Failure classes: names, parsing, the gateway's HTTP status and local failures
// (lib/core/failure.h).
#include "lib/core/failure.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace understudy;

TEST_CASE("failure: every class has a distinct name that parses back to it") {
  std::set<std::string> names;
  for (FailureClass c : kAllFailureClasses) {
    std::string name = failure_class_name(c);
    CAPTURE(name);
    CHECK(names.insert(name).second);
    REQUIRE(parse_failure_class(name).has_value());
    CHECK(*parse_failure_class(name) == c);
  }
  CHECK(names.size() == 12);
  CHECK(std::string(failure_class_name(FailureClass::kRateLimit)) == "rate_limit");
  CHECK(std::string(failure_class_name(FailureClass::kModelUnavailable)) == "model_unavailable");
  CHECK(std::string(failure_class_name(FailureClass::kContentPolicy)) == "content_policy");
}

TEST_CASE("failure: unknown class names do not parse") {
  CHECK_FALSE(parse_failure_class("").has_value());
  CHECK_FALSE(parse_failure_class("Rate_Limit").has_value());
  CHECK_FALSE(parse_failure_class("ratelimit").has_value());
}

TEST_CASE("failure: an upstream error status is passed on, except 529 which becomes 503") {
  Failure f;
  for (int status : {400, 401, 402, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504}) {
    CAPTURE(status);
    f.upstream_status = status;
    CHECK(http_status_for(f) == status);
  }
  f.upstream_status = 529;
  CHECK(http_status_for(f) == 503);
}

TEST_CASE("failure: without an upstream error status the class decides the HTTP status") {
  struct Case {
    FailureClass cls;
    int status;
  };
  for (const Case& c :
       {Case{FailureClass::kRateLimit, 429}, Case{FailureClass::kOverloaded, 503},
        Case{FailureClass::kServer, 502}, Case{FailureClass::kNetwork, 502},
        Case{FailureClass::kTimeout, 504}, Case{FailureClass::kAuth, 401},
        Case{FailureClass::kQuota, 402}, Case{FailureClass::kModelUnavailable, 404},
        Case{FailureClass::kContextLength, 400}, Case{FailureClass::kContentPolicy, 400},
        Case{FailureClass::kBadRequest, 400}, Case{FailureClass::kCancelled, 499}}) {
    CAPTURE(failure_class_name(c.cls));
    Failure f;
    f.cls = c.cls;
    CHECK(http_status_for(f) == c.status);
    f.upstream_status = 200;  // an error that arrived inside a 200 stream
    CHECK(http_status_for(f) == c.status);
  }
}

TEST_CASE("failure: local failures carry the standard type and code for their class") {
  Failure timeout = make_local_failure(FailureClass::kTimeout, "no response headers in 30 s");
  CHECK(timeout.cls == FailureClass::kTimeout);
  CHECK(timeout.message == "no response headers in 30 s");
  CHECK(timeout.type == "server_error");
  CHECK(timeout.code == "timeout");
  CHECK(timeout.local_origin());
  CHECK_FALSE(timeout.retry_after.has_value());

  Failure cancelled = make_local_failure(FailureClass::kCancelled, "caller went away");
  CHECK(cancelled.type == "request_cancelled");
  CHECK(cancelled.code == "cancelled");

  Failure limited = make_local_failure(FailureClass::kRateLimit, "all keys cooling down");
  CHECK(limited.type == "rate_limit_error");
  CHECK(limited.code == "rate_limit_exceeded");

  Failure network = make_local_failure(FailureClass::kNetwork, "connection refused");
  CHECK(network.type == "server_error");
  CHECK(network.code == "upstream_error");
  CHECK(network.upstream_status == 0);
}
