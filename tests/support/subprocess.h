// Test support: run the built binary (or any program) as a user would, and pick free
// loopback ports. Every wait is bounded; every started process is stopped by PID.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace understudy::testing {

// Absolute path of the built `understudy` binary and of the source tree.
std::string understudy_binary();
std::string source_dir();

struct RunResult {
  int exit_code = -1;  // -1 if killed by a signal or timed out
  int signal = 0;      // terminating signal, 0 if none
  bool timed_out = false;
  std::string out;  // stdout
  std::string err;  // stderr
};

struct RunOptions {
  std::string stdin_data;
  bool close_stdin = true;                 // stdin gets stdin_data then EOF
  std::map<std::string, std::string> env;  // added to / overriding the environment
  std::vector<std::string> unset_env;      // removed from the environment
  bool clean_provider_env = true;          // unset OPENAI_API_KEY & co. first
  std::chrono::milliseconds timeout{20000};
  std::string cwd;
};

// Runs argv[0] (searched in PATH if it has no "/") to completion, or kills it (SIGKILL)
// after the timeout.
RunResult run(const std::vector<std::string>& argv, const RunOptions& opts = {});

// `understudy <args...>`.
RunResult run_understudy(const std::vector<std::string>& args, const RunOptions& opts = {});

// A process running in the background, stdout/stderr captured to temp files.
class Background {
 public:
  Background() = default;
  explicit Background(const std::vector<std::string>& argv, const RunOptions& opts = {});
  ~Background();  // SIGKILL + reap if still running
  Background(Background&&) noexcept;
  Background& operator=(Background&&) noexcept;
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // Sends `sig`; no-op if it has exited.
  void signal(int sig);
  // Waits up to `timeout` for exit; returns the exit code, or -1 on timeout / signal.
  int wait(std::chrono::milliseconds timeout);
  // What it wrote so far.
  std::string out() const;
  std::string err() const;
  // Waits until `needle` appears in stdout or stderr, up to `timeout`.
  bool wait_for_output(const std::string& needle, std::chrono::milliseconds timeout);

 private:
  void reap_blocking();
  pid_t pid_ = -1;
  int exit_code_ = -1;
  bool exited_ = false;
  std::string out_path_, err_path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

// Waits until something accepts TCP connections on 127.0.0.1:port.
bool wait_for_port(int port, std::chrono::milliseconds timeout);

// A fresh temporary directory (removed at exit of the test binary is NOT guaranteed).
std::string temp_dir();
// Writes `text` to dir/name and returns the path.
std::string write_file(const std::string& dir, const std::string& name, const std::string& text);

}  // namespace understudy::testing
