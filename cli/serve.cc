// `understudy serve`: the OpenAI-compatible proxy (docs/serve.md). Thin: flags, config
// loading, composition (Runtime + GatewayServer), signals and exit codes. The HTTP surface
// lives in lib/server.
//
// Exit status: 0 after a clean shutdown (SIGINT/SIGTERM), 1 when the config is invalid or the
// address cannot be bound, 2 for usage errors (bad flags, a named config file that does not
// exist, a public address without auth tokens and without --allow-public).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "cli/demo_config.h"
#include "cli/runtime.h"
#include "lib/config/loader.h"
#include "lib/server/access_log.h"
#include "lib/server/auth.h"
#include "lib/server/batched_log_writer.h"
#include "lib/server/gateway_server.h"
#include "lib/server/metrics.h"
#include "lib/server/socket_util.h"

namespace understudy::cli {

namespace {

struct ServeOptions {
  std::optional<std::string> config_path;
  std::optional<std::string> listen;
  std::optional<std::string> host;
  std::optional<int> port;
  bool allow_public = false;
  bool demo = false;
  std::string log_format = "logfmt";
  bool no_access_log = false;
};

// Loads the demo or the configured file. Returns the exit code to stop with, or -1 to go on.
int load_config(const ServeOptions& o, Config& out) {
  EnvLookup env = process_env();
  LoadResult loaded;
  if (o.demo) {
    loaded = parse_toml_config(kDemoConfigToml, "<demo>", env);
  } else {
    ConfigLocation where = locate_config(o.config_path, env);
    std::error_code ec;
    if (where.explicit_path && !std::filesystem::exists(where.path, ec)) {
      std::fprintf(stderr, "understudy serve: config file \"%s\" (from %s) does not exist\n",
                   where.path.c_str(), where.how.c_str());
      return kExitUsage;
    }
    loaded = where.path.empty() ? zero_config(env) : load_config_file(where.path, env);
  }
  std::fputs(format_diagnostics(loaded.warnings).c_str(), stderr);
  if (!loaded.ok()) {
    std::fputs(format_diagnostics(loaded.errors).c_str(), stderr);
    std::fprintf(stderr,
                 "understudy serve: the config is invalid (%zu error%s); "
                 "`understudy check` shows what it resolved to\n",
                 loaded.errors.size(), loaded.errors.size() == 1 ? "" : "s");
    return kExitFailed;
  }
  out = std::move(loaded.config);
  return -1;
}

// --listen, --host and --port override [server]. Returns an exit code, or -1 to go on.
int apply_address_flags(const ServeOptions& o, ServerConfig& server) {
  if (o.listen && (o.host || o.port)) {
    std::fputs("understudy serve: give either --listen or --host/--port, not both\n", stderr);
    return kExitUsage;
  }
  if (o.listen) {
    auto hp = parse_host_port(*o.listen);
    if (!hp.ok()) {
      std::fprintf(stderr, "understudy serve: --listen: %s\n", hp.status().message().c_str());
      return kExitUsage;
    }
    server.host = hp->host;
    server.port = hp->port;
  }
  if (o.host) server.host = *o.host;
  if (o.port) server.port = *o.port;
  return -1;
}

std::string names_of(const Config& c, bool routes) {
  std::string out;
  auto add = [&](const std::string& n) { out += (out.empty() ? "" : ", ") + n; };
  if (routes) {
    for (const auto& [name, r] : c.routes) add(name);
  } else {
    for (const auto& [name, p] : c.providers) add(name);
  }
  return out.empty() ? "(none)" : out;
}

void print_banner(const ServeOptions& o, const Config& config, const std::string& url) {
  std::printf("understudy serve: listening on %s (config: %s)\n", url.c_str(),
              config.source.empty() ? "zero-config" : config.source.c_str());
  std::printf("  providers: %s\n  routes: %s\n", names_of(config, false).c_str(),
              names_of(config, true).c_str());
  std::printf("  POST /v1/chat/completions  GET /v1/models  GET /health  GET /metrics\n");
  if (o.demo) {
    std::printf(
        "\nDemo: three in-process mock providers, no keys, no network. The route \"demo\" tries\n"
        "flaky (fails 40%% of its tries), then slow, then healthy. Try it a few times:\n\n"
        "  curl -s %s/v1/chat/completions \\\n"
        "    -H 'Content-Type: application/json' \\\n"
        "    -d '{\"model\": \"demo\", \"messages\": [{\"role\": \"user\", \"content\": "
        "\"Hello!\"}]}'\n\n"
        "extra_fields in each answer (and the x-understudy-* headers) say who served it and what\n"
        "failed first. OpenAI SDKs work too: base URL %s/v1, any API key.\n",
        url.c_str(), url.c_str());
  }
  std::printf("Press Ctrl-C to stop.\n");
  std::fflush(stdout);
}

// Waits for SIGINT/SIGTERM (blocked in every thread, so they queue for sigtimedwait): the
// first starts a graceful shutdown, the second cuts the grace period short.
void watch_signals(GatewayServer& server, const sigset_t& set, const Config& config,
                   const std::atomic<bool>& done) {
  int received = 0;
  timespec tick{0, 200 * 1000 * 1000};
  while (!done.load()) {
    siginfo_t info;
    if (sigtimedwait(&set, &info, &tick) < 0) continue;
    if (++received == 1) {
      std::fprintf(stderr,
                   "understudy serve: shutting down; in-flight requests get up to %lld ms "
                   "(signal again to stop now)\n",
                   static_cast<long long>(config.server.shutdown_grace.count()));
      server.request_shutdown();
    } else {
      std::fputs("understudy serve: stopping now\n", stderr);
      server.shutdown_now();
    }
  }
}

int run_serve(const ServeOptions& o) {
  // Before any thread exists, so every thread inherits the mask and only sigtimedwait sees
  // the signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  if (o.demo && o.config_path) {
    std::fputs("understudy serve: --demo uses its own embedded config; drop --config\n", stderr);
    return kExitUsage;
  }
  if (o.log_format != "logfmt" && o.log_format != "json") {
    std::fprintf(stderr, "understudy serve: --log-format must be logfmt or json, not \"%s\"\n",
                 o.log_format.c_str());
    return kExitUsage;
  }
  Config config;
  if (int rc = load_config(o, config); rc >= 0) return rc;
  if (int rc = apply_address_flags(o, config.server); rc >= 0) return rc;
  Status policy = check_bind_policy(config.server.host, config.server, o.allow_public);
  if (!policy.ok()) {
    std::fprintf(stderr, "understudy serve: %s\n", policy.message().c_str());
    return kExitUsage;
  }
  apply_server_direct_keys(config);

  Metrics metrics;
  // Lines leave in batches (at most 100 ms late): one write per batch instead of per request.
  BatchedLogWriter log_out(fd_sink(STDERR_FILENO));
  AccessLog access_log([&log_out](const std::string& line) { log_out.write(line); },
                       o.log_format == "json" ? LogFormat::kJson : LogFormat::kLogfmt,
                       RealClock::shared());
  FanoutSink sinks;
  sinks.add(&metrics);
  if (!o.no_access_log) sinks.add(&access_log);
  Runtime runtime(config, &sinks);
  GatewayServer server(runtime.router(), config, &metrics, o.no_access_log ? nullptr : &access_log);
  auto port = server.bind(config.server.host, config.server.port);
  if (!port.ok()) {
    std::fprintf(stderr, "understudy serve: %s\n", port.status().message().c_str());
    return kExitFailed;
  }
  print_banner(o, config, "http://" + format_host_port(config.server.host, *port));
  std::atomic<bool> done{false};
  std::thread signal_thread([&] { watch_signals(server, signals, config, done); });
  server.run();
  done.store(true);
  signal_thread.join();
  log_out.flush();  // every request's line before the last word
  std::fputs("understudy serve: stopped\n", stderr);
  return kExitOk;
}

}  // namespace

void setup_serve(CLI::App& app, CommandTable& table) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* sub = app.add_subcommand(
      "serve", "Run the OpenAI-compatible gateway: POST /v1/chat/completions with fallback");
  sub->add_option("-c,--config", o->config_path,
                  "Config file: understudy TOML, or a Bifrost config.json (default: "
                  "$UNDERSTUDY_CONFIG, then ./understudy.toml, else zero-config presets)");
  sub->add_option("--listen", o->listen, "Address to listen on, HOST:PORT (overrides [server])");
  sub->add_option("--host", o->host, "Host to listen on (overrides [server] host)");
  sub->add_option("--port", o->port, "Port to listen on, 0 for any free port")
      ->check(CLI::Range(0, 65535));
  sub->add_flag("--allow-public", o->allow_public,
                "Allow a non-loopback address without [server] auth_tokens");
  sub->add_flag("--demo", o->demo,
                "Serve the embedded demo config: three in-process mock providers, no keys");
  sub->add_option("--log-format", o->log_format, "Access log format on stderr: logfmt or json");
  sub->add_flag("--no-access-log", o->no_access_log, "Do not write the access log");
  sub->footer(
      "Exit status: 0 after SIGINT/SIGTERM, 1 invalid config or cannot listen, 2 usage error.");
  table.add(sub, [o] { return run_serve(*o); });
}

}  // namespace understudy::cli
