#include "lib/model/model_ref.h"

#include <cstdio>

namespace understudy {

namespace {
bool has_bad_char(std::string_view s) {
  for (unsigned char c : s) {
    if (c <= 0x20 || c == 0x7f) return true;
  }
  return false;
}

// The reference in double quotes, control characters escaped so that a stray newline or
// escape sequence in a request cannot garble the message or the log line it ends up in.
std::string quote(std::string_view text) {
  std::string out(1, '"');
  for (unsigned char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}
}  // namespace

bool looks_like_model_ref(std::string_view text) {
  return text.find('/') != std::string_view::npos;
}

Result<ModelRef> parse_model_ref(std::string_view text) {
  if (text.empty()) return invalid_argument("model reference is empty (expected provider/model)");
  // Quoted only on the error paths: this runs for every entry of every request's chain.
  auto bad = [text](const char* what) {
    return invalid_argument("model reference " + quote(text) + what);
  };
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad(" has no provider (expected provider/model)");
  std::string_view provider = text.substr(0, slash);
  std::string_view model = text.substr(slash + 1);
  if (provider.empty()) return bad(" has an empty provider name");
  if (model.empty()) return bad(" has an empty model name");
  if (has_bad_char(provider) || has_bad_char(model)) {
    return bad(" contains whitespace or control characters");
  }
  return ModelRef{std::string(provider), std::string(model)};
}

}  // namespace understudy
