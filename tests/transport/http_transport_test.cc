// Loopback tests of the real transport: an httplib test server (plain and TLS) and raw TCP
// peers that misbehave on purpose. Every wait is bounded; servers stop when the test ends.
#include "lib/transport/http_transport.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/raw_tcp_server.h"
#include "tests/support/recording_handler.h"
#include "tests/support/subprocess.h"
#include "tests/support/tls_cert.h"
#include "tests/transport/test_http_server.h"

using namespace understudy;
using namespace understudy::testing;
using namespace std::chrono_literals;

namespace {

using SteadyClock = std::chrono::steady_clock;

HttpRequest get_request(const std::string& base_url, const std::string& path) {
  HttpRequest req;
  req.method = "GET";
  req.base_url = base_url;
  req.path = path;
  return req;
}

TransportOptions quick_options() {
  TransportOptions o;
  o.connect_timeout = 2000ms;
  o.read_timeout = 5000ms;
  return o;
}

long long millis(SteadyClock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

struct TimedResult {
  TransportResult result;
  long long took_ms = 0;
};

TimedResult timed_send(HttpTransport& transport, const HttpRequest& req, ResponseHandler& handler,
                       CancelToken* cancel, const TransportOptions& options) {
  auto start = SteadyClock::now();
  TransportResult r = transport.send(req, handler, cancel, options);
  return TimedResult{r, millis(SteadyClock::now() - start)};
}

// Records the remote port of every request, i.e. which client connection carried it.
struct PortLog {
  void add(int port) {
    std::lock_guard<std::mutex> lock(mu);
    ports.insert(port);
  }
  size_t distinct() {
    std::lock_guard<std::mutex> lock(mu);
    return ports.size();
  }
  std::mutex mu;
  std::set<int> ports;
};

// A server that accepts and never answers.
bool keep_silent(int) { return true; }

// A listener that never accepts, with its accept queue filled up: the kernel drops further
// SYNs, so a connect to it hangs until the connect timeout, without leaving loopback.
class FullBacklogListener {
 public:
  FullBacklogListener() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listen_fd_, 0) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
    for (int i = 0; i < 3; ++i) {
      int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
      fillers_.push_back(fd);
    }
    std::this_thread::sleep_for(20ms);  // let the handshakes that can complete, complete
  }
  ~FullBacklogListener() {
    for (int fd : fillers_) close(fd);
    if (listen_fd_ >= 0) close(listen_fd_);
  }
  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int listen_fd_ = -1;
  int port_ = 0;
  std::vector<int> fillers_;
};

}  // namespace

TEST_CASE("http transport: sequential requests reuse one keep-alive connection") {
  TestHttpServer srv;
  PortLog ports;
  srv.server().Get("/hello", [&](const httplib::Request& req, httplib::Response& res) {
    ports.add(req.remote_port);
    res.set_content("hello", "text/plain");
  });
  REQUIRE(srv.start());
  HttpTransport transport;
  for (int i = 0; i < 10; ++i) {
    RecordingHandler h;
    TransportResult r =
        transport.send(get_request(srv.base_url(), "/hello"), h, nullptr, quick_options());
    REQUIRE_MESSAGE(r.ok(), r.message);
    CHECK(h.head.status == 200);
    CHECK(h.body == "hello");
  }
  CHECK(ports.distinct() == 1);
  CHECK(transport.idle_connections() == 1);
}

TEST_CASE("http transport: concurrent requests each get their own body") {
  TestHttpServer srv;
  PortLog ports;
  srv.server().Get(R"(/echo/(\d+))", [&](const httplib::Request& req, httplib::Response& res) {
    ports.add(req.remote_port);
    std::this_thread::sleep_for(30ms);  // keep the requests overlapping
    res.set_content("reply-" + req.matches[1].str(), "text/plain");
  });
  REQUIRE(srv.start());
  HttpTransport transport;
  // httplib::Server listens with a backlog of 5; more simultaneous connects than that would
  // measure its SYN retransmits rather than the transport.
  constexpr int kThreads = 5;
  std::vector<std::string> bodies(kThreads);
  std::vector<TransportError> errors(kThreads, TransportError::kOther);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 3; ++round) {
        RecordingHandler h;
        TransportResult r = transport.send(
            get_request(srv.base_url(), "/echo/" + std::to_string(i)), h, nullptr, quick_options());
        errors[i] = r.error;
        if (!r.ok() || h.body != "reply-" + std::to_string(i)) return;
        bodies[i] = h.body;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    CHECK(errors[i] == TransportError::kNone);
    CHECK(bodies[i] == "reply-" + std::to_string(i));
  }
  CHECK(ports.distinct() > 1);
  CHECK(ports.distinct() <= static_cast<size_t>(kThreads));
}

TEST_CASE("http transport: the pool keeps at most max_idle_per_host idle connections") {
  TestHttpServer srv;
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  srv.server().Get("/wait", [&](const httplib::Request&, httplib::Response& res) {
    std::unique_lock<std::mutex> lock(mu);
    ++arrived;
    cv.notify_all();
    // Hold every request until all four are in flight, so they need four connections.
    cv.wait_for(lock, 2s, [&] { return arrived >= 4; });
    res.set_content("ok", "text/plain");
  });
  REQUIRE(srv.start());
  HttpTransport transport(HttpTransportLimits{2, 30000ms});
  std::vector<std::thread> threads;
  std::atomic<int> ok_count{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      RecordingHandler h;
      if (transport.send(get_request(srv.base_url(), "/wait"), h, nullptr, quick_options()).ok())
        ok_count.fetch_add(1);
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ok_count.load() == 4);
  CHECK(arrived == 4);
  CHECK(transport.idle_connections() == 2);
}

TEST_CASE("http transport: a streamed body reaches on_body piece by piece as it arrives") {
  TestHttpServer srv;
  std::atomic<bool> client_saw_first{false};
  std::atomic<bool> server_waited_ok{false};
  std::string accept_encoding;
  srv.server().Get("/stream", [&](const httplib::Request& req, httplib::Response& res) {
    accept_encoding = req.get_header_value("Accept-Encoding");
    res.set_chunked_content_provider("text/event-stream", [&](size_t, httplib::DataSink& sink) {
      sink.write("data: one\n\n", 11);
      // The second chunk is only sent once the client has handed the first one to its
      // handler: a transport that buffered the body would make this wait time out.
      auto end = SteadyClock::now() + 2s;
      while (!client_saw_first.load() && SteadyClock::now() < end) {
        std::this_thread::sleep_for(2ms);
      }
      server_waited_ok.store(client_saw_first.load());
      sink.write("data: two\n\n", 11);
      std::this_thread::sleep_for(20ms);
      sink.write("data: [DONE]\n\n", 14);
      sink.done();
      return true;
    });
  });
  REQUIRE(srv.start());
  HttpTransport transport;
  RecordingHandler h;
  h.on_piece = [&](std::string_view bytes) {
    if (bytes.find("one") != std::string_view::npos) client_saw_first.store(true);
    return true;
  };
  TransportResult r =
      transport.send(get_request(srv.base_url(), "/stream"), h, nullptr, quick_options());
  REQUIRE_MESSAGE(r.ok(), r.message);
  CHECK(server_waited_ok.load());
  CHECK(h.heads == 1);
  CHECK(h.pieces.size() >= 3);
  CHECK(h.body == "data: one\n\ndata: two\n\ndata: [DONE]\n\n");
  CHECK(accept_encoding == "identity");
  CHECK(transport.idle_connections() == 1);  // a chunked body ends cleanly: reusable
}

TEST_CASE("http transport: on_head gets status and headers once, also without a body") {
  TestHttpServer srv;
  std::string seen_path, seen_auth, seen_body;
  srv.server().Post("/prefix/v1/things", [&](const httplib::Request& req, httplib::Response& res) {
    seen_path = req.path;
    seen_auth = req.get_header_value("Authorization");
    seen_body = req.body;
    res.status = 404;
    res.set_header("X-Request-Id", "abc");
    res.set_content("{\"error\":\"nope\"}", "application/json");
  });
  srv.server().Delete("/empty",
                      [&](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  REQUIRE(srv.start());
  HttpTransport transport;

  HttpRequest post = get_request(srv.base_url() + "/prefix", "/v1/things");
  post.method = "POST";
  post.headers = {{"Authorization", "Bearer test-key"}, {"Content-Type", "application/json"}};
  post.body = "{\"x\":1}";
  RecordingHandler h;
  TransportResult r = transport.send(post, h, nullptr, quick_options());
  REQUIRE_MESSAGE(r.ok(), r.message);
  CHECK(h.heads == 1);
  CHECK(h.head.status == 404);
  CHECK(header_value(h.head.headers, "x-request-id") == std::optional<std::string>("abc"));
  CHECK(h.body == "{\"error\":\"nope\"}");
  CHECK(seen_path == "/prefix/v1/things");
  CHECK(seen_auth == "Bearer test-key");
  CHECK(seen_body == "{\"x\":1}");

  HttpRequest del = get_request(srv.base_url(), "/empty");
  del.method = "DELETE";
  RecordingHandler empty;
  r = transport.send(del, empty, nullptr, quick_options());
  REQUIRE_MESSAGE(r.ok(), r.message);
  CHECK(empty.heads == 1);
  CHECK(empty.head.status == 204);
  CHECK(empty.body.empty());
}

TEST_CASE("http transport: a pooled connection the server has closed is replaced quietly") {
  RawTcpServer peer([](int fd) {
    RawTcpServer::read_request_head(fd, 2s);
    // A complete keep-alive response, then the server closes the idle connection.
    RawTcpServer::write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    return false;
  });
  REQUIRE(peer.ok());
  HttpTransport transport;
  for (int i = 0; i < 2; ++i) {
    RecordingHandler h;
    TransportResult r =
        transport.send(get_request(peer.base_url(), "/"), h, nullptr, quick_options());
    REQUIRE_MESSAGE(r.ok(), r.message);
    CHECK(h.body == "ok");
    std::this_thread::sleep_for(20ms);  // the server's close reaches the pooled socket
  }
  CHECK(peer.accepted() == 2);
}

TEST_CASE("http transport: a handler that stops the response aborts and drops the connection") {
  TestHttpServer srv;
  PortLog ports;
  srv.server().Get("/x", [&](const httplib::Request& req, httplib::Response& res) {
    ports.add(req.remote_port);
    res.set_content(std::string(1000, 'x'), "text/plain");
  });
  REQUIRE(srv.start());
  HttpTransport transport;
  RecordingHandler refuse;
  refuse.accept_head = false;
  TransportResult r =
      transport.send(get_request(srv.base_url(), "/x"), refuse, nullptr, quick_options());
  CHECK(r.error == TransportError::kAborted);
  CHECK(r.head_received);
  CHECK(transport.idle_connections() == 0);

  RecordingHandler fine;
  r = transport.send(get_request(srv.base_url(), "/x"), fine, nullptr, quick_options());
  CHECK(r.ok());
  CHECK(fine.body.size() == 1000);
  CHECK(ports.distinct() == 2);
}

TEST_CASE("http transport: HTTPS verifies the certificate; ca_file adds a trusted CA") {
  std::string dir = temp_dir();
  TestCertificate cert = make_self_signed_certificate(dir, "understudy-test-server");
  REQUIRE(!cert.cert_path.empty());
  TestHttpServer srv(cert.cert_path, cert.key_path);
  srv.server().Get("/secure", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("secret-ok", "text/plain");
  });
  REQUIRE(srv.start());
  HttpTransport transport;

  SUBCASE("without ca_file the self-signed server is rejected with kTls") {
    RecordingHandler h;
    TransportResult r =
        transport.send(get_request(srv.base_url(), "/secure"), h, nullptr, quick_options());
    CHECK(r.error == TransportError::kTls);
    CHECK(r.message.find("127.0.0.1") != std::string::npos);
    CHECK(h.heads == 0);
  }
  SUBCASE("with ca_file set to its certificate the request succeeds") {
    TransportOptions o = quick_options();
    o.ca_file = cert.cert_path;
    for (int i = 0; i < 2; ++i) {
      RecordingHandler h;
      TransportResult r = transport.send(get_request(srv.base_url(), "/secure"), h, nullptr, o);
      REQUIRE_MESSAGE(r.ok(), r.message);
      CHECK(h.body == "secret-ok");
    }
    CHECK(transport.idle_connections() == 1);
  }
  SUBCASE("verify_tls = false accepts any certificate") {
    TransportOptions o = quick_options();
    o.verify_tls = false;
    RecordingHandler h;
    TransportResult r = transport.send(get_request(srv.base_url(), "/secure"), h, nullptr, o);
    REQUIRE_MESSAGE(r.ok(), r.message);
    CHECK(h.body == "secret-ok");
  }
  SUBCASE("a ca_file that cannot be read is kTls naming the file") {
    TransportOptions o = quick_options();
    o.ca_file = dir + "/missing.pem";
    RecordingHandler h;
    TransportResult r = transport.send(get_request(srv.base_url(), "/secure"), h, nullptr, o);
    CHECK(r.error == TransportError::kTls);
    CHECK(r.message.find("missing.pem") != std::string::npos);
  }
}

TEST_CASE("http transport: ca_file is trusted in addition to the system CA store") {
  std::string dir = temp_dir();
  TestCertificate system_ca = make_self_signed_certificate(dir, "pretend-system-ca");
  TestCertificate extra_ca = make_self_signed_certificate(dir, "extra-ca");
  REQUIRE(!system_ca.cert_path.empty());
  REQUIRE(!extra_ca.cert_path.empty());
  TestHttpServer srv(system_ca.cert_path, system_ca.key_path);
  srv.server().Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
  REQUIRE(srv.start());
  TransportOptions o = quick_options();
  o.ca_file = extra_ca.cert_path;

  // The server's certificate is trusted by neither the real system store nor ca_file...
  {
    HttpTransport transport;
    RecordingHandler h;
    CHECK(transport.send(get_request(srv.base_url(), "/"), h, nullptr, o).error ==
          TransportError::kTls);
  }
  // ...until it is the "system" store (OpenSSL's default paths honour SSL_CERT_FILE). With
  // ca_file still set, the system store must still count.
  const char* saved = std::getenv("SSL_CERT_FILE");
  std::string saved_value = saved ? saved : "";
  setenv("SSL_CERT_FILE", system_ca.cert_path.c_str(), 1);
  TransportResult r;
  {
    HttpTransport transport;
    RecordingHandler h;
    r = transport.send(get_request(srv.base_url(), "/"), h, nullptr, o);
  }
  if (saved) {
    setenv("SSL_CERT_FILE", saved_value.c_str(), 1);
  } else {
    unsetenv("SSL_CERT_FILE");
  }
  CHECK_MESSAGE(r.ok(), r.message);
}

TEST_CASE("http transport: nothing listening is kConnectRefused") {
  HttpTransport transport;
  RecordingHandler h;
  int port = free_port();
  REQUIRE(port > 0);
  TransportResult r = transport.send(get_request("http://127.0.0.1:" + std::to_string(port), "/"),
                                     h, nullptr, quick_options());
  CHECK(r.error == TransportError::kConnectRefused);
  CHECK_FALSE(r.head_received);
  CHECK(r.message.find(std::to_string(port)) != std::string::npos);
}

TEST_CASE("http transport: a connect that gets no answer is kConnectTimeout") {
  FullBacklogListener listener;
  REQUIRE(listener.port() > 0);
  HttpTransport transport;
  TransportOptions o = quick_options();
  o.connect_timeout = 200ms;
  RecordingHandler h;
  auto [r, took] = timed_send(transport, get_request(listener.base_url(), "/"), h, nullptr, o);
  CHECK_MESSAGE(r.error == TransportError::kConnectTimeout, r.message);
  CHECK(took >= 190);
  CHECK(took < 2000);
}

TEST_CASE("http transport: cancelling a hanging connect returns kCancelled at once") {
  FullBacklogListener listener;
  REQUIRE(listener.port() > 0);
  HttpTransport transport;
  auto token = CancelToken::create();
  std::thread canceller([&] {
    std::this_thread::sleep_for(100ms);
    token->cancel(CancelReason::kShutdown);
  });
  RecordingHandler h;
  auto [r, took] =
      timed_send(transport, get_request(listener.base_url(), "/"), h, token.get(), quick_options());
  canceller.join();
  CHECK(r.error == TransportError::kCancelled);
  CHECK(took >= 90);
  CHECK(took < 400);  // connect_timeout is 2 s
}

TEST_CASE("http transport: a peer that resets before answering is kReset") {
  RawTcpServer peer([](int fd) {
    RawTcpServer::read_request_head(fd, 2s);
    RawTcpServer::arm_reset(fd);
    return false;  // closed now, with a reset
  });
  REQUIRE(peer.ok());
  HttpTransport transport;
  RecordingHandler h;
  TransportResult r =
      transport.send(get_request(peer.base_url(), "/"), h, nullptr, quick_options());
  CHECK(r.error == TransportError::kReset);
  CHECK_FALSE(r.head_received);
  CHECK(h.heads == 0);
}

TEST_CASE("http transport: a reset in the middle of the body is kReset after the head") {
  RawTcpServer peer([](int fd) {
    RawTcpServer::read_request_head(fd, 2s);
    RawTcpServer::write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
    std::this_thread::sleep_for(100ms);  // let the client read the head first
    RawTcpServer::arm_reset(fd);
    return false;
  });
  REQUIRE(peer.ok());
  HttpTransport transport;
  RecordingHandler h;
  TransportResult r =
      transport.send(get_request(peer.base_url(), "/"), h, nullptr, quick_options());
  CHECK(r.error == TransportError::kReset);
  CHECK(r.head_received);
  CHECK(h.heads == 1);
  CHECK(h.body == "partial");
  CHECK(transport.idle_connections() == 0);
}

TEST_CASE("http transport: a peer that never answers is kReadTimeout after read_timeout") {
  RawTcpServer peer(keep_silent);
  REQUIRE(peer.ok());
  HttpTransport transport;
  TransportOptions o = quick_options();
  o.read_timeout = 200ms;
  RecordingHandler h;
  auto [r, took] = timed_send(transport, get_request(peer.base_url(), "/"), h, nullptr, o);
  CHECK(r.error == TransportError::kReadTimeout);
  CHECK_FALSE(r.head_received);
  CHECK(took >= 190);
  CHECK(took < 2000);
}

TEST_CASE("http transport: a TLS handshake that never completes is kConnectTimeout") {
  RawTcpServer peer(keep_silent);
  REQUIRE(peer.ok());
  HttpTransport transport;
  TransportOptions o = quick_options();
  o.connect_timeout = 200ms;
  RecordingHandler h;
  auto [r, took] =
      timed_send(transport, get_request("https://127.0.0.1:" + std::to_string(peer.port()), "/"), h,
                 nullptr, o);
  CHECK(r.error == TransportError::kConnectTimeout);
  CHECK(took >= 190);
  CHECK(took < 2000);
}

TEST_CASE("http transport: cancelling a blocked read returns kCancelled at once") {
  RawTcpServer peer(keep_silent);
  REQUIRE(peer.ok());
  HttpTransport transport;
  auto token = CancelToken::create();
  std::atomic<long long> cancelled_at{0};
  std::thread canceller([&] {
    std::this_thread::sleep_for(150ms);
    cancelled_at.store(SteadyClock::now().time_since_epoch().count());
    token->cancel(CancelReason::kHeaderTimeout);
  });
  RecordingHandler h;
  TransportResult r =
      transport.send(get_request(peer.base_url(), "/"), h, token.get(), quick_options());
  auto returned_at = SteadyClock::now();
  canceller.join();
  CHECK(r.error == TransportError::kCancelled);
  CHECK(r.message.find("header_timeout") != std::string::npos);
  long long latency =
      millis(returned_at - SteadyClock::time_point(SteadyClock::duration(cancelled_at.load())));
  CHECK(latency < 200);
  CHECK(peer.accepted() == 1);
  CHECK(transport.idle_connections() == 0);
}

TEST_CASE("http transport: cancelling in the middle of a stream stops it") {
  TestHttpServer srv;
  std::atomic<bool> finished{false};
  srv.server().Get("/stall", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/event-stream", [&](size_t, httplib::DataSink& sink) {
      sink.write("data: first\n\n", 13);
      auto end = SteadyClock::now() + 2s;
      while (!finished.load() && SteadyClock::now() < end) std::this_thread::sleep_for(5ms);
      sink.done();
      return true;
    });
  });
  REQUIRE(srv.start());
  HttpTransport transport;
  auto token = CancelToken::create();
  RecordingHandler h;
  // Cancelling from inside the handler runs the subscriber on the sending thread itself.
  h.on_piece = [&](std::string_view) {
    token->cancel(CancelReason::kIdleTimeout);
    return true;
  };
  auto [r, took] =
      timed_send(transport, get_request(srv.base_url(), "/stall"), h, token.get(), quick_options());
  finished.store(true);
  CHECK(r.error == TransportError::kCancelled);
  CHECK(r.head_received);
  CHECK(h.body == "data: first\n\n");
  CHECK(took < 1000);
}

TEST_CASE("http transport: an already cancelled token sends nothing") {
  RawTcpServer peer(keep_silent);
  REQUIRE(peer.ok());
  HttpTransport transport;
  auto token = CancelToken::create();
  token->cancel(CancelReason::kDeadline);
  RecordingHandler h;
  TransportResult r =
      transport.send(get_request(peer.base_url(), "/"), h, token.get(), quick_options());
  CHECK(r.error == TransportError::kCancelled);
  CHECK(r.message.find("deadline") != std::string::npos);
  std::this_thread::sleep_for(50ms);
  CHECK(peer.accepted() == 0);
}

TEST_CASE("http transport: malformed requests are refused before anything is sent") {
  RawTcpServer peer(keep_silent);
  REQUIRE(peer.ok());
  HttpTransport transport;
  RecordingHandler h;

  HttpRequest bad_url = get_request("ftp://127.0.0.1", "/");
  CHECK(transport.send(bad_url, h, nullptr, quick_options()).error == TransportError::kOther);

  HttpRequest injected = get_request(peer.base_url(), "/");
  injected.headers = {{"Authorization", "Bearer sk-secret\r\nX-Evil: 1"}};
  TransportResult r = transport.send(injected, h, nullptr, quick_options());
  CHECK(r.error == TransportError::kOther);
  CHECK(r.message.find("Authorization") != std::string::npos);
  CHECK(r.message.find("sk-secret") == std::string::npos);

  HttpRequest spaced = get_request(peer.base_url(), "/a b");
  CHECK(transport.send(spaced, h, nullptr, quick_options()).error == TransportError::kOther);

  std::this_thread::sleep_for(50ms);
  CHECK(peer.accepted() == 0);
  CHECK(h.heads == 0);
}
