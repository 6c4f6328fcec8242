// Status and Result<T>: codes, names, messages and value access (lib/core/status.h).
#include "lib/core/status.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>

using namespace understudy;

TEST_CASE("status: a default Status is ok and prints as \"ok\"") {
  Status s;
  CHECK(s.ok());
  CHECK(s.code() == StatusCode::kOk);
  CHECK(s.message().empty());
  CHECK(s.field().empty());
  CHECK(s.to_string() == "ok");
  CHECK(Status::Ok().ok());
}

TEST_CASE("status: an error keeps code, message and field, and prints code then message") {
  Status s = invalid_argument("messages must not be empty", "messages");
  CHECK_FALSE(s.ok());
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message() == "messages must not be empty");
  CHECK(s.field() == "messages");
  CHECK(s.to_string() == "invalid_argument: messages must not be empty");
}

TEST_CASE("status: the helper constructors set their codes") {
  CHECK(not_found("no provider x").code() == StatusCode::kNotFound);
  CHECK(internal_error("broken").code() == StatusCode::kInternal);
  CHECK(io_error("read failed").code() == StatusCode::kIo);
  CHECK(io_error("read failed").to_string() == "io: read failed");
  CHECK(invalid_argument("bad").field().empty());
}

TEST_CASE("status: every code has a stable snake_case name") {
  CHECK(std::string(status_code_name(StatusCode::kOk)) == "ok");
  CHECK(std::string(status_code_name(StatusCode::kInvalidArgument)) == "invalid_argument");
  CHECK(std::string(status_code_name(StatusCode::kNotFound)) == "not_found");
  CHECK(std::string(status_code_name(StatusCode::kFailedPrecondition)) == "failed_precondition");
  CHECK(std::string(status_code_name(StatusCode::kUnavailable)) == "unavailable");
  CHECK(std::string(status_code_name(StatusCode::kDeadlineExceeded)) == "deadline_exceeded");
  CHECK(std::string(status_code_name(StatusCode::kCancelled)) == "cancelled");
  CHECK(std::string(status_code_name(StatusCode::kInternal)) == "internal");
  CHECK(std::string(status_code_name(StatusCode::kIo)) == "io");
  CHECK(Status(StatusCode::kDeadlineExceeded, "too slow").to_string() ==
        "deadline_exceeded: too slow");
}

TEST_CASE("status: a Result with a value is ok and its status() is ok") {
  Result<int> r = 42;
  REQUIRE(r.ok());
  CHECK(r.value() == 42);
  CHECK(*r == 42);
  CHECK(r.status().ok());
  r.value() = 7;
  CHECK(*r == 7);
}

TEST_CASE("status: a Result with an error has no value and returns that error") {
  Result<int> r = not_found("route \"smart\" is not defined");
  CHECK_FALSE(r.ok());
  Status s = r.status();
  CHECK(s.code() == StatusCode::kNotFound);
  CHECK(s.message() == "route \"smart\" is not defined");
}

TEST_CASE("status: Result gives member access and moves its value out") {
  Result<std::string> r = std::string("gpt-4o");
  CHECK(r->size() == 6);
  const Result<std::string>& cr = r;
  CHECK(*cr == "gpt-4o");

  Result<std::unique_ptr<int>> owned = std::make_unique<int>(5);
  std::unique_ptr<int> p = std::move(owned).value();
  REQUIRE(p != nullptr);
  CHECK(*p == 5);
}
