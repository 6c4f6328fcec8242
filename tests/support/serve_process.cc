#include "tests/support/serve_process.h"

#include <signal.h>

namespace understudy::testing {

ServeProcess::ServeProcess(const std::string& config_toml, std::vector<std::string> extra_args) {
  std::string dir = temp_dir();
  std::string path = write_file(dir, "understudy.toml", config_toml);
  port_ = free_port();
  std::vector<std::string> argv = {understudy_binary(),  "serve", "--config", path, "--port",
                                   std::to_string(port_)};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  proc_ = Background(argv);
  ok_ = wait_for_port(port_, std::chrono::milliseconds(10000));
}

ServeProcess::~ServeProcess() {
  if (!proc_.running()) return;
  proc_.signal(SIGTERM);
  if (proc_.wait(std::chrono::milliseconds(5000)) == -1) proc_.signal(SIGKILL);
}

}  // namespace understudy::testing
