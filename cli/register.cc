// Wires every subcommand into the app. Add one line per subcommand.
#include "cli/commands.h"

namespace understudy::cli {

void register_all(CLI::App& app, CommandTable& table) {
  setup_check(app, table);
  setup_serve(app, table);
  setup_mock(app, table);
  setup_ask(app, table);
  setup_simulate(app, table);
}

}  // namespace understudy::cli
