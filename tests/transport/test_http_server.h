// Test support for the transport's loopback tests: an httplib::Server (or SSLServer) on
// 127.0.0.1 and an OS-chosen port, listening on its own thread.
//
// Register handlers on server() before start(). The destructor stops the server and joins
// its thread; destroy clients (their pooled keep-alive connections) first, so the server's
// workers are not left waiting on idle connections. Only tests include this header: it
// pulls in httplib.h.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

namespace understudy::testing {

class TestHttpServer {
 public:
  TestHttpServer();                                                           // plain HTTP
  TestHttpServer(const std::string& cert_path, const std::string& key_path);  // HTTPS
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  httplib::Server& server() { return *server_; }
  // Binds and starts listening; false if the server could not start within 2 s.
  bool start();
  int port() const { return port_; }
  // "http://127.0.0.1:<port>" or "https://...".
  std::string base_url() const;

 private:
  void configure();

  std::unique_ptr<httplib::Server> server_;
  bool tls_ = false;
  int port_ = -1;
  std::thread thread_;
};

}  // namespace understudy::testing
