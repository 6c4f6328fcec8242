// stream_probe: measures what a gateway adds to a streamed chat completion (bench/run.sh).
//
// It runs its own OpenAI-style SSE upstream on 127.0.0.1:--upstream-port and, as the client,
// sends --requests streaming requests directly to it and then the same number through the
// gateway at --gateway (whose provider base_url points at this upstream). Every content
// event the upstream writes carries its own send time ("t<nanoseconds> ", steady clock; the
// server and the client are one process), so the client measures for each event exactly how
// long it took to arrive: the per-chunk relay delay. Time to first token (TTFT) is from just
// before the request is written to the first event with non-empty content. Events are paced
// --interval-us apart so that each one crosses the gateway on its own.
//
// Output, one line per path: "direct requests=N ttft_p50_us=... ttft_p99_us=...
// relay_p50_us=... relay_p99_us=... events=N errors=N". Exit status 1 when any request failed
// (non-200, a missing event, no [DONE]) and 2 on usage errors, so the smoke run can rely on
// it. Single-threaded client, one keep-alive connection per path; each upstream connection
// gets its own thread. POSIX sockets only: this tool must not share code paths with the
// gateway it measures.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using SteadyClock = std::chrono::steady_clock;

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch())
      .count();
}

struct Options {
  int upstream_port = 0;
  std::string gateway_host = "127.0.0.1";
  int gateway_port = 0;
  std::string model = "bench/gpt-4o-mini";  // as the gateway knows it
  int requests = 50;
  int chunks = 20;
  int interval_us = 2000;
  int warmup = 5;
};

void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads one HTTP request or response head (through the blank line) into `head`; whatever
// followed it stays in `buf`. False on EOF or error.
bool read_head(int fd, std::string& buf, std::string& head) {
  for (;;) {
    size_t end = buf.find("\r\n\r\n");
    if (end != std::string::npos) {
      head = buf.substr(0, end + 4);
      buf.erase(0, end + 4);
      return true;
    }
    char tmp[8192];
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<size_t>(n));
  }
}

long content_length(const std::string& head) {
  std::string lower(head);
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  size_t at = lower.find("\r\ncontent-length:");
  return at == std::string::npos ? 0 : std::strtol(lower.c_str() + at + 17, nullptr, 10);
}

// ---- the upstream --------------------------------------------------------------------------

std::string chunk_frame(std::string_view payload) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", payload.size());
  return std::string(size) + std::string(payload) + "\r\n";
}

std::string sse_event(std::string_view delta, std::string_view finish) {
  return "data: {\"id\":\"chatcmpl-probe\",\"object\":\"chat.completion.chunk\",\"created\":1,"
         "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":" +
         std::string(delta) + ",\"finish_reason\":" + std::string(finish) + "}]}\n\n";
}

bool stream_reply(int fd, const Options& o) {
  const std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  if (!write_all(fd, head + chunk_frame(sse_event(R"({"role":"assistant","content":""})", "null"))))
    return false;
  for (int i = 0; i < o.chunks; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::microseconds(o.interval_us));
    std::string delta = "{\"content\":\"t" + std::to_string(now_ns()) + " \"}";
    if (!write_all(fd, chunk_frame(sse_event(delta, "null")))) return false;
  }
  std::string tail = chunk_frame(sse_event("{}", "\"stop\"")) + chunk_frame("data: [DONE]\n\n");
  return write_all(fd, tail + "0\r\n\r\n");
}

void serve_connection(int fd, Options o) {
  set_nodelay(fd);
  std::string buf, head;
  while (read_head(fd, buf, head)) {
    size_t need = static_cast<size_t>(content_length(head));
    while (buf.size() < need) {
      char tmp[8192];
      ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
      if (n <= 0) break;
      buf.append(tmp, static_cast<size_t>(n));
    }
    if (buf.size() < need) break;
    buf.erase(0, need);
    if (!stream_reply(fd, o)) break;
  }
  close(fd);
}

int listen_on(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 128) != 0) {
    std::perror("stream_probe: cannot listen on the upstream port");
    std::exit(1);
  }
  return fd;
}

void run_upstream(int listen_fd, Options o) {
  for (;;) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;  // the listening socket was shut down
    std::thread(serve_connection, fd, o).detach();
  }
}

// ---- the client ----------------------------------------------------------------------------

int connect_to(const std::string& host, int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  set_nodelay(fd);
  return fd;
}

struct Sample {
  long long ttft_ns = -1;
  std::vector<long long> relay_ns;
  bool done = false;
  std::string error;
};

// Decodes a chunked body incrementally and hands complete SSE lines to `on_line`.
class ChunkedSse {
 public:
  // Returns false when the terminating zero-size chunk has been consumed.
  template <typename OnLine>
  bool feed(std::string& buf, OnLine on_line) {
    for (;;) {
      if (remaining_ == 0) {
        size_t eol = buf.find("\r\n");
        if (eol == std::string::npos) return true;
        if (eol == 0) {  // the CRLF closing the previous chunk, or the whole body
          buf.erase(0, 2);
          if (last_chunk_) return false;
          continue;
        }
        remaining_ = std::strtol(buf.c_str(), nullptr, 16);
        buf.erase(0, eol + 2);
        if (remaining_ == 0) last_chunk_ = true;  // no trailers: a CRLF follows
        continue;
      }
      size_t take = std::min(buf.size(), static_cast<size_t>(remaining_));
      if (take == 0) return true;
      text_.append(buf, 0, take);
      buf.erase(0, take);
      remaining_ -= static_cast<long>(take);
      for (size_t nl; (nl = text_.find('\n')) != std::string::npos;) {
        on_line(std::string_view(text_).substr(0, nl));
        text_.erase(0, nl + 1);
      }
    }
  }

 private:
  long remaining_ = 0;
  bool last_chunk_ = false;
  std::string text_;
};

// Handles one "data: ..." line; returns false on [DONE].
bool on_data(std::string_view data, long long sent_at, Sample& s) {
  if (data == "[DONE]") {
    s.done = true;
    return false;
  }
  size_t at = data.find("\"content\":\"t");
  if (at == std::string_view::npos) return true;
  long long now = now_ns();
  long long stamp = std::strtoll(data.data() + at + 12, nullptr, 10);
  if (s.ttft_ns < 0) s.ttft_ns = now - sent_at;
  s.relay_ns.push_back(now - stamp);
  return true;
}

Sample one_request(int fd, const std::string& host, const Options& o, std::string& buf) {
  std::string body = "{\"model\":\"" + o.model +
                     "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"probe\"}]}";
  std::string req = "POST /v1/chat/completions HTTP/1.1\r\nHost: " + host +
                    "\r\nContent-Type: application/json\r\nAuthorization: Bearer sk-bench\r\n"
                    "Content-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body;
  Sample s;
  long long sent_at = now_ns();
  std::string head;
  if (!write_all(fd, req) || !read_head(fd, buf, head)) {
    s.error = "connection failed";
    return s;
  }
  if (head.rfind("HTTP/1.1 200", 0) != 0) {
    s.error = "status: " + head.substr(0, head.find("\r\n"));
    return s;
  }
  // Reads to the end of the chunked body, so the connection is ready for the next request.
  ChunkedSse decoder;
  bool body_ended = false;
  while (!body_ended) {
    body_ended = !decoder.feed(buf, [&](std::string_view line) {
      if (line.rfind("data: ", 0) == 0) on_data(line.substr(6), sent_at, s);
    });
    if (body_ended) break;
    char tmp[16384];
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) break;
    buf.append(tmp, static_cast<size_t>(n));
  }
  if (s.relay_ns.size() != static_cast<size_t>(o.chunks)) {
    s.error = "got " + std::to_string(s.relay_ns.size()) + " of " + std::to_string(o.chunks) +
              " content events";
  } else if (!s.done) {
    s.error = "the stream ended without [DONE]";
  } else if (!body_ended) {
    s.error = "the chunked body did not end";
  }
  return s;
}

long long percentile_us(std::vector<long long> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)] / 1000;
}

// Runs warmup + requests on one keep-alive connection; prints one result line.
int measure(const char* label, const std::string& host, int port, const Options& o) {
  std::vector<long long> ttft, relay;
  int errors = 0;
  std::string first_error;
  int fd = -1;
  std::string buf;
  for (int i = 0; i < o.warmup + o.requests; ++i) {
    if (fd < 0) {
      fd = connect_to(host, port);
      buf.clear();
    }
    Sample s = fd < 0 ? Sample{-1, {}, false, "cannot connect"} : one_request(fd, host, o, buf);
    if (!s.error.empty()) {
      if (fd >= 0) close(fd);
      fd = -1;
      if (first_error.empty()) first_error = s.error;
      ++errors;
      continue;
    }
    if (i < o.warmup) continue;
    ttft.push_back(s.ttft_ns);
    relay.insert(relay.end(), s.relay_ns.begin(), s.relay_ns.end());
  }
  if (fd >= 0) close(fd);
  std::printf(
      "%s requests=%zu ttft_p50_us=%lld ttft_p99_us=%lld relay_p50_us=%lld relay_p99_us=%lld "
      "events=%zu errors=%d\n",
      label, ttft.size(), percentile_us(ttft, 0.5), percentile_us(ttft, 0.99),
      percentile_us(relay, 0.5), percentile_us(relay, 0.99), relay.size(), errors);
  if (errors > 0) std::fprintf(stderr, "stream_probe: %s: %s\n", label, first_error.c_str());
  std::fflush(stdout);
  return errors;
}

bool parse_args(int argc, char** argv, Options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--upstream-port") {
      o.upstream_port = std::atoi(v);
    } else if (k == "--gateway-port") {
      o.gateway_port = std::atoi(v);
    } else if (k == "--model") {
      o.model = v;
    } else if (k == "--requests") {
      o.requests = std::atoi(v);
    } else if (k == "--chunks") {
      o.chunks = std::atoi(v);
    } else if (k == "--interval-us") {
      o.interval_us = std::atoi(v);
    } else if (k == "--warmup") {
      o.warmup = std::atoi(v);
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && o.upstream_port > 0 && o.requests > 0 && o.chunks > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_args(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: stream_probe --upstream-port P [--gateway-port G] [--model M] "
                 "[--requests N] [--chunks N] [--interval-us US] [--warmup N]\n");
    return 2;
  }
  int listen_fd = listen_on(o.upstream_port);
  std::thread(run_upstream, listen_fd, o).detach();
  int errors = measure("direct", "127.0.0.1", o.upstream_port, o);
  if (o.gateway_port > 0) errors += measure("through", o.gateway_host, o.gateway_port, o);
  shutdown(listen_fd, SHUT_RDWR);
  return errors == 0 ? 0 : 1;
}
