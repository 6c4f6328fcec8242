#include "lib/providers/error_text.h"

#include <algorithm>
#include <cctype>

#include "lib/model/json_depth.h"

namespace understudy {

Json parse_json_or_discarded(std::string_view body) {
  // Too deep to copy or serialize safely (lib/model/json_depth.h): not an answer we can use.
  if (json_too_deep_at(body)) return Json(Json::value_t::discarded);
  // Some servers (DeepSeek under load) send leading blank lines; nlohmann skips whitespace.
  return Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
}

bool contains_ci(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

std::string json_str(const Json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  if (it == obj.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return "";
}

void fill_default_error_fields(Failure& f) {
  if (f.type.empty()) {
    switch (f.cls) {
      case FailureClass::kRateLimit:
        f.type = "rate_limit_error";
        break;
      case FailureClass::kQuota:
        f.type = "insufficient_quota";
        break;
      case FailureClass::kAuth:
        f.type = "authentication_error";
        break;
      case FailureClass::kBadRequest:
      case FailureClass::kContextLength:
      case FailureClass::kContentPolicy:
      case FailureClass::kModelUnavailable:
        f.type = "invalid_request_error";
        break;
      default:
        f.type = "server_error";
        break;
    }
  }
  if (f.code.empty()) {
    switch (f.cls) {
      case FailureClass::kRateLimit:
        f.code = "rate_limit_exceeded";
        break;
      case FailureClass::kQuota:
        f.code = "insufficient_quota";
        break;
      case FailureClass::kAuth:
        f.code = "invalid_api_key";
        break;
      case FailureClass::kContextLength:
        f.code = "context_length_exceeded";
        break;
      case FailureClass::kContentPolicy:
        f.code = "content_filter";
        break;
      case FailureClass::kModelUnavailable:
        f.code = "model_not_found";
        break;
      case FailureClass::kOverloaded:
        f.code = "server_is_overloaded";
        break;
      case FailureClass::kTimeout:
        f.code = "timeout";
        break;
      default:
        break;
    }
  }
}

std::string body_excerpt(std::string_view body, size_t max) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (out.size() >= max) {
      // Never end inside a UTF-8 sequence: drop its lead and continuation bytes.
      auto continuation = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; };
      if (continuation(body[i])) {
        while (!out.empty() && continuation(out.back())) out.pop_back();
        if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
      }
      out += "...";
      break;
    }
    char c = body[i];
    out.push_back((c == '\n' || c == '\r' || c == '\t') ? ' ' : c);
  }
  return out;
}

}  // namespace understudy
