#include "tests/support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstring>

namespace understudy::testing {

namespace {

using SteadyClock = std::chrono::steady_clock;

int connect_loopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool send_all(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// Reads what is available within the remaining time; false on close, error or timeout.
bool read_some(int fd, std::string& out, SteadyClock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char buf[16384];
  ssize_t n = recv(fd, buf, sizeof buf, 0);
  if (n <= 0) return false;
  out.append(buf, static_cast<size_t>(n));
  return true;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Decodes a chunked body; `complete` is set when the terminating chunk was seen.
std::string dechunk(const std::string& raw, bool& complete) {
  std::string out;
  size_t pos = 0;
  complete = false;
  while (true) {
    size_t eol = raw.find("\r\n", pos);
    if (eol == std::string::npos) return out;
    size_t len = std::strtoul(raw.substr(pos, eol - pos).c_str(), nullptr, 16);
    if (len == 0) {
      complete = true;
      return out;
    }
    if (eol + 2 + len > raw.size()) return out;
    out += raw.substr(eol + 2, len);
    pos = eol + 2 + len + 2;
  }
}

void parse_reply(const std::string& raw, HttpReply& r) {
  size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos || raw.compare(0, 9, "HTTP/1.1 ") != 0) return;
  r.status = std::atoi(raw.c_str() + 9);
  size_t line = raw.find("\r\n") + 2;
  while (line < head_end) {
    size_t eol = raw.find("\r\n", line);
    std::string h = raw.substr(line, eol - line);
    size_t colon = h.find(':');
    if (colon != std::string::npos) {
      size_t v = h.find_first_not_of(' ', colon + 1);
      r.headers[lower(h.substr(0, colon))] = v == std::string::npos ? "" : h.substr(v);
    }
    line = eol + 2;
  }
  std::string rest = raw.substr(head_end + 4);
  if (lower(r.header("transfer-encoding")) == "chunked") {
    r.body = dechunk(rest, r.complete);
  } else {
    r.body = rest;
    std::string cl = r.header("content-length");
    r.complete = cl.empty() || rest.size() == std::stoul(cl);
  }
}

}  // namespace

Json HttpReply::json() const {
  Json j = Json::parse(body, nullptr, false);
  return j.is_discarded() ? Json(nullptr) : j;
}

HttpReply http_request(int port, const std::string& method, const std::string& path,
                       const std::string& body, const HeaderList& headers,
                       std::chrono::milliseconds timeout) {
  HttpReply r;
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  bool has_type = false;
  for (const auto& [k, v] : headers) {
    req += k + ": " + v + "\r\n";
    has_type = has_type || lower(k) == "content-type";
  }
  if (!body.empty() || method == "POST") {
    if (!has_type) req += "Content-Type: application/json\r\n";
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n" + body;
  int fd = open_and_send(port, req);
  if (fd < 0) return r;
  std::string raw;
  read_to_close(fd, raw, timeout);
  close(fd);
  parse_reply(raw, r);
  return r;
}

HttpReply post_chat(int port, const Json& body, const HeaderList& headers,
                    std::chrono::milliseconds timeout) {
  return http_request(port, "POST", "/v1/chat/completions", body.dump(), headers, timeout);
}

Json chat_body(const std::string& model, const std::string& text, bool stream) {
  Json b{{"model", model}, {"messages", Json::array({Json{{"role", "user"}, {"content", text}}})}};
  if (stream) b["stream"] = true;
  return b;
}

std::vector<std::string> sse_payloads(const std::string& body) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t eol = body.find('\n', pos);
    if (eol == std::string::npos) eol = body.size();
    std::string line = body.substr(pos, eol - pos);
    if (line.rfind("data: ", 0) == 0) out.push_back(line.substr(6));
    pos = eol + 1;
  }
  return out;
}

std::string sse_text(const std::string& body) {
  std::string text;
  for (const std::string& p : sse_payloads(body)) {
    Json j = Json::parse(p, nullptr, false);
    if (j.is_discarded() || !j.contains("choices") || j["choices"].empty()) continue;
    const Json& delta = j["choices"][0].value("delta", Json::object());
    if (delta.contains("content") && delta["content"].is_string()) {
      text += delta["content"].get<std::string>();
    }
  }
  return text;
}

int open_and_send(int port, const std::string& bytes) {
  int fd = connect_loopback(port);
  if (fd < 0) return -1;
  if (!bytes.empty() && !send_all(fd, bytes)) {
    close(fd);
    return -1;
  }
  return fd;
}

std::string read_until(int fd, const std::string& needle, std::chrono::milliseconds timeout) {
  std::string out;
  auto deadline = SteadyClock::now() + timeout;
  while (out.find(needle) == std::string::npos && read_some(fd, out, deadline)) {
  }
  return out;
}

bool read_to_close(int fd, std::string& out, std::chrono::milliseconds timeout) {
  auto deadline = SteadyClock::now() + timeout;
  while (true) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[16384];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET;
    out.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace understudy::testing
