// Standalone faults files for `understudy mock --faults` (lib/config/fault_file.h).
#include "lib/config/fault_file.h"

#include <doctest/doctest.h>

using namespace understudy;

TEST_CASE("fault file: rules parse with their origins") {
  FaultFile f = parse_fault_file(R"([[faults]]
name = "slow-anthropic"
providers = ["anthropic"]
action = "ok"
latency_ms = 200

[[faults]]
providers = ["openai"]
status = 429
retry_after_ms = 1000
)",
                                 "faults.toml");
  REQUIRE(f.ok());
  REQUIRE(f.rules.size() == 2);
  CHECK(f.rules[0].name == "slow-anthropic");
  CHECK(f.rules[0].origin == "faults.toml:1");
  CHECK(f.rules[1].actions.at(0).status == 429);
  CHECK(f.rules[1].origin == "faults.toml:7");
}

TEST_CASE("fault file: every problem is reported with file and line") {
  FaultFile f = parse_fault_file(R"(providers = ["x"]

[[faults]]
status = 700
)",
                                 "bad.toml");
  REQUIRE(f.errors.size() == 2);
  CHECK(f.errors[0].line == 1);
  CHECK(f.errors[0].message.find("unknown key \"providers\"") != std::string::npos);
  CHECK(f.errors[1].line == 4);
  CHECK(f.errors[1].path == "faults[0].status");
}

TEST_CASE("fault file: syntax errors carry line and column; an empty file is an error") {
  FaultFile syntax = parse_fault_file("[[faults]\n", "s.toml");
  REQUIRE(syntax.errors.size() == 1);
  CHECK(syntax.errors[0].line == 1);
  CHECK(syntax.errors[0].column > 0);
  FaultFile empty = parse_fault_file("# nothing\n", "e.toml");
  REQUIRE(empty.errors.size() == 1);
  CHECK(empty.errors[0].message.find("no fault rules") != std::string::npos);
  FaultFile missing = load_fault_file("/nonexistent/faults.toml");
  REQUIRE(missing.errors.size() == 1);
  CHECK(missing.errors[0].file == "/nonexistent/faults.toml");
}
