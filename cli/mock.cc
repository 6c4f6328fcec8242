// `understudy mock --listen ADDR [--faults FILE] [--name NAME] [--seed N]`: run a fake
// OpenAI / Anthropic / Gemini server (mocks/fake_server.h) until SIGINT or SIGTERM.
// Thin: the server lives in mocks/. Exit 0 after a signal; 2 for usage errors (a bad
// address, an unreadable or invalid faults file, each problem as file:line); 1 when the
// address cannot be bound.
#include <signal.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "lib/config/fault_file.h"
#include "mocks/fake_server.h"

namespace understudy::cli {

namespace {

struct MockOptions {
  std::string listen = "127.0.0.1:0";
  std::optional<std::string> faults_path;
  std::string name;
  std::uint64_t seed = 0;
};

struct ListenAddress {
  std::string host;
  int port = 0;
};

// "127.0.0.1:9000", ":9000" (loopback), "localhost:0", or a bare port "9000".
std::optional<ListenAddress> parse_listen(const std::string& text) {
  std::size_t colon = text.rfind(':');
  std::string host = colon == std::string::npos ? "" : text.substr(0, colon);
  std::string port = colon == std::string::npos ? text : text.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  int n = std::stoi(port);
  if (n > 65535) return std::nullopt;
  return ListenAddress{host.empty() ? "127.0.0.1" : host, n};
}

// Diagnostics as "file:line:col: path: message" lines.
void print_fault_errors(const std::vector<Diagnostic>& errors) {
  for (const Diagnostic& d : errors) {
    std::string where = d.file;
    if (d.line > 0) where += ":" + std::to_string(d.line);
    if (d.line > 0 && d.column > 0) where += ":" + std::to_string(d.column);
    std::string path = d.path.empty() ? "" : d.path + ": ";
    std::fprintf(stderr, "understudy mock: %s: %s%s\n", where.c_str(), path.c_str(),
                 d.message.c_str());
  }
}

void print_banner(const FakeProviderServer& server, const MockOptions& options, std::size_t rules) {
  std::string base = server.base_url();
  std::printf("understudy mock listening on %s\n", base.c_str());
  std::printf("  openai     base_url = \"%s/v1\"\n", base.c_str());
  std::printf("  anthropic  base_url = \"%s/v1\"\n", base.c_str());
  std::printf("  gemini     base_url = \"%s/v1beta\"\n", base.c_str());
  std::printf("  request log: GET %s/_mock/requests   reset: POST %s/_mock/reset\n", base.c_str(),
              base.c_str());
  if (options.faults_path) {
    std::printf("  %zu fault rule%s from %s\n", rules, rules == 1 ? "" : "s",
                options.faults_path->c_str());
  }
  std::fflush(stdout);
}

int run_mock(const MockOptions& options) {
  std::optional<ListenAddress> address = parse_listen(options.listen);
  if (!address) {
    std::fprintf(stderr,
                 "understudy mock: --listen \"%s\": expected HOST:PORT, :PORT or PORT "
                 "(e.g. 127.0.0.1:9000, or :0 for a free port)\n",
                 options.listen.c_str());
    return kExitUsage;
  }
  FakeServerOptions server_options;
  server_options.host = address->host;
  server_options.port = address->port;
  server_options.name = options.name;
  server_options.seed = options.seed;
  if (options.faults_path) {
    FaultFile faults = load_fault_file(*options.faults_path);
    if (!faults.ok()) {
      print_fault_errors(faults.errors);
      return kExitUsage;
    }
    server_options.rules = std::move(faults.rules);
  }
  std::size_t rules = server_options.rules.size();
  // Block the stop signals before any thread starts, so every thread inherits the mask and
  // sigwait below is the only place they are taken.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  FakeProviderServer server(std::move(server_options));
  if (Status s = server.start(); !s.ok()) {
    std::fprintf(stderr, "understudy mock: %s\n", s.message().c_str());
    return s.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailed;
  }
  if (address->host != "127.0.0.1" && address->host != "localhost") {
    std::fprintf(stderr, "understudy mock: warning: listening on %s, not loopback only\n",
                 address->host.c_str());
  }
  print_banner(server, options, rules);
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server.stop();
  std::fprintf(stderr, "understudy mock: stopped (%s)\n",
               signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  return kExitOk;
}

}  // namespace

void setup_mock(CLI::App& app, CommandTable& table) {
  auto options = std::make_shared<MockOptions>();
  CLI::App* sub = app.add_subcommand(
      "mock",
      "Run a fake OpenAI / Anthropic / Gemini server that answers deterministically and fails "
      "on cue (see docs/mock.md)");
  sub->add_option("-l,--listen", options->listen,
                  "Address to listen on: HOST:PORT, :PORT (loopback) or PORT; port 0 picks a "
                  "free one")
      ->capture_default_str();
  sub->add_option("-f,--faults", options->faults_path,
                  "TOML file of [[faults]] rules (the rule language of understudy.toml)");
  sub->add_option("-n,--name", options->name,
                  "Name this server answers to in rules' providers, besides openai, anthropic "
                  "and gemini");
  sub->add_option("--seed", options->seed,
                  "Seed for fault probabilities and random latencies (default: random)");
  sub->footer(
      "Exit status: 0 after SIGINT/SIGTERM, 1 if the address cannot be bound, 2 usage error "
      "(bad address, invalid faults file).");
  table.add(sub, [options] { return run_mock(*options); });
}

}  // namespace understudy::cli
