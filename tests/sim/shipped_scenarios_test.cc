// The shipped scenario library (scenarios/): every scenario is valid and every expectation
// holds, in virtual time. The e2e test runs the same through the binary.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "cli/simulate_world.h"
#include "tests/support/subprocess.h"

using namespace understudy;

TEST_CASE("shipped scenarios: every scenario in scenarios/ passes in virtual time") {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(testing::source_dir() + "/scenarios")) {
    if (e.path().extension() == ".toml") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  CHECK(files.size() >= 17);
  for (const std::string& file : files) {
    CAPTURE(file);
    ScenarioLoad load = load_scenario_file(file);
    REQUIRE(load.ok());
    CHECK_FALSE(load.scenario.description.empty());
    CHECK_FALSE(load.scenario.expect.empty());
    Result<ScenarioReport> report = cli::run_scenario(load.scenario, cli::SimOptions{});
    REQUIRE(report.ok());
    CHECK(report->skipped.empty());
    CHECK_MESSAGE(report->passed(), render_scenario_text(*report));
  }
}
