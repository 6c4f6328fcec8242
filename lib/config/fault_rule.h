// FaultRule: one rule of the fault-injection language shared by `[[faults]]` in the gateway
// config, by `simulate` scenarios, and by `understudy mock` (design §8, §9).
//
// A rule says WHEN (which provider, model, per-target attempt number, request index, time
// window, probability, how many times) and WHAT (one of several weighted actions: a normal
// reply, an error status with the provider's realistic error body and retry hint, a hang, a
// reset, latency, a slow first token, or a broken stream). Plain data: matching and
// rendering live in mocks/fault_engine.h. Parsed from TOML by lib/config.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/clock.h"

namespace understudy {

struct LatencySpec {
  enum class Kind { kNone, kFixed, kUniform, kNormal, kLognormal };
  Kind kind = Kind::kNone;
  // kFixed: ms = a. kUniform: [a, b]. kNormal: mean a, stddev b (clamped at 0).
  // kLognormal: median a, sigma b (of the underlying normal).
  double a = 0;
  double b = 0;
};

struct FaultAction {
  enum class Kind {
    kOk,              // a normal reply (optionally with `content`)
    kError,           // HTTP `status` with the provider's error body
    kHang,            // accept the request and never answer
    kReset,           // close the connection before any response byte
    kStreamCut,       // streams: close the connection after `after_tokens` content tokens
    kStreamStall,     // streams: stop sending (connection open) after `after_tokens`
    kMalformedEvent,  // streams: one garbage event after `after_tokens`, then carry on
    kMissingDone,     // streams: finish the message but omit the terminator
    kStreamError,     // streams: an in-stream error event after `after_tokens`
  };
  Kind kind = Kind::kOk;
  double weight = 1;
  // kError / kStreamError:
  int status = 0;
  std::string error_type;  // provider-native type; empty = the realistic default for status
  std::string error_code;
  std::string message;
  std::optional<Millis> retry_after;  // sent the provider's way (header or RetryInfo)
  // kOk: reply text; empty = the deterministic default derived from the last user message.
  std::string content;
  LatencySpec latency;                       // before the response head
  std::optional<Millis> first_token_delay;   // streams: head at once, first content later
  std::optional<Millis> token_interval;      // streams: gap between content tokens
  int after_tokens = 0;                      // for the stream faults
};

struct FaultRule {
  std::string name;
  bool enabled = true;
  int priority = 0;          // higher is tried first; ties keep file order
  double probability = 1.0;  // drawn from the seeded Random each time the rule matches
  // Conditions; empty means "any".
  std::vector<std::string> providers;
  std::vector<std::string> models;
  std::vector<int> attempts;  // 1 = first try on a target, 2 = its first retry, ...
  std::optional<std::int64_t> request_from;  // request index range [from, to), 0-based
  std::optional<std::int64_t> request_to;
  std::optional<Millis> after;   // time window since start: active when after <= t < until
  std::optional<Millis> until;
  std::string message_regex;     // matched against the last user message text
  std::optional<std::int64_t> times;  // fire at most this many times in total
  bool stream_only = false;
  bool non_stream_only = false;
  std::vector<FaultAction> actions;  // one is chosen by weight; never empty after parsing
  bool allow_fallbacks = true;       // false: a failure from this rule stops the chain
  // Where it came from, for messages: "understudy.toml:40".
  std::string origin;
};

}  // namespace understudy
