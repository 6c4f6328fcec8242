// understudy: CLI entry point. Thin by design: each subcommand lives in its own file with
// an options struct, a setup_x(CLI::App&) and a run_x(options); main only wires them.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"understudy: an LLM gateway with automatic provider fallback", "understudy"};
  app.set_version_flag("--version", std::string("understudy ") + UNDERSTUDY_VERSION);
  app.require_subcommand(0, 1);
  understudy::cli::CommandTable commands;
  understudy::cli::register_all(app, commands);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // usage errors exit 2
  }
  for (const auto& c : commands.entries) {
    if (c.app->parsed()) return c.run();
  }
  std::fputs(app.help().c_str(), stdout);
  return 0;
}
