#include "tests/support/subprocess.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace understudy::testing {

namespace {

const char* kProviderEnv[] = {"OPENAI_API_KEY",  "ANTHROPIC_API_KEY",  "GEMINI_API_KEY",
                              "GOOGLE_API_KEY",  "OPENROUTER_API_KEY", "GROQ_API_KEY",
                              "MISTRAL_API_KEY", "TOGETHER_API_KEY",   "DEEPSEEK_API_KEY",
                              "XAI_API_KEY",     "FIREWORKS_API_KEY",  "UNDERSTUDY_CONFIG",
                              "OLLAMA_HOST"};

std::vector<std::string> build_env(const RunOptions& opts) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (opts.clean_provider_env) {
    for (const char* k : kProviderEnv) env.erase(k);
  }
  for (const auto& k : opts.unset_env) env.erase(k);
  for (const auto& [k, v] : opts.env) env[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// fork + exec with stdin from a pipe and stdout/stderr to the given fds.
pid_t spawn(const std::vector<std::string>& argv, const RunOptions& opts, int stdin_fd, int out_fd,
            int err_fd) {
  std::vector<std::string> envs = build_env(opts);
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto& e : envs) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    dup2(stdin_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    for (int fd = 3; fd < 1024; ++fd) close(fd);
    if (!opts.cwd.empty() && chdir(opts.cwd.c_str()) != 0) _exit(126);
    if (argv[0].find('/') == std::string::npos) {
      // execvpe searches PATH.
      execvpe(cargv[0], cargv.data(), cenv.data());
    } else {
      execve(cargv[0], cargv.data(), cenv.data());
    }
    _exit(127);
  }
  return pid;
}

void feed_stdin(int write_fd, const RunOptions& opts) {
  if (!opts.stdin_data.empty()) {
    size_t off = 0;
    while (off < opts.stdin_data.size()) {
      ssize_t n = write(write_fd, opts.stdin_data.data() + off, opts.stdin_data.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
  }
  if (opts.close_stdin) close(write_fd);
}

}  // namespace

std::string understudy_binary() { return UNDERSTUDY_BINARY; }
std::string source_dir() { return UNDERSTUDY_SOURCE_DIR; }

std::string temp_dir() {
  char tmpl[] = "/tmp/understudy-test-XXXXXX";
  char* d = mkdtemp(tmpl);
  return d ? std::string(d) : std::string("/tmp");
}

std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
  std::string path = dir + "/" + name;
  std::ofstream f(path, std::ios::binary);
  f << text;
  return path;
}

RunResult run(const std::vector<std::string>& argv, const RunOptions& opts) {
  Background bg(argv, opts);
  RunResult r;
  int code = bg.wait(opts.timeout);
  if (bg.running()) {
    r.timed_out = true;
    bg.signal(SIGKILL);
    bg.wait(std::chrono::milliseconds(5000));
  }
  r.exit_code = r.timed_out ? -1 : code;
  r.out = bg.out();
  r.err = bg.err();
  return r;
}

RunResult run_understudy(const std::vector<std::string>& args, const RunOptions& opts) {
  std::vector<std::string> argv{understudy_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, opts);
}

Background::Background(const std::vector<std::string>& argv, const RunOptions& opts) {
  std::string dir = temp_dir();
  out_path_ = dir + "/stdout";
  err_path_ = dir + "/stderr";
  int out_fd = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int err_fd = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int in_pipe[2];
  if (pipe(in_pipe) != 0) return;
  pid_ = spawn(argv, opts, in_pipe[0], out_fd, err_fd);
  close(in_pipe[0]);
  close(out_fd);
  close(err_fd);
  feed_stdin(in_pipe[1], opts);
  if (!opts.close_stdin) close(in_pipe[1]);  // the child keeps its end open; we drop ours
}

Background::~Background() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGKILL);
    reap_blocking();
  }
}

Background::Background(Background&& o) noexcept { *this = std::move(o); }

Background& Background::operator=(Background&& o) noexcept {
  if (this != &o) {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      reap_blocking();
    }
    pid_ = o.pid_;
    exit_code_ = o.exit_code_;
    exited_ = o.exited_;
    out_path_ = std::move(o.out_path_);
    err_path_ = std::move(o.err_path_);
    o.pid_ = -1;
    o.exited_ = true;
  }
  return *this;
}

void Background::reap_blocking() {
  int status = 0;
  if (waitpid(pid_, &status, 0) == pid_) {
    exited_ = true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
}

bool Background::running() {
  if (pid_ <= 0 || exited_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exited_ = true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return false;
  }
  return true;
}

void Background::signal(int sig) {
  if (running()) kill(pid_, sig);
}

int Background::wait(std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= end) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return exit_code_;
}

std::string Background::out() const { return slurp(out_path_); }
std::string Background::err() const { return slurp(err_path_); }

bool Background::wait_for_output(const std::string& needle, std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (out().find(needle) != std::string::npos || err().find(needle) != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

bool wait_for_port(int port, std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace understudy::testing
