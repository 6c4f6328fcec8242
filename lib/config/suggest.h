// Suggestions for misspelt names: "timeout_sm" -> "timeout_ms".
//
// Used by the config loaders for unknown keys, provider types, actions and provider names.
// Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace understudy {

// Levenshtein distance (insert, delete, substitute; each costs 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible typo: at most
// max(2, |word| / 3) edits, or `word` is a prefix of it / it is a prefix of `word` (as in
// "retry_backoff_initial_ms" for "retry_backoff_initial"). Ties keep the earlier candidate.
std::optional<std::string> nearest_name(std::string_view word,
                                        const std::vector<std::string>& candidates);

// " (did you mean \"x\"?)" or, with no close candidate, " (expected one of: a, b, c)".
std::string suggestion_suffix(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c".
std::string join_names(const std::vector<std::string>& names);

}  // namespace understudy
