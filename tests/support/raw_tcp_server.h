// Test support: a raw TCP listener on 127.0.0.1 that hands each accepted connection to a
// callback, for misbehaving peers an HTTP server library will not imitate (reset on accept,
// never answer, cut a response short).
//
// One background thread accepts and runs the callback; every wait in it is bounded (it polls
// with a short timeout and checks a stop flag). The destructor stops the thread and closes
// every connection the callbacks kept open. Not copyable.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace understudy::testing {

class RawTcpServer {
 public:
  // Runs on the server thread for each accepted socket. Return true to keep the socket open
  // until the server is destroyed, false to have it closed now.
  using OnAccept = std::function<bool(int fd)>;

  explicit RawTcpServer(OnAccept on_accept);
  ~RawTcpServer();
  RawTcpServer(const RawTcpServer&) = delete;
  RawTcpServer& operator=(const RawTcpServer&) = delete;

  bool ok() const { return listen_fd_ >= 0; }
  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int accepted() const { return accepted_.load(); }

  // Callback building blocks.
  // Sets SO_LINGER 0 on `fd`, so closing it sends the peer a TCP reset.
  static void arm_reset(int fd);
  // Reads until the end of the request headers ("\r\n\r\n"), up to `timeout`.
  static std::string read_request_head(int fd, std::chrono::milliseconds timeout);
  static bool write_all(int fd, const std::string& data);

 private:
  void serve();

  OnAccept on_accept_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::mutex mu_;
  std::vector<int> kept_;
  std::thread thread_;
};

}  // namespace understudy::testing
