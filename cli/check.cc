// `understudy check [--config FILE]`: validate a config and print what it resolved to.
// Thin: the report is built by lib/config/check_report.h. Exit 0 valid (warnings allowed),
// 1 invalid, 2 usage errors (bad flags, a named config file that does not exist).
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "lib/config/check_report.h"
#include "lib/config/loader.h"

namespace understudy::cli {

namespace {

struct CheckOptions {
  std::optional<std::string> config_path;
};

int run_check(const CheckOptions& options) {
  EnvLookup env = process_env();
  ConfigLocation where = locate_config(options.config_path, env);
  std::error_code ec;
  if (where.explicit_path && !std::filesystem::exists(where.path, ec)) {
    std::fprintf(stderr, "understudy check: config file \"%s\" (from %s) does not exist\n",
                 where.path.c_str(), where.how.c_str());
    return kExitUsage;
  }
  LoadResult result = where.path.empty() ? zero_config(env) : load_config_file(where.path, env);
  CheckReport report = build_check_report(result, where);
  std::fputs(report.text.c_str(), stdout);
  return report.valid ? kExitOk : kExitFailed;
}

}  // namespace

void setup_check(CLI::App& app, CommandTable& table) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* sub = app.add_subcommand(
      "check",
      "Validate a config and print the resolved providers, keys (redacted), routes "
      "and fallback chains");
  sub->add_option("-c,--config", options->config_path,
                  "Config file: understudy TOML, or a Bifrost config.json (default: "
                  "$UNDERSTUDY_CONFIG, then ./understudy.toml, else zero-config presets)");
  sub->footer("Exit status: 0 valid (warnings allowed), 1 invalid, 2 usage error.");
  table.add(sub, [options] { return run_check(*options); });
}

}  // namespace understudy::cli
