// Retry hints: retry-after-ms, retry-after seconds and HTTP-dates (lib/transport/retry_after.h).
#include "lib/transport/retry_after.h"

#include <doctest/doctest.h>

using namespace understudy;

namespace {

// Sun, 06 Nov 1994 08:49:37 GMT, the RFC 9110 example date.
const WallTime kNow = WallTime(std::chrono::seconds(784111777));

std::optional<std::int64_t> value_ms(const char* v, WallTime now = kNow) {
  auto r = parse_retry_after_value(v, now);
  if (!r) return std::nullopt;
  return r->count();
}

std::optional<std::int64_t> headers_ms(const Headers& h) {
  auto r = parse_retry_after(h, kNow);
  if (!r) return std::nullopt;
  return r->count();
}

}  // namespace

TEST_CASE("retry-after: delay-seconds, whole and decimal") {
  CHECK(value_ms("1") == 1000);
  CHECK(value_ms("30") == 30000);
  CHECK(value_ms("1.5") == 1500);
  CHECK(value_ms("0") == 0);
  CHECK(value_ms("0.0004") == 0);
  CHECK(value_ms(" 7 ") == 7000);  // surrounding whitespace is trimmed
}

TEST_CASE("retry-after: negative, malformed and absurd values are ignored") {
  for (const char* bad : {"-1", "", "   ", "soon", "5s", "1,5", "1.5.2", ".", "0x10", "1e3", "+5",
                          "inf", "nan", "86401", "99999999999999999999"}) {
    CAPTURE(bad);
    CHECK_FALSE(value_ms(bad).has_value());
  }
}

TEST_CASE("retry-after: up to exactly one day is accepted") {
  CHECK(value_ms("86400") == 86400000);
  CHECK(value_ms("86400.0") == 86400000);
}

TEST_CASE("retry-after: an IMF-fixdate is measured against now") {
  CHECK(value_ms("Sun, 06 Nov 1994 08:50:07 GMT") == 30000);
  CHECK(value_ms("Sun, 06 Nov 1994 09:49:37 GMT") == 3600000);
  CHECK(value_ms("Sun, 06 Nov 1994 08:49:37 GMT") == 0);
  // A now with a fractional second: the remaining time is exact to the millisecond.
  CHECK(value_ms("Sun, 06 Nov 1994 08:50:07 GMT", kNow + Millis(250)) == 29750);
}

TEST_CASE("retry-after: the obsolete RFC 850 and asctime date forms are understood") {
  CHECK(value_ms("Sunday, 06-Nov-94 08:50:07 GMT") == 30000);
  CHECK(value_ms("Sun Nov  6 08:50:07 1994") == 30000);
  CHECK(value_ms("Sun Nov 16 08:49:37 1994").has_value() == false);  // ten days: too far
}

TEST_CASE("retry-after: a date in the past means retry now") {
  CHECK(value_ms("Sun, 06 Nov 1994 08:49:00 GMT") == 0);
  CHECK(value_ms("Thu, 01 Jan 1970 00:00:00 GMT") == 0);
}

TEST_CASE("retry-after: a date more than a day ahead is ignored") {
  CHECK_FALSE(value_ms("Mon, 07 Nov 1994 08:49:38 GMT").has_value());
  CHECK(value_ms("Mon, 07 Nov 1994 08:49:37 GMT") == 86400000);
}

TEST_CASE("retry-after: malformed dates are rejected") {
  for (const char* bad : {"Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 GMT x",
                          "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 32 Nov 1994 08:49:37 GMT",
                          "06 Nov 1994", "Sun, 06 Nov 1994 25:49:37 GMT"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_http_date(bad).has_value());
    CHECK_FALSE(value_ms(bad).has_value());
  }
}

TEST_CASE("retry-after: parse_http_date returns the absolute instant") {
  auto t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
  REQUIRE(t.has_value());
  CHECK(*t == kNow);
}

TEST_CASE("retry-after-ms: milliseconds, rounded; invalid values ignored") {
  CHECK(parse_retry_after_ms("1500")->count() == 1500);
  CHECK(parse_retry_after_ms("250.6")->count() == 251);
  CHECK(parse_retry_after_ms("0")->count() == 0);
  CHECK_FALSE(parse_retry_after_ms("-5").has_value());
  CHECK_FALSE(parse_retry_after_ms("abc").has_value());
  CHECK_FALSE(parse_retry_after_ms("").has_value());
  CHECK_FALSE(parse_retry_after_ms("86400001").has_value());
  CHECK(parse_retry_after_ms("86400000")->count() == 86400000);
}

TEST_CASE("retry-after: retry-after-ms wins over retry-after") {
  CHECK(headers_ms({{"retry-after", "20"}, {"retry-after-ms", "1500"}}) == 1500);
  CHECK(headers_ms({{"retry-after-ms", "1500"}, {"retry-after", "20"}}) == 1500);
}

TEST_CASE("retry-after: an unusable retry-after-ms falls back to retry-after") {
  CHECK(headers_ms({{"retry-after-ms", "-1"}, {"retry-after", "20"}}) == 20000);
  CHECK(headers_ms({{"retry-after-ms", "later"}, {"retry-after", "2"}}) == 2000);
  CHECK_FALSE(headers_ms({{"retry-after-ms", "later"}}).has_value());
}

TEST_CASE("retry-after: header names are case-insensitive") {
  CHECK(headers_ms({{"Retry-After", "3"}}) == 3000);
  CHECK(headers_ms({{"RETRY-AFTER-MS", "42"}}) == 42);
  CHECK(headers_ms({{"Retry-After", "Sun, 06 Nov 1994 08:50:07 GMT"}}) == 30000);
}

TEST_CASE("retry-after: no hint without the headers, or with an invalid one") {
  CHECK_FALSE(headers_ms({}).has_value());
  CHECK_FALSE(headers_ms({{"x-ratelimit-reset-requests", "6s"}}).has_value());
  CHECK_FALSE(headers_ms({{"retry-after", "-3"}}).has_value());
  CHECK_FALSE(headers_ms({{"retry-after", "tomorrow"}}).has_value());
}
