// Shell-style glob matching with "*" (any run of characters, including none) and "?" (one
// character). Used for model filters such as "gpt-4o*" and "claude-*-4-5". Case-sensitive.
// Pure function.
#pragma once

#include <string_view>

namespace understudy {

bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace understudy
