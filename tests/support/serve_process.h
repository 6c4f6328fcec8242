// Test support: the built `understudy serve` running in the background on a free loopback
// port, with a config written to a temp dir. The destructor stops it (SIGTERM, then SIGKILL
// after a bounded wait). Only tests use it.
#pragma once

#include <string>
#include <vector>

#include "tests/support/subprocess.h"

namespace understudy::testing {

class ServeProcess {
 public:
  // Starts `understudy serve --config <dir>/understudy.toml --port <free> <extra_args...>` and
  // waits (up to 10 s) until it accepts connections. ok() tells whether it did.
  explicit ServeProcess(const std::string& config_toml, std::vector<std::string> extra_args = {});
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  bool ok() const { return ok_; }
  int port() const { return port_; }
  Background& process() { return proc_; }
  std::string err() const { return proc_.err(); }
  std::string out() const { return proc_.out(); }

 private:
  int port_ = 0;
  bool ok_ = false;
  Background proc_;
};

}  // namespace understudy::testing
