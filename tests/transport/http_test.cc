// HTTP message helpers: header lookup and URL splitting (lib/transport/http.h).
#include "lib/transport/http.h"

#include <doctest/doctest.h>

using namespace understudy;

namespace {

SplitUrl split(const char* url) {
  auto u = split_url(url);
  REQUIRE_MESSAGE(u.has_value(), url, " was rejected");
  return *u;
}

}  // namespace

TEST_CASE("http: iequals compares ASCII case-insensitively") {
  CHECK(iequals("Content-Type", "content-type"));
  CHECK(iequals("", ""));
  CHECK_FALSE(iequals("retry-after", "retry-after-ms"));
  CHECK_FALSE(iequals("a", "b"));
}

TEST_CASE("http: header_value finds a header whatever its case, first value first") {
  Headers h{{"Content-Type", "application/json"}, {"X-Dup", "one"}, {"x-dup", "two"}};
  CHECK(header_value(h, "content-type") == "application/json");
  CHECK(header_value(h, "CONTENT-TYPE") == "application/json");
  CHECK(header_value(h, "x-dup") == "one");
  CHECK_FALSE(header_value(h, "authorization").has_value());
  CHECK_FALSE(header_value({}, "x").has_value());
}

TEST_CASE("http: header_value distinguishes an empty value from a missing header") {
  Headers h{{"X-Empty", ""}};
  REQUIRE(header_value(h, "x-empty").has_value());
  CHECK(header_value(h, "x-empty")->empty());
}

TEST_CASE("http: set_header replaces in place whatever the case, or appends") {
  Headers h{{"Content-Type", "application/json"}, {"Authorization", "Bearer old"}};
  set_header(h, "authorization", "Bearer new");
  REQUIRE(h.size() == 2);
  CHECK(h[1].second == "Bearer new");
  CHECK(header_value(h, "Authorization") == "Bearer new");

  set_header(h, "X-Title", "understudy");
  REQUIRE(h.size() == 3);
  CHECK(h[2].first == "X-Title");
  CHECK(h[2].second == "understudy");
}

TEST_CASE("http: set_header leaves no stale duplicate behind") {
  Headers h{{"Accept", "a"}, {"X-Key", "old-1"}, {"x-key", "old-2"}, {"Other", "o"}};
  set_header(h, "X-KEY", "new");
  int count = 0;
  for (const auto& [k, v] : h) {
    if (iequals(k, "x-key")) {
      ++count;
      CHECK(v == "new");
    }
  }
  CHECK(count == 1);
  CHECK(h.size() == 3);
  CHECK(h.back().first == "Other");
}

TEST_CASE("http: split_url splits an https base URL with a path") {
  SplitUrl u = split("https://api.openai.com/v1");
  CHECK(u.scheme == "https");
  CHECK(u.host == "api.openai.com");
  CHECK(u.port == 443);
  CHECK(u.base == "https://api.openai.com");
  CHECK(u.path == "/v1");
}

TEST_CASE("http: split_url uses default ports and keeps explicit ones as written") {
  SplitUrl plain = split("http://example.com");
  CHECK(plain.port == 80);
  CHECK(plain.base == "http://example.com");
  CHECK(plain.path.empty());

  SplitUrl ollama = split("http://localhost:11434/v1");
  CHECK(ollama.host == "localhost");
  CHECK(ollama.port == 11434);
  CHECK(ollama.base == "http://localhost:11434");
  CHECK(ollama.path == "/v1");

  SplitUrl explicit_default = split("https://api.anthropic.com:443/v1");
  CHECK(explicit_default.port == 443);
  CHECK(explicit_default.base == "https://api.anthropic.com:443");

  CHECK(split("http://127.0.0.1:65535").port == 65535);
  CHECK(split("http://127.0.0.1:1").port == 1);
}

TEST_CASE("http: split_url drops trailing slashes from the path") {
  CHECK(split("https://api.deepseek.com").path == "");
  CHECK(split("https://api.deepseek.com/").path == "");
  CHECK(split("https://openrouter.ai/api/v1/").path == "/api/v1");
  CHECK(split("https://example.com/v1//").path == "/v1");
  CHECK(split("https://example.com/a/b/c").path == "/a/b/c");
}

TEST_CASE("http: split_url keeps a query string in the path") {
  SplitUrl u = split("https://res.openai.azure.com/openai/deployments/gpt4?api-version=2024-10-21");
  CHECK(u.host == "res.openai.azure.com");
  CHECK(u.path == "/openai/deployments/gpt4?api-version=2024-10-21");
}

TEST_CASE("http: split_url lowercases the scheme") {
  SplitUrl u = split("HTTPS://API.OPENAI.COM/v1");
  CHECK(u.scheme == "https");
  CHECK(u.port == 443);
  CHECK(u.base == "https://API.OPENAI.COM");
}

TEST_CASE("http: split_url understands IPv6 literals") {
  SplitUrl u = split("http://[::1]:8080/v1");
  CHECK(u.host == "[::1]");
  CHECK(u.port == 8080);
  CHECK(u.base == "http://[::1]:8080");
  CHECK(u.path == "/v1");

  SplitUrl no_port = split("https://[2001:db8::1]/");
  CHECK(no_port.host == "[2001:db8::1]");
  CHECK(no_port.port == 443);
  CHECK(no_port.path == "");
}

TEST_CASE("http: split_url rejects what is not an http(s) URL with a host and a valid port") {
  for (const char* bad : {"",
                          "api.openai.com/v1",
                          "ftp://example.com",
                          "file:///etc/passwd",
                          "http://",
                          "https:///v1",
                          "http://:8080",
                          "http://host:",
                          "http://host:abc",
                          "http://host:0",
                          "http://host:65536",
                          "http://host:-1",
                          "http://host:8080x",
                          "http://host:99999999999999999999",
                          "http://[::1",
                          "http://[::1]x",
                          "http://[::1]:",
                          "http://[::1]:80x",
                          "http://[::1]:0",
                          "http://[::1]:99999999999999999999",
                          "http://[]:80"}) {
    CAPTURE(bad);
    CHECK_FALSE(split_url(bad).has_value());
  }
}
