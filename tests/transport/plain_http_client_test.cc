// Loopback tests of our own HTTP/1.1 client (http:// through HttpTransport) against raw TCP
// peers that write exactly the bytes a test wants. Every wait is bounded.
#include "lib/transport/plain_http_client.h"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "lib/transport/http_transport.h"
#include "tests/support/raw_tcp_server.h"
#include "tests/support/recording_handler.h"

using namespace understudy;
using namespace understudy::testing;
using namespace std::chrono_literals;

namespace {

using SteadyClock = std::chrono::steady_clock;

HttpRequest get(const RawTcpServer& server, const std::string& path = "/") {
  HttpRequest req;
  req.method = "GET";
  req.base_url = server.base_url();
  req.path = path;
  return req;
}

TransportOptions quick() {
  TransportOptions o;
  o.connect_timeout = 2000ms;
  o.read_timeout = 3000ms;
  return o;
}

const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

// A peer that reads one request head, writes `response`, then keeps the connection open or
// closes it.
RawTcpServer::OnAccept answer_once(std::string response, bool keep_open) {
  return [response, keep_open](int fd) {
    RawTcpServer::read_request_head(fd, 2s);
    RawTcpServer::write_all(fd, response);
    return keep_open;
  };
}

void no_delay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace

TEST_CASE("plain http client: N sequential requests use one upstream connection") {
  constexpr int kRequests = 20;
  std::atomic<int> served{0};
  std::string first_head;
  RawTcpServer peer([&](int fd) {
    for (int i = 0; i < kRequests; ++i) {
      std::string head = RawTcpServer::read_request_head(fd, 2s);
      if (head.empty()) break;
      if (i == 0) first_head = head;
      served.fetch_add(1);  // before answering: the client may finish as soon as it has read
      RawTcpServer::write_all(
          fd, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + std::to_string(i % 10));
    }
    return false;
  });
  REQUIRE(peer.ok());
  HttpTransport transport;
  for (int i = 0; i < kRequests; ++i) {
    RecordingHandler r;
    TransportResult result = transport.send(get(peer, "/n"), r, nullptr, quick());
    REQUIRE_MESSAGE(result.ok(), result.message);
    CHECK(r.body == std::to_string(i % 10));
  }
  CHECK(peer.accepted() == 1);
  CHECK(served.load() == kRequests);
  CHECK(first_head.rfind(
            "GET /n HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(peer.port()) + "\r\n", 0) == 0);
}

TEST_CASE("plain http client: the request head and body leave in one write") {
  std::string received;
  RawTcpServer peer([&](int fd) {
    // The whole request must be there as soon as anything is: one sendmsg() on loopback.
    std::this_thread::sleep_for(50ms);
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) received.assign(buf, static_cast<size_t>(n));
    RawTcpServer::write_all(fd, kOk);
    return false;
  });
  REQUIRE(peer.ok());
  HttpTransport transport;
  HttpRequest req = get(peer, "/v1/chat/completions");
  req.method = "POST";
  req.headers = {{"Content-Type", "application/json"}};
  req.body = "{\"model\":\"m\"}";
  RecordingHandler r;
  TransportResult result = transport.send(req, r, nullptr, quick());
  REQUIRE_MESSAGE(result.ok(), result.message);
  CHECK(received.rfind("POST /v1/chat/completions HTTP/1.1\r\n", 0) == 0);
  CHECK(received.find("Content-Length: 13\r\n") != std::string::npos);
  CHECK(received.size() > req.body.size());
  CHECK(received.substr(received.size() - req.body.size()) == req.body);
}

TEST_CASE("plain http client: a pooled connection the server closed while idle is replaced") {
  // A keep-alive response, then the server closes the connection.
  RawTcpServer peer(answer_once(kOk, false));
  REQUIRE(peer.ok());
  HttpTransport transport;
  for (int i = 0; i < 3; ++i) {
    RecordingHandler r;
    TransportResult result = transport.send(get(peer), r, nullptr, quick());
    REQUIRE_MESSAGE(result.ok(), result.message);
    CHECK(r.body == "ok");
    std::this_thread::sleep_for(20ms);  // the FIN reaches the pooled socket
  }
  CHECK(peer.accepted() == 3);
}

TEST_CASE("plain http client: a reused connection closed as the request arrives is retried once") {
  // The keep-alive race: the server takes the second request off the wire and closes
  // without answering, as a server timing out an idle connection does.
  std::atomic<int> connection{0};
  RawTcpServer peer([&](int fd) {
    int n = connection.fetch_add(1);
    RawTcpServer::read_request_head(fd, 2s);
    RawTcpServer::write_all(fd, n == 0 ? kOk : "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
    if (n == 0) RawTcpServer::read_request_head(fd, 2s);  // the reused request: dropped
    return false;
  });
  REQUIRE(peer.ok());
  HttpTransport transport;
  RecordingHandler first;
  REQUIRE(transport.send(get(peer), first, nullptr, quick()).ok());
  RecordingHandler second;
  TransportResult result = transport.send(get(peer), second, nullptr, quick());
  REQUIRE_MESSAGE(result.ok(), result.message);
  CHECK(second.heads == 1);
  CHECK(second.body == "fresh");
  CHECK(peer.accepted() == 2);
}

TEST_CASE("plain http client: an answer sent before the request body was read is delivered") {
  // The server answers 413 after the head and closes with our body unread (the kernel then
  // resets the connection), so writing the body fails. Its answer is what the caller needs;
  // on a reused connection it must not be mistaken for the keep-alive race and resent.
  const std::string too_big =
      "HTTP/1.1 413 Content Too Large\r\nContent-Length: 7\r\nConnection: close\r\n\r\ntoo big";
  for (bool reuse : {false, true}) {
    CAPTURE(reuse);
    std::atomic<int> connection{0};
    RawTcpServer peer([&](int fd) {
      if (reuse && connection.fetch_add(1) == 0) {
        RawTcpServer::read_request_head(fd, 2s);
        RawTcpServer::write_all(fd, kOk);
      }
      RawTcpServer::read_request_head(fd, 2s);
      RawTcpServer::write_all(fd, too_big);
      return false;
    });
    REQUIRE(peer.ok());
    HttpTransport transport;
    if (reuse) {
      RecordingHandler first;
      REQUIRE(transport.send(get(peer), first, nullptr, quick()).ok());
    }
    HttpRequest post = get(peer);
    post.method = "POST";
    post.body.assign(16u << 20, 'x');
    RecordingHandler r;
    TransportResult result = transport.send(post, r, nullptr, quick());
    REQUIRE_MESSAGE(result.ok(), result.message);
    CHECK(r.head.status == 413);
    CHECK(r.body == "too big");
    std::this_thread::sleep_for(50ms);
    CHECK(peer.accepted() == 1);
  }
}

TEST_CASE("plain http client: a fresh connection closed before any answer is not retried") {
  RawTcpServer peer([](int fd) {
    RawTcpServer::read_request_head(fd, 2s);
    return false;  // closes without a byte
  });
  REQUIRE(peer.ok());
  HttpTransport transport;
  RecordingHandler r;
  TransportResult result = transport.send(get(peer), r, nullptr, quick());
  CHECK(result.error == TransportError::kReset);
  CHECK(result.message.find("before the response headers arrived") != std::string::npos);
  std::this_thread::sleep_for(50ms);
  CHECK(peer.accepted() == 1);
}

TEST_CASE(
    "plain http client: a reused connection that goes silent is a read timeout, not retried") {
  // Keeps the connection open after the first answer and answers nothing more.
  RawTcpServer peer(answer_once(kOk, true));
  REQUIRE(peer.ok());
  HttpTransport transport;
  RecordingHandler first;
  REQUIRE(transport.send(get(peer), first, nullptr, quick()).ok());
  TransportOptions o = quick();
  o.read_timeout = 150ms;
  RecordingHandler second;
  auto start = SteadyClock::now();
  TransportResult result = transport.send(get(peer), second, nullptr, o);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
  CHECK(result.error == TransportError::kReadTimeout);
  CHECK(took.count() >= 140);
  CHECK(took.count() < 1500);
  CHECK(peer.accepted() == 1);
}

TEST_CASE("plain http client: a response cut short on a reused connection is not retried") {
  RawTcpServer peer([](int fd) {
    RawTcpServer::read_request_head(fd, 2s);
    RawTcpServer::write_all(fd, kOk);
    RawTcpServer::read_request_head(fd, 2s);
    RawTcpServer::write_all(fd, "HTTP/1.1 200 OK\r\nContent-Le");
    return false;
  });
  REQUIRE(peer.ok());
  HttpTransport transport;
  RecordingHandler first;
  REQUIRE(transport.send(get(peer), first, nullptr, quick()).ok());
  RecordingHandler second;
  TransportResult result = transport.send(get(peer), second, nullptr, quick());
  CHECK(result.error == TransportError::kReset);
  CHECK_FALSE(result.head_received);
  std::this_thread::sleep_for(50ms);
  CHECK(peer.accepted() == 1);
}

TEST_CASE("plain http client: chunked pieces reach the handler before the response ends") {
  std::atomic<bool> client_saw_first{false};
  std::atomic<bool> server_waited_ok{false};
  RawTcpServer peer([&](int fd) {
    no_delay(fd);
    RawTcpServer::read_request_head(fd, 2s);
    RawTcpServer::write_all(fd,
                            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                            "Transfer-Encoding: chunked\r\n\r\nb\r\ndata: one\n\n\r\n");
    // The rest is only sent once the client has handed the first event to its handler.
    auto end = SteadyClock::now() + 2s;
    while (!client_saw_first.load() && SteadyClock::now() < end) {
      std::this_thread::sleep_for(2ms);
    }
    server_waited_ok.store(client_saw_first.load());
    RawTcpServer::write_all(fd, "b\r\ndata: two\n\n\r\n");
    std::this_thread::sleep_for(10ms);
    RawTcpServer::write_all(fd, "0\r\n\r\n");
    return true;
  });
  REQUIRE(peer.ok());
  HttpTransport transport;
  RecordingHandler r;
  r.on_piece = [&](std::string_view bytes) {
    if (bytes.find("one") != std::string_view::npos) client_saw_first.store(true);
    return true;
  };
  TransportResult result = transport.send(get(peer), r, nullptr, quick());
  REQUIRE_MESSAGE(result.ok(), result.message);
  CHECK(server_waited_ok.load());
  CHECK(r.pieces.size() >= 2);
  CHECK(r.pieces.front() == "data: one\n\n");
  CHECK(r.body == "data: one\n\ndata: two\n\n");
  CHECK(transport.idle_connections() == 1);
}

TEST_CASE("plain http client: a response head written a byte at a time is parsed") {
  const std::string response =
      "HTTP/1.1 201 Created\r\nX-Request-Id: r-1\r\nContent-Length: 4\r\n\r\nbody";
  RawTcpServer peer([&](int fd) {
    no_delay(fd);
    RawTcpServer::read_request_head(fd, 2s);
    for (char c : response) {
      RawTcpServer::write_all(fd, std::string(1, c));
      std::this_thread::sleep_for(1ms);
    }
    return true;
  });
  REQUIRE(peer.ok());
  HttpTransport transport;
  RecordingHandler r;
  TransportResult result = transport.send(get(peer), r, nullptr, quick());
  REQUIRE_MESSAGE(result.ok(), result.message);
  CHECK(r.heads == 1);
  CHECK(r.head.status == 201);
  CHECK(header_value(r.head.headers, "X-Request-Id") == std::optional<std::string>("r-1"));
  CHECK(r.body == "body");
  CHECK(transport.idle_connections() == 1);
}

TEST_CASE("plain http client: a garbage status line is kProtocol naming the endpoint") {
  RawTcpServer peer(answer_once("SSH-2.0-OpenSSH_9.2p1\r\n\r\n", true));
  REQUIRE(peer.ok());
  HttpTransport transport;
  RecordingHandler r;
  TransportResult result = transport.send(get(peer), r, nullptr, quick());
  CHECK(result.error == TransportError::kProtocol);
  CHECK(result.message.find("127.0.0.1:" + std::to_string(peer.port())) != std::string::npos);
  CHECK(result.message.find("status line") != std::string::npos);
  CHECK_FALSE(result.head_received);
  CHECK(r.heads == 0);
  CHECK(transport.idle_connections() == 0);
}

TEST_CASE(
    "plain http client: Connection: close, HTTP/1.0 and close-delimited bodies are not pooled") {
  const char* responses[] = {
      "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\n\r\nok",  // the body ends when the connection does
  };
  for (const char* response : responses) {
    RawTcpServer peer(answer_once(response, false));
    REQUIRE(peer.ok());
    HttpTransport transport;
    RecordingHandler r;
    TransportResult result = transport.send(get(peer), r, nullptr, quick());
    CAPTURE(response);
    REQUIRE_MESSAGE(result.ok(), result.message);
    CHECK(r.body == "ok");
    CHECK(transport.idle_connections() == 0);
  }
}

TEST_CASE("plain http client: a HEAD response is not followed by a body, and is pooled") {
  RawTcpServer peer(answer_once("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", true));
  REQUIRE(peer.ok());
  HttpTransport transport;
  HttpRequest head = get(peer);
  head.method = "HEAD";
  RecordingHandler r;
  TransportResult result = transport.send(head, r, nullptr, quick());
  REQUIRE_MESSAGE(result.ok(), result.message);
  CHECK(r.heads == 1);
  CHECK(r.body.empty());
  CHECK(transport.idle_connections() == 1);
}
