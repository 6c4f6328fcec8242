// `understudy ask [PROMPT...]`: one prompt from the shell, answered with fallbacks.
//
// Thin on purpose: the prompt, model choice and request body come from ask_request.h, the
// routing from ask_route.h (in-process) or ask_via.h (--via), the lines on stderr from
// ask_report.h. This file reads stdin and the config, wires Ctrl-C to the request's
// CancelToken (ask_interrupt.h) and maps the outcome to output and an exit status:
// 0 answered, 1 every target failed, 2 usage or config error, 130 interrupted.
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "cli/ask_interrupt.h"
#include "cli/ask_output.h"
#include "cli/ask_report.h"
#include "cli/ask_request.h"
#include "cli/ask_route.h"
#include "cli/ask_via.h"
#include "cli/commands.h"
#include "lib/config/loader.h"
#include "lib/config/presets.h"
#include "lib/providers/json_access.h"
#include "lib/router/plan.h"

namespace understudy::cli {

namespace {

// After Ctrl-C the router normally returns within milliseconds; this bounds the rest.
constexpr Millis kInterruptGrace{400};

std::string read_all_stdin() {
  std::string text;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) text.append(buf, n);
  return text;
}

Result<std::string> read_prompt(const AskOptions& o, const Terminals& term) {
  std::optional<std::string> piped;
  if (prompt_needs_stdin(o.prompt, term.stdin_tty)) piped = read_all_stdin();
  return assemble_prompt(o.prompt, piped);
}

int usage_error(AskOutput& out, const std::string& message) {
  out.note(out.style().red("understudy ask: " + message));
  return kExitUsage;
}

// The config for in-process routing; for --via only to find a default model.
Result<Config> load_config(const AskOptions& o, AskOutput& out) {
  if (o.via && o.model) return Config{};
  LoadResult loaded = load_default_config(o.config_path, process_env());
  if (!loaded.ok()) {
    return invalid_argument("the config " + loaded.config.source + " has errors:\n" +
                            format_diagnostics(loaded.errors) +
                            "(understudy check shows the whole config)");
  }
  if (o.verbose && !loaded.warnings.empty()) out.note(format_diagnostics(loaded.warnings));
  return std::move(loaded.config);
}

// "unknown provider" for a preset whose key is not set deserves the variable's name.
std::string plan_error_hint(const std::string& model, const Config& config) {
  std::string provider = model.substr(0, model.find('/'));
  const ProviderPreset* preset = find_preset(provider);
  if (!preset || preset->env_var.empty() || config.provider(provider)) return "";
  return " (set " + preset->env_var + " to use " + provider + ")";
}

Result<ChatRequest> build_request(const AskOptions& o, ModelChoice choice, std::string prompt) {
  AskRequestSpec spec{std::move(choice), std::move(prompt), o.system,
                      o.temperature,     o.max_tokens,      !o.no_stream && !o.json};
  // Replacing invalid UTF-8 (a binary pipe) here keeps every later dump() from throwing.
  std::string bytes = build_request_body(spec).dump(-1, ' ', false, Json::error_handler_t::replace);
  return parse_chat_request(bytes);
}

std::vector<std::string> chain_of(const FallbackPlan& plan) {
  std::vector<std::string> chain;
  for (const ModelRef& t : plan.targets) chain.push_back(t.str());
  return chain;
}

struct Prepared {
  Config config;
  AskCall call;
  std::optional<std::string> bearer;  // --via
};

Result<Prepared> prepare(const AskOptions& o, const Terminals& term, AskOutput& out) {
  Prepared p;
  if (o.via) {
    if (auto endpoint = via_endpoint(*o.via); !endpoint.ok()) return endpoint.status();
    p.bearer = process_env()("UNDERSTUDY_API_KEY");
  }
  if (o.timeout) {
    auto timeout = parse_timeout(*o.timeout);
    if (!timeout.ok()) return timeout.status();
    p.call.timeout = *timeout;
  }
  auto prompt = read_prompt(o, term);
  if (!prompt.ok()) return prompt.status();
  auto config = load_config(o, out);
  if (!config.ok()) return config.status();
  p.config = std::move(*config);
  auto choice = choose_model(o, p.config);
  if (!choice.ok() && o.via) {
    return invalid_argument(
        "with --via, name the model: -m provider/model (or a route of the "
        "gateway), or set [ask] model in the config");
  }
  if (!choice.ok()) return choice.status();
  if (!o.via) {
    auto plan =
        make_plan(p.config, choice->model, choice->send_fallbacks ? &choice->fallbacks : nullptr);
    if (!plan.ok()) {
      return invalid_argument(plan.status().message() + plan_error_hint(choice->model, p.config));
    }
    if (o.verbose) out.note(out.style().dim(format_plan(plan->requested, chain_of(*plan))));
  }
  auto request = build_request(o, std::move(*choice), std::move(*prompt));
  if (!request.ok()) return request.status();
  p.call.request = std::move(*request);
  p.call.verbose = o.verbose;
  return p;
}

std::string error_message(const Json& body) {
  const Json& message = member(member(body, "error"), "message");
  return message.is_string() ? message.get<std::string>() : "the request failed";
}

// The answer of a request that was not streamed (--no-stream, --json, or a gateway that
// answered a stream request with plain JSON).
void print_answer(const AskOptions& o, const AskOutcome& outcome, AskOutput& out) {
  if (o.json) {
    out.write_raw(outcome.body.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
    return;
  }
  if (!out.wrote_text() && outcome.body.is_object()) {
    out.write_text(ChatResponse{outcome.body}.text());
  }
  out.end_text();
}

void print_via_trail(const AskOptions& o, const AskOutcome& outcome, AskOutput& out) {
  if (!o.via || !o.verbose) return;
  int ordinal = 0;
  for (const AttemptRecord& a : outcome.record.attempts) {
    if (a.skipped.empty()) ++ordinal;  // as TrailPrinter numbers them
    out.note(format_attempt(a, ordinal, out.style()));
  }
}

int stdout_failed(AskOutput& out) {
  if (out.write_errno() == EPIPE) return exit_code_for_signal(SIGPIPE);  // like `yes | head`
  out.note("understudy ask: cannot write the answer to stdout: " +
           std::string(std::strerror(out.write_errno())));
  return kExitFailed;
}

int report(const AskOptions& o, const AskOutcome& outcome, const Terminals& term, int signal_seen,
           AskOutput& out) {
  using Kind = AskOutcome::Kind;
  if (outcome.kind == Kind::kCancelled) {
    out.end_text();
    if (o.verbose) out.note("understudy ask: interrupted; the request was cancelled");
    return exit_code_for_signal(signal_seen ? signal_seen : SIGINT);
  }
  if (outcome.kind == Kind::kUnreachable) {
    out.note(out.style().red("understudy ask: " + outcome.message));
    return kExitFailed;
  }
  if (outcome.kind == Kind::kRejected) return usage_error(out, error_message(outcome.body));
  if (outcome.kind == Kind::kOk) {
    print_answer(o, outcome, out);
  } else {
    out.end_text();
  }
  if (out.write_errno() != 0) return stdout_failed(out);
  print_via_trail(o, outcome, out);
  const Style& style = out.style();
  switch (outcome.kind) {
    case Kind::kOk:
      if (term.stderr_tty || o.verbose) {
        out.note(format_summary(outcome.record, style, {outcome.finish_reason}));
      }
      return kExitOk;
    case Kind::kBrokenStream:
      out.note(style.red("understudy ask: the answer broke off: " + error_message(outcome.body)));
      return kExitFailed;
    default:
      if (o.json) {
        out.write_raw(outcome.body.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
      }
      out.note(format_failure(outcome.record, outcome.body, style));
      return kExitFailed;
  }
}

int run_ask(const AskOptions& o) {
  // First, before any thread exists: Ctrl-C must reach the watcher, not kill the process.
  auto cancel = CancelToken::create();
  InterruptWatcher watcher(cancel, kInterruptGrace);
  Terminals term = detect_terminals(process_env());
  AskOutput out(stdout, stderr, term.shared_output, Style{term.stderr_color});
  auto prepared = prepare(o, term, out);
  if (!prepared.ok()) return usage_error(out, prepared.status().message());
  AskCall& call = prepared->call;
  call.cancel = cancel;
  watcher.request_started();
  AskOutcome outcome = o.via ? ask_via(*o.via, call, prepared->bearer, out)
                             : ask_in_process(prepared->config, call, out);
  watcher.request_finished();
  return report(o, outcome, term, watcher.signal(), out);
}

}  // namespace

void setup_ask(CLI::App& app, CommandTable& table) {
  auto o = std::make_shared<AskOptions>();
  CLI::App* sub = app.add_subcommand(
      "ask", "Ask one question from the shell; another provider answers if the first one fails");
  sub->add_option("prompt", o->prompt,
                  "The prompt; words are joined with spaces. Without words, or with -, it is "
                  "read from stdin");
  sub->add_option("-m,--model", o->model,
                  "provider/model or a route (default: [ask] model, else the first provider "
                  "with a key: openai, anthropic, gemini, ...)");
  sub->add_option("-f,--fallback", o->fallbacks,
                  "A fallback provider/model, tried in order if the model fails; repeatable")
      ->allow_extra_args(false);
  sub->add_option("-s,--system", o->system, "A system prompt");
  sub->add_option("--temperature", o->temperature, "Sampling temperature, 0..2")
      ->check(CLI::Range(0.0, 2.0));
  sub->add_option("--max-tokens", o->max_tokens, "Longest answer, in tokens")
      ->check(CLI::PositiveNumber);
  sub->add_option("-c,--config", o->config_path,
                  "Config file (default: $UNDERSTUDY_CONFIG, then ./understudy.toml, else "
                  "zero-config from environment variables)");
  sub->add_option("--timeout", o->timeout,
                  "Give up after this long, retries and fallbacks included: 30s, 1m, or seconds");
  sub->add_flag("--no-stream", o->no_stream, "Print the answer when it is complete");
  sub->add_flag("--json", o->json,
                "Print the whole chat.completion, with extra_fields (who served, the attempts)");
  sub->add_option("--via", o->via,
                  "Ask a running `understudy serve` at this URL instead of routing here "
                  "(bearer token from $UNDERSTUDY_API_KEY)");
  sub->add_flag("-v,--verbose", o->verbose, "Print each attempt to stderr as it happens");
  sub->footer(
      "The answer goes to stdout; the summary (who served, fallbacks, latency, tokens) to "
      "stderr when it is a terminal, or always with -v.\n"
      "Exit status: 0 answered, 1 every target failed, 2 usage or config error, 130 "
      "interrupted (Ctrl-C).");
  table.add(sub, [o] { return run_ask(*o); });
}

}  // namespace understudy::cli
