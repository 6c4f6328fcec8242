// Plain HTTP message types shared by the Transport seam, the provider adapters, the mocks
// and the server. No I/O here. Header names compare case-insensitively.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace understudy {

using Headers = std::vector<std::pair<std::string, std::string>>;

bool iequals(std::string_view a, std::string_view b);
// First value of header `name`, or nullopt.
std::optional<std::string> header_value(const Headers& headers, std::string_view name);
// Replaces (or adds) header `name`.
void set_header(Headers& headers, std::string name, std::string value);

// The reason phrase for a status line: RFC 9110's for the codes the gateway, its mocks and
// its upstreams use ("OK", "Too Many Requests"; 499 nginx's, 529 Anthropic's), else a
// generic one by class ("Client Error", "Server Error").
const char* reason_phrase(int status);

struct HttpRequest {
  std::string method = "POST";
  std::string base_url;  // scheme://host[:port], no trailing slash, e.g. "https://api.openai.com"
  std::string path;      // starts with "/", may carry a query: "/v1/chat/completions"
  Headers headers;
  std::string body;
};

struct ResponseHead {
  int status = 0;
  Headers headers;
};

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

// Splits "https://host:8443/prefix" into base "https://host:8443" and path "/prefix"
// (which may be empty). Returns nullopt unless the scheme is http or https and a host is
// present.
struct SplitUrl {
  std::string scheme;
  std::string host;
  int port = 0;
  std::string base;  // scheme://host:port as written (default port omitted if it was)
  std::string path;  // "" or "/..."
};
std::optional<SplitUrl> split_url(std::string_view url);

}  // namespace understudy
