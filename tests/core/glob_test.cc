// glob_match: "*" and "?" over model names (lib/core/glob.h).
#include "lib/core/glob.h"

#include <doctest/doctest.h>

using namespace understudy;

TEST_CASE("glob: a pattern without wildcards matches only the same text") {
  CHECK(glob_match("gpt-4o", "gpt-4o"));
  CHECK_FALSE(glob_match("gpt-4o", "gpt-4o-mini"));
  CHECK_FALSE(glob_match("gpt-4o", "gpt-4"));
  CHECK_FALSE(glob_match("gpt-4o", "GPT-4o"));  // case-sensitive
}

TEST_CASE("glob: \"*\" matches everything, including the empty string") {
  CHECK(glob_match("*", ""));
  CHECK(glob_match("*", "gpt-4o"));
  CHECK(glob_match("**", "anthropic/claude-3.5-sonnet"));
}

TEST_CASE("glob: the empty pattern matches only the empty string") {
  CHECK(glob_match("", ""));
  CHECK_FALSE(glob_match("", "a"));
}

TEST_CASE("glob: \"?\" matches exactly one character") {
  CHECK(glob_match("?", "a"));
  CHECK_FALSE(glob_match("?", ""));
  CHECK_FALSE(glob_match("?", "ab"));
  CHECK(glob_match("gpt-?o", "gpt-4o"));
  CHECK_FALSE(glob_match("gpt-?o", "gpt-40o"));
  CHECK_FALSE(glob_match("*?", ""));
  CHECK(glob_match("*?", "x"));
}

TEST_CASE("glob: a trailing star matches a model family") {
  CHECK(glob_match("gpt-4o*", "gpt-4o"));
  CHECK(glob_match("gpt-4o*", "gpt-4o-mini"));
  CHECK(glob_match("gpt-4o*", "gpt-4o-2024-08-06"));
  CHECK_FALSE(glob_match("gpt-4o*", "gpt-4"));
  CHECK_FALSE(glob_match("gpt-4o*", "chatgpt-4o-latest"));
}

TEST_CASE("glob: an inner star matches the middle of a name") {
  CHECK(glob_match("claude-*-4-5", "claude-sonnet-4-5"));
  CHECK(glob_match("claude-*-4-5", "claude-haiku-4-5"));
  CHECK(glob_match("claude-*-4-5", "claude-x-4-5-4-5"));
  CHECK_FALSE(glob_match("claude-*-4-5", "claude-sonnet-4-5-20250929"));
  CHECK_FALSE(glob_match("claude-*-4-5", "claude-4-5"));
  CHECK_FALSE(glob_match("claude-*-4-5", "claude-sonnet-4-6"));
}

TEST_CASE("glob: stars backtrack over repeated prefixes") {
  CHECK(glob_match("a*ab", "aaab"));
  CHECK(glob_match("*a*b", "xaxxb"));
  CHECK(glob_match("a*b*c", "abc"));
  CHECK(glob_match("a*b*c", "aXbYc"));
  CHECK_FALSE(glob_match("a*b*c", "aXbY"));
  CHECK(glob_match("*-mini", "gpt-4o-mini"));
  CHECK_FALSE(glob_match("*-mini", "gpt-4o-mini-tts"));
}
