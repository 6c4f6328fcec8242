#include <doctest/doctest.h>

#include "tests/support/subprocess.h"

using namespace understudy::testing;

TEST_CASE("e2e: --version prints the version and exits 0") {
  RunResult r = run_understudy({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == std::string("understudy ") + UNDERSTUDY_VERSION + "\n");
}

TEST_CASE("e2e: an unknown flag is a usage error (exit 2)") {
  RunResult r = run_understudy({"--no-such-flag"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no-such-flag") != std::string::npos);
}
