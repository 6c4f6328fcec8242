// HttpListener over loopback with plain handlers (no router): keep-alive, streaming without
// buffering, early 413, disconnect detection, shutdown.
#include "lib/server/http_listener.h"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/http_client.h"

using namespace understudy;
using namespace understudy::testing;
using std::chrono::milliseconds;

namespace {

// Runs a listener on a free port on its own thread; stops it on destruction.
struct RunningListener {
  HttpListener listener;
  int port = -1;
  std::thread thread;

  explicit RunningListener(ListenerOptions o = {}) : listener(with_any_port(o)) {}
  static ListenerOptions with_any_port(ListenerOptions o) {
    o.port = 0;
    return o;
  }
  bool start() {
    auto p = listener.bind();
    if (!p.ok()) return false;
    port = *p;
    thread = std::thread([this] { listener.run(); });
    return true;
  }
  ~RunningListener() {
    listener.stop_accepting();
    if (thread.joinable()) thread.join();
    listener.cancel_active(CancelReason::kShutdown);
    listener.close_connections();
    listener.join_connections();
  }
};

// An SseSource fed by the test: take() blocks until push() or end().
class ManualSource final : public SseSource {
 public:
  void push(const std::string& s) {
    std::lock_guard<std::mutex> lock(mu_);
    pending_ += s;
    cv_.notify_all();
  }
  void end() {
    std::lock_guard<std::mutex> lock(mu_);
    ended_ = true;
    cv_.notify_all();
  }
  Take take(std::string& out) override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !pending_.empty() || ended_ || abandoned_; });
    out += pending_;
    pending_.clear();
    return ended_ || abandoned_ ? Take::kEnd : Take::kMore;
  }
  void abandon() override {
    std::lock_guard<std::mutex> lock(mu_);
    abandoned_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::string pending_;
  bool ended_ = false;
  bool abandoned_ = false;
};

// GET /events answers with an event stream fed by `source`.
void route_events(HttpListener& listener, const std::shared_ptr<ManualSource>& source) {
  listener.route("GET", "/events", [source](const ApiRequest&) {
    ApiResponse r;
    r.content_type = "text/event-stream";
    r.stream = source;
    return r;
  });
}

ApiResponse echo(const ApiRequest& r) {
  ApiResponse out;
  out.body = Json{{"method", r.method}, {"path", r.path}, {"body", r.body}}.dump();
  return out;
}

}  // namespace

TEST_CASE("http listener: a keep-alive connection serves several requests") {
  RunningListener l;
  l.listener.route("POST", "/echo", echo);
  REQUIRE(l.start());
  std::string req = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
  int fd = open_and_send(l.port, req + req);  // pipelined
  REQUIRE(fd >= 0);
  std::string got = read_until(fd, "\"body\":\"abc\"}", milliseconds(3000));
  got += read_until(fd, "\"body\":\"abc\"}", milliseconds(3000));
  close(fd);
  std::size_t first = got.find("HTTP/1.1 200");
  REQUIRE(first != std::string::npos);
  CHECK(got.find("HTTP/1.1 200", first + 1) != std::string::npos);
  CHECK(got.find("Keep-Alive: timeout=5") != std::string::npos);
}

TEST_CASE("http listener: an event stream reaches the client as it is produced") {
  RunningListener l;
  auto source = std::make_shared<ManualSource>();
  route_events(l.listener, source);
  REQUIRE(l.start());
  int fd =
      open_and_send(l.port, "GET /events HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip, br\r\n\r\n");
  REQUIRE(fd >= 0);
  source->push("data: one\n\n");
  std::string got = read_until(fd, "data: one", milliseconds(3000));
  CHECK(got.find("data: one") != std::string::npos);  // before the second event exists
  CHECK(got.find("Content-Encoding") == std::string::npos);
  CHECK(got.find("Transfer-Encoding: chunked") != std::string::npos);
  source->push("data: two\n\n");
  got = read_until(fd, "data: two", milliseconds(3000));
  CHECK(got.find("data: two") != std::string::npos);
  source->end();
  std::string rest = read_until(fd, "0\r\n\r\n", milliseconds(3000));
  CHECK(rest.find("0\r\n\r\n") != std::string::npos);
  close(fd);
}

TEST_CASE("http listener: an oversized body is refused with 413 before it is sent") {
  ListenerOptions o;
  o.max_body_bytes = 100;
  std::mutex mu;
  std::vector<std::pair<int, std::string>> refused;
  o.on_refused = [&](int status, const std::string& path) {
    std::lock_guard<std::mutex> lock(mu);
    refused.emplace_back(status, path);
  };
  RunningListener l(o);
  l.listener.route("POST", "/echo", echo);
  REQUIRE(l.start());
  int fd = open_and_send(l.port,
                         "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n"
                         "Expect: 100-continue\r\n\r\n");
  REQUIRE(fd >= 0);
  std::string got;
  read_to_close(fd, got, milliseconds(3000));
  close(fd);
  CHECK(got.rfind("HTTP/1.1 413", 0) == 0);
  CHECK(got.find("100 Continue") == std::string::npos);
  CHECK(got.find("max_body_bytes") != std::string::npos);

  // A request line that does not parse is refused too, without a path.
  fd = open_and_send(l.port, "GARBAGE\r\n\r\n");
  REQUIRE(fd >= 0);
  got.clear();
  read_to_close(fd, got, milliseconds(3000));
  close(fd);
  CHECK(got.rfind("HTTP/1.1 400", 0) == 0);
  std::lock_guard<std::mutex> lock(mu);
  CHECK(refused == std::vector<std::pair<int, std::string>>{{413, "/echo"}, {400, ""}});
}

TEST_CASE("http listener: a client still uploading an oversized body reads the 413, not a reset") {
  ListenerOptions o;
  o.max_body_bytes = 100;
  RunningListener l(o);
  l.listener.route("POST", "/echo", echo);
  REQUIRE(l.start());
  // No Expect: the client sends its whole body (8 MiB) before reading, as most clients do.
  const std::size_t body_size = 8u << 20;
  int fd = open_and_send(l.port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                     std::to_string(body_size) + "\r\n\r\n");
  REQUIRE(fd >= 0);
  std::size_t sent = 0;
  std::string piece(64 * 1024, 'x');
  while (sent < body_size) {
    ssize_t n = send(fd, piece.data(), piece.size(), MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  CHECK(sent == body_size);  // the server read (and dropped) the body instead of resetting
  std::string got;
  CHECK(read_to_close(fd, got, milliseconds(3000)));
  close(fd);
  CHECK(got.rfind("HTTP/1.1 413", 0) == 0);
  CHECK(got.find("max_body_bytes") != std::string::npos);
}

TEST_CASE("http listener: 100 Continue reaches a client that waits for it before its body") {
  // Responses are collected and flushed once; an interim 100 must still leave at once, before
  // the listener blocks reading the body.
  RunningListener l;
  l.listener.route("POST", "/echo", echo);
  REQUIRE(l.start());
  int fd = open_and_send(l.port,
                         "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                         "Expect: 100-continue\r\n\r\n");
  REQUIRE(fd >= 0);
  std::string interim = read_until(fd, "\r\n\r\n", milliseconds(3000));
  CHECK(interim.rfind("HTTP/1.1 100", 0) == 0);
  REQUIRE(::write(fd, "hello", 5) == 5);
  std::string reply = read_until(fd, "hello", milliseconds(3000));
  close(fd);
  CHECK(reply.find("HTTP/1.1 200") != std::string::npos);
  CHECK(reply.find(R"("body":"hello")") != std::string::npos);
}

TEST_CASE("http listener: pipelined requests are answered in order, each response complete") {
  RunningListener l;
  l.listener.route("POST", "/echo", echo);
  REQUIRE(l.start());
  int fd = open_and_send(l.port,
                         "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none"
                         "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\ntwo");
  REQUIRE(fd >= 0);
  std::string got = read_until(fd, R"("body":"two")", milliseconds(3000));
  close(fd);
  size_t first = got.find(R"("body":"one")");
  size_t second = got.find(R"("body":"two")");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  CHECK(first < second);
  CHECK(got.find("HTTP/1.1 200", first) != std::string::npos);
}

TEST_CASE("http listener: a client that hangs up cancels its request's token") {
  RunningListener l;
  std::atomic<bool> entered{false};
  std::atomic<int> reason{-1};
  l.listener.route("GET", "/wait", [&](const ApiRequest& r) {
    entered = true;
    std::mutex mu;
    std::condition_variable cv;
    bool gone = false;
    CancelSubscription sub(r.cancel.get(), [&] {
      std::lock_guard<std::mutex> lock(mu);
      gone = true;
      cv.notify_all();
    });
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, milliseconds(5000), [&] { return gone; });
    reason = static_cast<int>(r.cancel->reason());
    return ApiResponse{};
  });
  REQUIRE(l.start());
  int fd = open_and_send(l.port, "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(fd >= 0);
  for (int i = 0; i < 300 && !entered; ++i) std::this_thread::sleep_for(milliseconds(10));
  REQUIRE(entered.load());
  auto t0 = std::chrono::steady_clock::now();
  close(fd);
  for (int i = 0; i < 300 && reason < 0; ++i) std::this_thread::sleep_for(milliseconds(5));
  auto waited = std::chrono::steady_clock::now() - t0;
  CHECK(reason == static_cast<int>(CancelReason::kCallerGone));
  CHECK(waited < milliseconds(1000));
}

TEST_CASE("http listener: after stop_accepting new connections are refused, active ones finish") {
  RunningListener l;
  std::atomic<bool> entered{false}, release{false};
  l.listener.route("GET", "/slow", [&](const ApiRequest&) {
    entered = true;
    while (!release) std::this_thread::sleep_for(milliseconds(5));
    ApiResponse r;
    r.body = "{\"done\":true}";
    return r;
  });
  REQUIRE(l.start());
  HttpReply reply;
  std::thread client([&] { reply = http_request(l.port, "GET", "/slow"); });
  for (int i = 0; i < 300 && !entered; ++i) std::this_thread::sleep_for(milliseconds(10));
  REQUIRE(entered.load());
  l.listener.stop_accepting();
  l.thread.join();
  CHECK(l.listener.active_requests() == 1);
  CHECK(http_request(l.port, "GET", "/slow", "", {}, milliseconds(500)).status == 0);
  release = true;
  CHECK(l.listener.wait_for_idle(std::chrono::steady_clock::now() + milliseconds(3000)));
  client.join();
  CHECK(reply.status == 200);
  CHECK(reply.json()["done"] == true);
}

TEST_CASE(
    "http listener: a malformed request gets 400 in the OpenAI shape and the connection closes") {
  RunningListener l;
  l.listener.route("POST", "/echo", echo);
  REQUIRE(l.start());
  int fd = open_and_send(l.port,
                         "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  REQUIRE(fd >= 0);
  std::string got;
  CHECK(read_to_close(fd, got, milliseconds(3000)));
  close(fd);
  CHECK(got.rfind("HTTP/1.1 400", 0) == 0);
  CHECK(got.find("Connection: close") != std::string::npos);
  CHECK(got.find(R"("type":"invalid_request_error")") != std::string::npos);
  CHECK(got.find("Content-Length and Transfer-Encoding") != std::string::npos);
}

TEST_CASE("http listener: an unsupported Transfer-Encoding is 501") {
  RunningListener l;
  l.listener.route("POST", "/echo", echo);
  REQUIRE(l.start());
  int fd = open_and_send(
      l.port, "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
  REQUIRE(fd >= 0);
  std::string got;
  CHECK(read_to_close(fd, got, milliseconds(3000)));
  close(fd);
  CHECK(got.rfind("HTTP/1.1 501", 0) == 0);
}

TEST_CASE("http listener: a chunked request body reaches the handler de-chunked") {
  RunningListener l;
  l.listener.route("POST", "/echo", echo);
  REQUIRE(l.start());
  int fd = open_and_send(l.port,
                         "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  REQUIRE(fd >= 0);
  std::string got = read_until(fd, "}", milliseconds(3000));
  close(fd);
  CHECK(got.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(got.find(R"("body":"abcde")") != std::string::npos);
}

TEST_CASE("http listener: HTTP/1.0 closes unless asked to keep alive; HEAD has no body") {
  RunningListener l;
  l.listener.route("POST", "/echo", echo);
  l.listener.route("GET", "/echo", echo);
  REQUIRE(l.start());
  int fd = open_and_send(l.port, "GET /echo HTTP/1.0\r\n\r\n");
  REQUIRE(fd >= 0);
  std::string plain;
  CHECK(read_to_close(fd, plain, milliseconds(3000)));
  close(fd);
  CHECK(plain.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(plain.find("Connection: close") != std::string::npos);

  fd = open_and_send(l.port,
                     "HEAD /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                     "GET /echo HTTP/1.0\r\n\r\n");
  REQUIRE(fd >= 0);
  std::string both;
  CHECK(read_to_close(fd, both, milliseconds(3000)));
  close(fd);
  std::size_t second = both.find("HTTP/1.1 200", 1);
  REQUIRE(second != std::string::npos);
  std::string head_reply = both.substr(0, second);
  CHECK(head_reply.find("Connection: keep-alive") != std::string::npos);
  CHECK(head_reply.find("Content-Length: ") != std::string::npos);
  CHECK(head_reply.size() == head_reply.find("\r\n\r\n") + 4);  // nothing after the head
  CHECK(both.find(R"("method":"GET")", second) != std::string::npos);
}

TEST_CASE("http listener: an event stream to an HTTP/1.0 client ends by closing, unchunked") {
  RunningListener l;
  auto source = std::make_shared<ManualSource>();
  route_events(l.listener, source);
  REQUIRE(l.start());
  int fd = open_and_send(l.port, "GET /events HTTP/1.0\r\n\r\n");
  REQUIRE(fd >= 0);
  source->push("data: one\n\n");
  source->end();
  std::string got;
  CHECK(read_to_close(fd, got, milliseconds(3000)));
  close(fd);
  CHECK(got.find("Transfer-Encoding") == std::string::npos);
  CHECK(got.substr(got.find("\r\n\r\n") + 4) == "data: one\n\n");
}

TEST_CASE("http listener: a request head that does not arrive in read_timeout gets 408") {
  ListenerOptions o;
  o.read_timeout = milliseconds(300);
  RunningListener l(o);
  l.listener.route("POST", "/echo", echo);
  REQUIRE(l.start());
  auto start = std::chrono::steady_clock::now();
  int fd = open_and_send(l.port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  REQUIRE(fd >= 0);
  std::string got;
  CHECK(read_to_close(fd, got, milliseconds(3000)));
  close(fd);
  CHECK(std::chrono::steady_clock::now() - start < milliseconds(2500));
  CHECK(got.rfind("HTTP/1.1 408", 0) == 0);
  CHECK(got.find("read_timeout_ms = 300") != std::string::npos);
}

TEST_CASE("http listener: the last request a connection may serve says Connection: close") {
  ListenerOptions o;
  o.max_requests_per_connection = 2;
  RunningListener l(o);
  l.listener.route("GET", "/echo", echo);
  REQUIRE(l.start());
  std::string req = "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n";
  int fd = open_and_send(l.port, req + req + req);
  REQUIRE(fd >= 0);
  std::string got;
  CHECK(read_to_close(fd, got, milliseconds(3000)));
  close(fd);
  std::size_t second = got.find("HTTP/1.1 200", 1);
  REQUIRE(second != std::string::npos);
  CHECK(got.find("Connection: close", second) != std::string::npos);
  CHECK(got.find("HTTP/1.1", second + 1) == std::string::npos);  // the third is not served
}

TEST_CASE("http listener: a handler that throws is a 500 and the connection goes on") {
  RunningListener l;
  l.listener.route("GET", "/boom",
                   [](const ApiRequest&) -> ApiResponse { throw std::runtime_error("bug"); });
  l.listener.route("GET", "/echo", echo);
  REQUIRE(l.start());
  int fd = open_and_send(
      l.port, "GET /boom HTTP/1.1\r\nHost: x\r\n\r\nGET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(fd >= 0);
  std::string got = read_until(fd, R"("path":"/echo")", milliseconds(3000));
  close(fd);
  CHECK(got.rfind("HTTP/1.1 500", 0) == 0);
  CHECK(got.find(R"("type":"server_error")") != std::string::npos);
  CHECK(got.find(R"("path":"/echo")") != std::string::npos);
}

TEST_CASE("http listener: a hang-up during a later request of a keep-alive connection cancels it") {
  RunningListener l;
  std::atomic<int> reason{-1};
  std::atomic<bool> entered{false};
  l.listener.route("GET", "/echo", echo);
  l.listener.route("GET", "/wait", [&](const ApiRequest& r) {
    entered = true;
    for (int i = 0; i < 500 && !r.cancel->cancelled(); ++i) {
      std::this_thread::sleep_for(milliseconds(10));
    }
    reason = static_cast<int>(r.cancel->reason());
    return ApiResponse{};
  });
  REQUIRE(l.start());
  int fd = open_and_send(l.port, "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(fd >= 0);
  REQUIRE(read_until(fd, R"("path":"/echo")", milliseconds(3000)).find("200") != std::string::npos);
  std::string second = "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n";
  REQUIRE(::write(fd, second.data(), second.size()) == static_cast<ssize_t>(second.size()));
  for (int i = 0; i < 300 && !entered; ++i) std::this_thread::sleep_for(milliseconds(10));
  REQUIRE(entered.load());
  auto t0 = std::chrono::steady_clock::now();
  close(fd);
  for (int i = 0; i < 300 && reason < 0; ++i) std::this_thread::sleep_for(milliseconds(5));
  CHECK(reason == static_cast<int>(CancelReason::kCallerGone));
  CHECK(std::chrono::steady_clock::now() - t0 < milliseconds(1000));
}
