// `understudy simulate PATH...`: replay failure scenarios through the real router.
// Thin: scenarios are parsed by lib/sim/scenario.h, run by cli/simulate_world.h and reported
// by lib/sim/report.h. Exit 0 when every expectation holds, 1 when one fails, 2 for an
// invalid scenario (file:line on stderr) or a usage error.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "cli/simulate_world.h"

namespace understudy::cli {

namespace {

// Scenarios with at least this many requests get a progress bar (on a terminal).
constexpr std::int64_t kLongRun = 2000;

struct SimulateOptions {
  std::vector<std::string> paths;
  std::optional<std::uint64_t> seed;
  std::string format = "text";
  std::string junit_path;
  bool real_time = false;
  bool http = false;
  bool quiet = false;
};

// Files as given; directories expand to their *.toml files, sorted by name.
bool expand_paths(const std::vector<std::string>& paths, std::vector<std::string>& files) {
  namespace fs = std::filesystem;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const fs::directory_entry& e : fs::directory_iterator(p, ec)) {
        if (e.is_regular_file(ec) && e.path().extension() == ".toml") {
          found.push_back(e.path().string());
        }
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) {
        std::fprintf(stderr, "understudy simulate: no *.toml scenarios in directory \"%s\"\n",
                     p.c_str());
        return false;
      }
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "understudy simulate: \"%s\" does not exist\n", p.c_str());
      return false;
    }
  }
  return true;
}

// Every scenario, or false (after printing every problem) when one is invalid.
bool load_all(const std::vector<std::string>& files, std::vector<Scenario>& out) {
  bool ok = true;
  for (const std::string& file : files) {
    ScenarioLoad load = load_scenario_file(file);
    for (const Diagnostic& d : load.errors) {
      std::fprintf(stderr, "%s\n", scenario_diagnostic_text(d, file).c_str());
    }
    ok = ok && load.ok();
    out.push_back(std::move(load.scenario));
  }
  return ok;
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return static_cast<bool>(out);
}

Result<ScenarioReport> run_one(const Scenario& scenario, const SimulateOptions& o) {
  SimOptions sim;
  sim.mode = o.http ? SimMode::kHttp : o.real_time ? SimMode::kRealTime : SimMode::kVirtual;
  sim.seed = o.seed;
  std::int64_t total = scenario.total_requests();
  bool long_run = total >= kLongRun || sim.mode != SimMode::kVirtual;
  auto bar = std::make_shared<ProgressBar>(scenario.name, total, long_run && !o.quiet);
  if (bar->active()) sim.progress = [bar](std::int64_t done) { bar->update(done); };
  return run_scenario(scenario, sim);
}

int run_simulate(const SimulateOptions& o) {
  std::vector<std::string> files;
  if (!expand_paths(o.paths, files)) return kExitUsage;
  std::vector<Scenario> scenarios;
  if (!load_all(files, scenarios)) return kExitUsage;
  std::vector<ScenarioReport> reports;
  for (const Scenario& s : scenarios) {
    Result<ScenarioReport> report = run_one(s, o);
    if (!report.ok()) {
      std::fprintf(stderr, "understudy simulate: %s: %s\n", s.file.c_str(),
                   report.status().message().c_str());
      return kExitUsage;
    }
    reports.push_back(std::move(report).value());
  }
  if (o.format == "json") {
    std::fputs((render_json(reports).dump(2) + "\n").c_str(), stdout);
  } else if (o.quiet) {
    for (const ScenarioReport& r : reports) {
      if (!r.passed()) std::fputs((render_scenario_text(r) + "\n").c_str(), stdout);
    }
    std::fputs(render_text_summary(reports).c_str(), stdout);
  } else {
    std::fputs(render_text(reports).c_str(), stdout);
  }
  if (!o.junit_path.empty() && !write_file(o.junit_path, render_junit(reports))) {
    std::fprintf(stderr, "understudy simulate: cannot write the JUnit report to \"%s\"\n",
                 o.junit_path.c_str());
    return kExitUsage;
  }
  bool passed = std::all_of(reports.begin(), reports.end(), [](const ScenarioReport& r) {
    return !r.skipped.empty() || r.passed();
  });
  return passed ? kExitOk : kExitFailed;
}

}  // namespace

void setup_simulate(CLI::App& app, CommandTable& table) {
  auto o = std::make_shared<SimulateOptions>();
  CLI::App* sub = app.add_subcommand(
      "simulate",
      "Replay failure scenarios through the real router in virtual time, and check their "
      "expectations");
  sub->add_option("paths", o->paths, "Scenario files, or directories of *.toml scenarios")
      ->required();
  sub->add_option("--seed", o->seed, "Seed for every scenario (overrides their `seed`)");
  sub->add_option("--format", o->format, "Report format on stdout: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  sub->add_option("--junit", o->junit_path, "Also write a JUnit XML report to this file");
  sub->add_flag("--real-time", o->real_time,
                "Run on the real clock (callers on real threads) instead of virtual time");
  sub->add_flag("--http", o->http,
                "Real time, over loopback HTTP to a fake provider server started for each "
                "scenario (exercises the real transport and wire formats)");
  sub->add_flag("-q,--quiet", o->quiet, "Print only failing scenarios and the summary");
  sub->footer(
      "Exit status: 0 every expectation holds (skipped scenarios do not count), 1 one fails, "
      "2 invalid scenario or usage error. Scenario format: docs/scenarios.md.");
  table.add(sub, [o] { return run_simulate(*o); });
}

}  // namespace understudy::cli
