// Test support: clients for the fake provider server (mocks/fake_server.h).
//
// FakeClient sends one request through the real HttpTransport and returns status, headers,
// body (also parsed as JSON) and the transport result, including whatever body arrived
// before a failure. RawClient speaks HTTP/1.1 over a plain socket, for garbage input and
// keep-alive checks. The request builders produce valid requests in each wire format, so a
// test changes only what it is about. Every wait is bounded (5 s).
#pragma once

#include <string>

#include "lib/transport/http_transport.h"
#include "lib/transport/transport.h"
#include "mocks/fake_server.h"

namespace understudy::testing {

struct FakeReply {
  TransportResult transport;
  int status = 0;
  Headers headers;
  std::string body;
  Json json;  // the body parsed, or null
};

class FakeClient {
 public:
  // Uses `transport` when given (it must outlive the client), else one of its own.
  explicit FakeClient(const FakeProviderServer& server, HttpTransport* transport = nullptr);

  FakeReply send(HttpRequest request, CancelToken* cancel = nullptr);
  FakeReply get(const std::string& path);
  FakeReply post_control(const std::string& path);

 private:
  std::string base_url_;
  HttpTransport own_;
  HttpTransport* transport_;
};

inline constexpr const char* kTestOpenAIKey = "sk-test-openai-key";

HttpRequest openai_request(const std::string& text, bool stream = false,
                           const std::string& key = kTestOpenAIKey);
HttpRequest anthropic_request(const std::string& text, bool stream = false);
HttpRequest gemini_request(const std::string& text, bool stream = false);

// `request` as raw HTTP/1.1 bytes (with Host and Content-Length).
std::string raw_request(const HttpRequest& request);

class RawClient {
 public:
  explicit RawClient(int port) : port_(port) {}
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Sends `bytes` (connecting first if needed) and reads one whole response (by
  // Content-Length, chunked framing, or until the server closes). "" when nothing came.
  std::string exchange(const std::string& bytes);
  int connects() const { return connects_; }

 private:
  bool connect_now();
  std::string read_response();

  int port_;
  int fd_ = -1;
  int connects_ = 0;
  std::string pending_;
};

}  // namespace understudy::testing
