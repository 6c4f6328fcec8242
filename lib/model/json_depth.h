// A nesting limit for JSON that comes from outside the process.
//
// nlohmann::json parses iteratively, but copies, compares and serializes recursively, one
// stack frame per level. So a small body of nested brackets ("[[[[...]]]]", 200 KB) parses
// fine and then overflows the stack of whoever copies or dumps it: that crashed `serve` and
// `understudy mock`. Every parse of bytes from outside (caller requests, upstream replies,
// requests to the mock server) checks the depth first. Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace understudy {

// Far deeper than any real request or reply (OpenAI caps structured-output schemas at a
// few levels), and shallow enough that a recursive copy or dump stays well inside any
// thread stack, including the 512 KiB fibers of the virtual clock.
inline constexpr std::size_t kMaxJsonDepth = 256;

// The byte offset of the first "[" or "{" (outside strings) that opens a level deeper than
// `max_depth`, or nullopt when `text` nests no deeper. `text` need not be valid JSON: this
// runs before the parser, which reports any syntax error itself.
std::optional<std::size_t> json_too_deep_at(std::string_view text,
                                            std::size_t max_depth = kMaxJsonDepth);

}  // namespace understudy
