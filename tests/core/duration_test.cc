// parse_duration and format_millis (lib/core/duration.h).
#include "lib/core/duration.h"

#include <doctest/doctest.h>

#include <string>

using namespace understudy;

namespace {

std::int64_t ms_of(const char* text) {
  auto r = parse_duration(text);
  REQUIRE_MESSAGE(r.ok(), text, ": ", r.status().to_string());
  return r->count();
}

std::string error_of(const char* text) {
  auto r = parse_duration(text);
  REQUIRE_MESSAGE(!r.ok(), text, " parsed as ", r.ok() ? r->count() : 0);
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  return r.status().message();
}

}  // namespace

TEST_CASE("duration: Go-style single units parse to exact milliseconds") {
  CHECK(ms_of("500ms") == 500);
  CHECK(ms_of("5s") == 5000);
  CHECK(ms_of("38s") == 38000);
  CHECK(ms_of("2m") == 120000);
  CHECK(ms_of("1h") == 3600000);
  CHECK(ms_of("0s") == 0);
  CHECK(ms_of("12ms") == 12);
}

TEST_CASE("duration: compound and fractional durations add up") {
  CHECK(ms_of("1m30s") == 90000);
  CHECK(ms_of("1h2m3s4ms") == 3723004);
  CHECK(ms_of("0.5s") == 500);
  CHECK(ms_of("1.25s") == 1250);
  CHECK(ms_of("6m0s") == 360000);
  CHECK(ms_of("7.66s") == 7660);
}

TEST_CASE("duration: sub-millisecond units round to the nearest millisecond") {
  CHECK(ms_of("1500us") == 2);
  CHECK(ms_of("1499us") == 1);
  CHECK(ms_of("250us") == 0);
  CHECK(ms_of("2500000ns") == 3);
  CHECK(ms_of("1.5ms") == 2);
}

TEST_CASE("duration: both spellings of the micro sign are accepted, as in Go") {
  CHECK(ms_of("1500\u00b5s") == 2);  // MICRO SIGN
  CHECK(ms_of("1500\u03bcs") == 2);  // GREEK SMALL LETTER MU
  CHECK(error_of("5\u00e9").find("unknown unit") != std::string::npos);
}

TEST_CASE("duration: errors name the input and the reason") {
  CHECK(error_of("").find("empty") != std::string::npos);

  std::string bare = error_of("5");
  CHECK(bare.find("\"5\"") != std::string::npos);
  CHECK(bare.find("missing unit") != std::string::npos);

  std::string unit = error_of("5x");
  CHECK(unit.find("\"5x\"") != std::string::npos);
  CHECK(unit.find("unknown unit") != std::string::npos);

  std::string no_number = error_of("ms");
  CHECK(no_number.find("\"ms\"") != std::string::npos);
  CHECK(no_number.find("expected a number") != std::string::npos);

  CHECK(error_of("5x").find("expected e.g.") != std::string::npos);
}

TEST_CASE("duration: signs, spaces and trailing garbage are rejected") {
  error_of("-5s");
  error_of(" 5s");
  error_of("5 s");
  error_of("5s ");
  error_of("5S");
  error_of("1m30");
  error_of("s5");
}

TEST_CASE("duration: malformed numbers are rejected, not read as a prefix") {
  CHECK(error_of("1.2.3s").find("\"1.2.3s\"") != std::string::npos);
  error_of(".s");
  error_of(".");
  error_of("1..5s");
}

TEST_CASE("duration: absurdly large values are rejected") {
  CHECK(error_of("99999999999999h").find("too large") != std::string::npos);
}

TEST_CASE("duration: format_millis prints milliseconds below 10 s, tenths of seconds above") {
  CHECK(format_millis(0) == "0 ms");
  CHECK(format_millis(850) == "850 ms");
  CHECK(format_millis(9999) == "9999 ms");
  CHECK(format_millis(10000) == "10.0 s");
  CHECK(format_millis(12345) == "12.3 s");
  CHECK(format_millis(120000) == "120.0 s");
}
