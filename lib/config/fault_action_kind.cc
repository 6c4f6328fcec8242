#include "lib/config/fault_action_kind.h"

#include <utility>

namespace understudy {

namespace {

using Kind = FaultAction::Kind;

constexpr std::pair<const char*, Kind> kKinds[] = {
    {"ok", Kind::kOk},
    {"error", Kind::kError},
    {"hang", Kind::kHang},
    {"reset", Kind::kReset},
    {"stream_cut", Kind::kStreamCut},
    {"stream_stall", Kind::kStreamStall},
    {"malformed_event", Kind::kMalformedEvent},
    {"missing_done", Kind::kMissingDone},
    {"stream_error", Kind::kStreamError},
};

}  // namespace

const char* fault_action_kind_name(Kind kind) {
  for (const auto& [name, k] : kKinds) {
    if (k == kind) return name;
  }
  return "ok";
}

std::optional<Kind> parse_fault_action_kind(std::string_view name) {
  for (const auto& [n, k] : kKinds) {
    if (name == n) return k;
  }
  return std::nullopt;
}

const std::vector<std::string>& fault_action_kind_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, kind] : kKinds) out.emplace_back(name);
    return out;
  }();
  return names;
}

}  // namespace understudy
