#include "lib/transport/http1_request.h"

namespace understudy {
namespace {

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

bool body_expected(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace

std::string format_request_head(const HttpRequest& req, std::string_view target,
                                std::string_view host_header) {
  size_t size = req.method.size() + target.size() + host_header.size() + 160;
  for (const auto& [name, value] : req.headers) size += name.size() + value.size() + 4;
  std::string out;
  out.reserve(size);
  out.append(req.method).append(" ").append(target).append(" HTTP/1.1\r\n");
  bool has_host = false, has_accept = false, has_encoding = false, has_agent = false;
  for (const auto& [name, value] : req.headers) {
    if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding")) continue;
    has_host = has_host || iequals(name, "Host");
    has_accept = has_accept || iequals(name, "Accept");
    has_encoding = has_encoding || iequals(name, "Accept-Encoding");
    has_agent = has_agent || iequals(name, "User-Agent");
  }
  if (!has_host) append_header(out, "Host", host_header);
  for (const auto& [name, value] : req.headers) {
    if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding")) continue;
    append_header(out, name, value);
  }
  if (!has_accept) append_header(out, "Accept", "*/*");
  if (!has_encoding) append_header(out, "Accept-Encoding", "identity");
  if (!has_agent) append_header(out, "User-Agent", "understudy/" UNDERSTUDY_VERSION);
  if (!req.body.empty() || body_expected(req.method)) {
    append_header(out, "Content-Length", std::to_string(req.body.size()));
  }
  out.append("\r\n");
  return out;
}

}  // namespace understudy
