#include "lib/model/model_ref.h"

namespace understudy {

namespace {
bool has_bad_char(std::string_view s) {
  for (unsigned char c : s) {
    if (c <= 0x20 || c == 0x7f) return true;
  }
  return false;
}
}  // namespace

bool looks_like_model_ref(std::string_view text) {
  return text.find('/') != std::string_view::npos;
}

Result<ModelRef> parse_model_ref(std::string_view text) {
  // Built by append: g++ 12 warns falsely (-Wrestrict, PR105329) on "\"" + std::string(...).
  std::string quoted(1, '"');
  quoted.append(text);
  quoted.push_back('"');
  if (text.empty()) return invalid_argument("model reference is empty (expected provider/model)");
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return invalid_argument("model reference " + quoted +
                            " has no provider (expected provider/model)");
  }
  std::string_view provider = text.substr(0, slash);
  std::string_view model = text.substr(slash + 1);
  if (provider.empty()) {
    return invalid_argument("model reference " + quoted + " has an empty provider name");
  }
  if (model.empty()) {
    return invalid_argument("model reference " + quoted + " has an empty model name");
  }
  if (has_bad_char(provider) || has_bad_char(model)) {
    return invalid_argument("model reference " + quoted +
                            " contains whitespace or control characters");
  }
  return ModelRef{std::string(provider), std::string(model)};
}

}  // namespace understudy
