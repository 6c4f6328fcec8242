#include "tests/support/fake_http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

namespace understudy::testing {

namespace {

TransportOptions quick() {
  TransportOptions o;
  o.connect_timeout = Millis(2000);
  o.read_timeout = Millis(5000);
  return o;
}

HttpRequest json_request(std::string path, Headers headers, const Json& body) {
  HttpRequest r;
  r.path = std::move(path);
  r.headers = std::move(headers);
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = body.dump();
  return r;
}

}  // namespace

FakeClient::FakeClient(const FakeProviderServer& server, HttpTransport* transport)
    : base_url_(server.base_url()), transport_(transport ? transport : &own_) {}

FakeReply FakeClient::send(HttpRequest request, CancelToken* cancel) {
  request.base_url = base_url_;
  BufferingHandler handler;
  FakeReply out;
  out.transport = transport_->send(request, handler, cancel, quick());
  out.status = handler.response.status;
  out.headers = std::move(handler.response.headers);
  out.body = std::move(handler.response.body);
  out.json = Json::parse(out.body, nullptr, false);
  if (out.json.is_discarded()) out.json = nullptr;
  return out;
}

FakeReply FakeClient::get(const std::string& path) {
  HttpRequest r;
  r.method = "GET";
  r.path = path;
  return send(r);
}

FakeReply FakeClient::post_control(const std::string& path) {
  HttpRequest r;
  r.path = path;
  return send(r);
}

HttpRequest openai_request(const std::string& text, bool stream, const std::string& key) {
  Json body{{"model", "gpt-4o-mini"},
            {"messages", Json::array({Json{{"role", "user"}, {"content", text}}})}};
  if (stream) body["stream"] = true;
  return json_request("/v1/chat/completions", {{"Authorization", "Bearer " + key}}, body);
}

HttpRequest anthropic_request(const std::string& text, bool stream) {
  Json body{{"model", "claude-haiku-4-5"},
            {"max_tokens", 256},
            {"messages", Json::array({Json{{"role", "user"}, {"content", text}}})}};
  if (stream) body["stream"] = true;
  return json_request("/v1/messages",
                      {{"x-api-key", "sk-ant-test-key"}, {"anthropic-version", "2023-06-01"}},
                      body);
}

HttpRequest gemini_request(const std::string& text, bool stream) {
  Json body{{"contents", Json::array({Json{{"role", "user"},
                                           {"parts", Json::array({Json{{"text", text}}})}}})}};
  std::string method = stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
  return json_request("/v1beta/models/gemini-2.5-flash" + method,
                      {{"x-goog-api-key", "gemini-test-key"}}, body);
}

std::string raw_request(const HttpRequest& request) {
  std::string out = request.method + " " + request.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : request.headers) out += name + ": " + value + "\r\n";
  out += "Content-Length: " + std::to_string(request.body.size()) + "\r\n\r\n";
  return out + request.body;
}

RawClient::~RawClient() {
  if (fd_ >= 0) close(fd_);
}

bool RawClient::connect_now() {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    return false;
  }
  ++connects_;
  pending_.clear();
  return true;
}

std::string RawClient::exchange(const std::string& bytes) {
  if (fd_ < 0 && !connect_now()) return "";
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer (and close) before reading everything
    sent += static_cast<std::size_t>(n);
  }
  return read_response();
}

std::string RawClient::read_response() {
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::string& got = pending_;
  bool closed = false;
  auto complete = [&]() -> std::size_t {  // length of the first whole response, or 0
    std::size_t head = got.find("\r\n\r\n");
    if (head == std::string::npos) return 0;
    std::string lower = got.substr(0, head);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::size_t cl = lower.find("content-length: "); cl != std::string::npos) {
      std::size_t need = head + 4 + std::strtoul(lower.c_str() + cl + 16, nullptr, 10);
      return got.size() >= need ? need : 0;
    }
    if (lower.find("transfer-encoding: chunked") != std::string::npos) {
      std::size_t last = got.find("\r\n0\r\n\r\n", head);
      return last == std::string::npos ? 0 : last + 7;
    }
    return closed ? got.size() : 0;
  };
  std::size_t length = 0;
  while ((length = complete()) == 0 && !closed) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[16384];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      closed = true;
      continue;
    }
    got.append(buf, static_cast<std::size_t>(n));
  }
  if (length == 0) length = got.size();
  std::string response = got.substr(0, length);
  got.erase(0, length);
  if (closed || response.find("Connection: close") != std::string::npos) {
    close(fd_);
    fd_ = -1;
  }
  return response;
}

}  // namespace understudy::testing
