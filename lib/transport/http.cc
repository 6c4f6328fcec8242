#include "lib/transport/http.h"

#include <algorithm>
#include <cctype>

namespace understudy {

namespace {

// HTTP field names are ASCII; folding only A-Z also keeps this out of libc's locale-aware
// tolower(), which is a function call per character (it showed up in serve's profile).
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::optional<std::string> header_value(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return std::nullopt;
}

void set_header(Headers& headers, std::string name, std::string value) {
  auto same_name = [&](const auto& h) { return iequals(h.first, name); };
  auto first = std::find_if(headers.begin(), headers.end(), same_name);
  if (first == headers.end()) {
    headers.emplace_back(std::move(name), std::move(value));
    return;
  }
  first->second = std::move(value);
  // Later duplicates would still be sent: "replace" means one value remains.
  headers.erase(std::remove_if(first + 1, headers.end(), same_name), headers.end());
}

namespace {

// A port number: 1 to 5 digits, 1..65535; nullopt otherwise (atoi would accept "80x").
std::optional<int> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  int port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port < 1 || port > 65535) return std::nullopt;
  return port;
}

}  // namespace

std::optional<SplitUrl> split_url(std::string_view url) {
  SplitUrl out;
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  out.scheme = std::string(url.substr(0, sep));
  for (auto& c : out.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (out.scheme != "http" && out.scheme != "https") return std::nullopt;
  std::string_view rest = url.substr(sep + 3);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  out.path = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  while (out.path.size() > 1 && out.path.back() == '/') out.path.pop_back();
  if (out.path == "/") out.path.clear();
  if (authority.empty()) return std::nullopt;
  std::string_view host = authority;
  out.port = out.scheme == "https" ? 443 : 80;
  if (authority.front() == '[') {  // IPv6 literal
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    if (close < 2) return std::nullopt;  // "[]": no address
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      auto port = parse_port(authority.substr(close + 2));
      if (!port) return std::nullopt;
      out.port = *port;
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    auto port = parse_port(authority.substr(colon + 1));
    if (!port) return std::nullopt;
    out.port = *port;
  }
  if (host.empty()) return std::nullopt;
  out.host = std::string(host);
  out.base = out.scheme + "://" + std::string(authority);
  return out;
}

namespace {

struct Reason {
  int status;
  const char* text;
};

// RFC 9110 phrases for the codes the gateway and its upstreams use (499: nginx, 529: Anthropic).
constexpr Reason kReasons[] = {
    {100, "Continue"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {204, "No Content"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {304, "Not Modified"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {408, "Request Timeout"},
    {409, "Conflict"},
    {410, "Gone"},
    {411, "Length Required"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {415, "Unsupported Media Type"},
    {417, "Expectation Failed"},
    {422, "Unprocessable Content"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {499, "Client Closed Request"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
    {529, "Site Overloaded"},
};

}  // namespace

const char* reason_phrase(int status) {
  for (const Reason& r : kReasons) {
    if (r.status == status) return r.text;
  }
  if (status < 200) return "Informational";
  if (status < 300) return "Success";
  if (status < 400) return "Redirection";
  if (status < 500) return "Client Error";
  return "Server Error";
}

}  // namespace understudy
