// The pure half of `understudy ask`: what the user typed -> the chat request to route.
//
// AskOptions holds the parsed flags. The functions here decide where the prompt comes from,
// read --timeout, pick the model and fallbacks (flags, then [ask] in the config, then the
// zero-config presets that have a key) and build the OpenAI request body. They do no I/O
// (stdin is read by the caller and passed in), so tests/cli/ covers them without a process.
// Errors are invalid_argument Statuses whose message is ready to print; they mean exit 2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/config/config.h"
#include "lib/config/env.h"
#include "lib/core/clock.h"
#include "lib/core/status.h"
#include "lib/model/json.h"

namespace understudy::cli {

struct AskOptions {
  std::vector<std::string> prompt;  // the words after the flags; "-" stands for stdin
  std::optional<std::string> model;
  std::vector<std::string> fallbacks;
  std::optional<std::string> system;
  std::optional<double> temperature;
  std::optional<std::int64_t> max_tokens;
  std::optional<std::string> config_path;
  std::optional<std::string> timeout;  // raw text, read by parse_timeout
  bool no_stream = false;
  bool json = false;
  std::optional<std::string> via;  // URL of a running `understudy serve`
  bool verbose = false;
};

// "30s", "1m30s", "500ms" (a duration) or "30", "2.5" (seconds). Must be above zero.
Result<Millis> parse_timeout(std::string_view text);

// True when the prompt must be read from stdin: a word is "-", or there are no words and
// stdin is not a terminal (a pipe or a redirected file).
bool prompt_needs_stdin(const std::vector<std::string>& words, bool stdin_is_terminal);

// The words joined with spaces, each "-" replaced by the stdin text (trailing white space
// trimmed); with no words, the stdin text alone. Empty prompts are an error.
Result<std::string> assemble_prompt(const std::vector<std::string>& words,
                                    const std::optional<std::string>& stdin_text);

// What to ask for: the model (a provider/model or a route alias) and the fallbacks to send.
// `fallbacks` empty with send_fallbacks false lets the router use the config's own chains.
struct ModelChoice {
  std::string model;
  std::vector<std::string> fallbacks;
  bool send_fallbacks = false;
  std::string why;  // how the model was chosen, for -v: "-m", "[ask] model", "preset openai"
};

// -m, else [ask] model (with [ask] fallbacks when -f is not given), else the first provider
// from a preset that has its key (openai, anthropic, gemini, then the rest of the preset
// table), falling back to the other such providers. A config without any of these is an
// error that lists the environment variables understudy reads.
Result<ModelChoice> choose_model(const AskOptions& options, const Config& config);

// The model `ask` uses for a preset provider when none is named: a quick, cheap one.
std::string preset_default_model(const std::string& preset_name);

// The message shown when no provider can be used: every key variable the presets read,
// and the other ways to configure understudy.
std::string no_provider_message();

struct AskRequestSpec {
  ModelChoice choice;
  std::string prompt;
  std::optional<std::string> system;
  std::optional<double> temperature;
  std::optional<std::int64_t> max_tokens;
  bool stream = true;
};

// The OpenAI chat request body: model, messages (system first when given), the sampling
// options given, stream (with usage requested) and, when chosen, fallbacks.
Json build_request_body(const AskRequestSpec& spec);

}  // namespace understudy::cli
