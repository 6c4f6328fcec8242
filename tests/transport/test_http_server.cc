#include "tests/transport/test_http_server.h"

#include <chrono>

namespace understudy::testing {

TestHttpServer::TestHttpServer() : server_(std::make_unique<httplib::Server>()) { configure(); }

TestHttpServer::TestHttpServer(const std::string& cert_path, const std::string& key_path)
    : server_(std::make_unique<httplib::SSLServer>(cert_path.c_str(), key_path.c_str())),
      tls_(true) {
  configure();
}

void TestHttpServer::configure() {
  // Enough workers for concurrency tests plus idle keep-alive connections, and no cap on
  // requests per connection (the default of 5 would defeat the keep-alive test).
  server_->new_task_queue = [] { return new httplib::ThreadPool(24); };
  server_->set_keep_alive_max_count(1000);
  server_->set_keep_alive_timeout(2);
  server_->set_tcp_nodelay(true);
}

TestHttpServer::~TestHttpServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

bool TestHttpServer::start() {
  if (!server_->is_valid()) return false;
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) return false;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!server_->is_running()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

std::string TestHttpServer::base_url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

}  // namespace understudy::testing
