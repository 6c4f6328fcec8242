// What `understudy ask` tells the person on stderr: the one-line summary, the attempt trail
// of -v and the error of a request that failed. Pure formatting over RequestRecord, so the
// in-process path (records from the router) and --via (records rebuilt from extra_fields)
// print the same lines, and tests/cli/ checks them without a process.
//
// ANSI color is used only when Style::color says so; the caller decides that from isatty
// and NO_COLOR (ask_output.h). No line ever contains a key value: records hold key names.
#pragma once

#include <string>

#include "lib/model/json.h"
#include "lib/router/events.h"

namespace understudy::cli {

struct Style {
  bool color = false;
  std::string dim(const std::string& s) const { return wrap("2", s); }
  std::string bold(const std::string& s) const { return wrap("1", s); }
  std::string red(const std::string& s) const { return wrap("31", s); }
  std::string green(const std::string& s) const { return wrap("32", s); }
  std::string yellow(const std::string& s) const { return wrap("33", s); }

 private:
  std::string wrap(const char* code, const std::string& s) const {
    return color ? "\x1b[" + std::string(code) + "m" + s + "\x1b[0m" : s;
  }
};

// Facts the record does not hold.
struct SummaryExtras {
  std::string finish_reason;  // "length" is reported as a cut at max_tokens
};

// "anthropic/claude-haiku-4-5 · fallback 1 (openai: 429 rate_limit) · 812 ms · 57 tokens".
std::string format_summary(const RequestRecord& record, const Style& style,
                           const SummaryExtras& extras = {});

// One line of the -v trail, e.g.
//   "[1] openai/gpt-4o-mini: 429 rate_limit · 103 ms · fall back · Rate limit reached"
//   "[2] anthropic/claude-haiku-4-5: 200 ok · 709 ms"
//   "[-] gemini/gemini-2.5-flash: skipped · no usable key"
// `ordinal` is the attempt's number in the trail, 1-based; skipped targets show "[-]".
std::string format_attempt(const AttemptRecord& attempt, int ordinal, const Style& style);

// The -v line printed before routing: "asking demo: flaky/mock-large, then slow/mock-medium".
std::string format_plan(const std::string& requested, const std::vector<std::string>& chain);

// The error of a request where every target failed (exit 1): the primary's error first
// (provider/model, status, class, message), then one line for the fallbacks that failed too.
// `error` is the {"error": {...}} object the router or the gateway returned.
std::string format_failure(const RequestRecord& record, const Json& error, const Style& style);

// Rebuilds a RequestRecord from a gateway reply's extra_fields (and usage), for --via.
// Attempts get target indexes by counting changes of provider/model along the trail.
RequestRecord record_from_extra_fields(const Json& extra_fields, const Json& usage);

}  // namespace understudy::cli
