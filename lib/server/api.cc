#include "lib/server/api.h"

namespace understudy {

Json openai_error_json(const std::string& message, const std::string& type,
                       const std::string& param, const std::string& code) {
  auto or_null = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  return Json{
      {"message", message}, {"type", type}, {"param", or_null(param)}, {"code", or_null(code)}};
}

std::string dump_json(const Json& j) {
  // Replace invalid UTF-8 (it can come from upstream text) instead of throwing.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

ApiResponse json_response(int status, const Json& body) {
  ApiResponse r;
  r.status = status;
  r.body = dump_json(body);
  return r;
}

ApiResponse error_response(int status, const std::string& message, const std::string& type,
                           const std::string& param, const std::string& code) {
  return json_response(status, Json{{"error", openai_error_json(message, type, param, code)}});
}

const char* error_type_for_status(int status) {
  switch (status) {
    case 401:
      return "authentication_error";
    case 429:
      return "rate_limit_error";
    default:
      return status >= 500 ? "server_error" : "invalid_request_error";
  }
}

std::string retry_after_seconds(std::chrono::milliseconds wait) {
  long long ms = wait.count();
  long long seconds = ms <= 0 ? 1 : (ms + 999) / 1000;
  return std::to_string(seconds < 1 ? 1 : seconds);
}

}  // namespace understudy
