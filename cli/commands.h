// The subcommand table: each cli/<name>.cc provides setup_<name>, which adds its
// subcommand to the app and returns the function that runs it after parsing.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace understudy::cli {

struct CommandTable {
  struct Entry {
    CLI::App* app;
    std::function<int()> run;
  };
  std::vector<Entry> entries;
  void add(CLI::App* app, std::function<int()> run) { entries.push_back({app, std::move(run)}); }
};

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // the job ran and failed (invalid config, all targets down)
inline constexpr int kExitUsage = 2;   // bad flags, unreadable files, invalid input files

void register_all(CLI::App& app, CommandTable& table);

// One per subcommand, each defined in cli/<name>.cc.
void setup_check(CLI::App& app, CommandTable& table);
void setup_serve(CLI::App& app, CommandTable& table);
void setup_ask(CLI::App& app, CommandTable& table);
void setup_simulate(CLI::App& app, CommandTable& table);
void setup_mock(CLI::App& app, CommandTable& table);

}  // namespace understudy::cli
