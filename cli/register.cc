// Wires every subcommand into the app. Add one line per subcommand.
#include "cli/commands.h"

namespace understudy::cli {

void setup_check(CLI::App& app, CommandTable& table);  // cli/check.cc

void register_all(CLI::App& app, CommandTable& table) {
  (void)app;
  (void)table;
  setup_check(app, table);
}

}  // namespace understudy::cli
