#include "lib/server/http_listener.h"

#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <map>
#include <mutex>
#include <vector>

#include "lib/server/connection_stream.h"
#include "lib/server/disconnect_watcher.h"
#include "lib/server/http1_request_parser.h"
#include "lib/server/http1_response.h"
#include "lib/server/socket_util.h"
#include "lib/server/worker_pool.h"

namespace understudy {

namespace {

using SteadyClock = std::chrono::steady_clock;

// Bodies up to this size are copied behind the head (one buffer, one send); larger ones are
// sent from where they are, together with the head in one sendmsg.
constexpr std::size_t kInlineBody = 16 * 1024;

struct Route {
  std::string method;
  std::string path;
  bool prefix = false;
  HttpListener::Handler handler;
};

// One client connection: its socket, buffers, parser, and the request in progress.
struct Connection {
  Connection(int fd, Millis write_timeout, Http1Limits limits)
      : fd(fd), io(fd, write_timeout), parser(limits) {}
  const int fd;
  ConnectionStream io;
  Http1RequestParser parser;
  DisconnectWatcher::Id watch_id = 0;
  std::string remote_addr;
  // The request in progress; written by the connection thread under Impl::mu_.
  std::shared_ptr<CancelToken> token;
  // The HTTP layer refused a request (400, 408, 413...) whose body may still be arriving.
  bool refused = false;
};

enum class ReadOutcome { kComplete, kRefused, kGone };

ApiResponse openai_error(int status, const std::string& message) {
  return error_response(status, message, error_type_for_status(status));
}

}  // namespace

class HttpListener::Impl {
 public:
  explicit Impl(ListenerOptions options);
  ~Impl();

  void route(Route r) { routes_.push_back(std::move(r)); }
  Result<int> bind();
  void run();
  void stop_accepting();
  bool stopping() const { return stopping_.load(); }
  int active_requests() const;
  bool wait_for_idle(SteadyClock::time_point deadline);
  void cancel_active(CancelReason reason);
  void close_connections();
  void join_connections() { connections_.stop(); }

 private:
  void serve_connection(int fd);
  bool serve_request(Connection& c, bool last);
  ReadOutcome read_request(Connection& c, SteadyClock::time_point deadline);
  void begin_request(Connection& c);
  void end_request(Connection& c);
  bool respond(Connection& c, bool last);
  ApiResponse dispatch(const ApiRequest& request, const std::string& method_sent) const;
  const Route* find_route(const std::string& method, const std::string& path,
                          bool& path_known) const;
  bool write_plain(Connection& c, const ApiResponse& res, bool head_only,
                   std::string_view connection_headers);
  bool write_stream(Connection& c, const ApiResponse& res, bool head_only, bool chunked,
                    std::string_view connection_headers);
  void refuse(Connection& c, int status, const std::string& message);
  void linger(Connection& c);
  std::string_view connection_headers(const Http1RequestHead& head, bool keep) const;

  const ListenerOptions options_;
  const Http1Limits limits_;
  const std::string keep_alive_11_;  // "Keep-Alive: timeout=5, max=10000\r\n"
  const std::string keep_alive_10_;  // the same with "Connection: keep-alive" for HTTP/1.0
  std::vector<Route> routes_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};
  WorkerPool connections_;
  DisconnectWatcher watcher_;
  mutable std::mutex mu_;
  std::condition_variable idle_cv_;
  // Every accepted socket; the Connection is null until a thread serves it.
  std::map<int, Connection*> open_;
  int active_ = 0;
};

namespace {

Http1Limits limits_for(const ListenerOptions& o) {
  Http1Limits l;
  l.max_body_bytes = o.max_body_bytes;
  return l;
}

std::string keep_alive_header(const ListenerOptions& o) {
  long long seconds = std::max<long long>(1, o.keep_alive_idle.count() / 1000);
  return "Keep-Alive: timeout=" + std::to_string(seconds) +
         ", max=" + std::to_string(o.max_requests_per_connection) + "\r\n";
}

}  // namespace

HttpListener::Impl::Impl(ListenerOptions options)
    : options_(std::move(options)),
      limits_(limits_for(options_)),
      keep_alive_11_(keep_alive_header(options_)),
      keep_alive_10_("Connection: keep-alive\r\n" + keep_alive_11_),
      connections_(options_.max_connections) {
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

HttpListener::Impl::~Impl() {
  stop_accepting();
  close_connections();
  connections_.stop();
  if (listen_fd_ >= 0) close(listen_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

Result<int> HttpListener::Impl::bind() {
  if (wake_fd_ < 0) return io_error("cannot create an eventfd for the listener");
  auto fd = open_listen_socket(options_.host, options_.port);
  if (!fd.ok()) return fd.status();
  listen_fd_ = *fd;
  return bound_port(listen_fd_);
}

void HttpListener::Impl::run() {
  while (!stopping_.load()) {
    WaitResult w = wait_readable(listen_fd_, wake_fd_, Millis(60000));
    if (w == WaitResult::kOther || stopping_.load()) break;
    if (w != WaitResult::kReady) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      // Out of descriptors: back off briefly instead of spinning on the pending connection.
      if (errno == EMFILE || errno == ENFILE) wait_readable(wake_fd_, -1, Millis(10));
      continue;
    }
    set_tcp_nodelay(fd);
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_[fd] = nullptr;
    }
    if (!connections_.submit([this, fd] { serve_connection(fd); })) {
      std::lock_guard<std::mutex> lock(mu_);
      open_.erase(fd);
      close(fd);
    }
  }
  close(listen_fd_);
  listen_fd_ = -1;
}

void HttpListener::Impl::stop_accepting() {
  if (stopping_.exchange(true)) return;
  std::uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!::write(wake_fd_, &one, sizeof one);
}

void HttpListener::Impl::serve_connection(int fd) {
  Connection c(fd, options_.write_timeout, limits_);
  int port = 0;
  peer_address(fd, c.remote_addr, port);
  c.watch_id = watcher_.add(fd);
  {
    std::lock_guard<std::mutex> lock(mu_);
    open_[fd] = &c;
  }
  for (int served = 1;; ++served) {
    if (!c.io.has_buffered()) {
      // The wake eventfd stays readable once the listener stops, ending idle connections.
      if (wait_readable(fd, wake_fd_, options_.keep_alive_idle) != WaitResult::kReady) break;
    }
    bool last = served >= options_.max_requests_per_connection || stopping_.load();
    if (!serve_request(c, last)) break;
  }
  if (c.refused) linger(c);
  watcher_.remove(c.watch_id, fd);
  {
    std::lock_guard<std::mutex> lock(mu_);
    open_.erase(fd);
  }
  shutdown(fd, SHUT_RDWR);
  close(fd);
}

// One request on the connection; false when the connection must not be reused.
bool HttpListener::Impl::serve_request(Connection& c, bool last) {
  c.parser.reset();
  // read_timeout bounds the whole request, head and body, from its first byte.
  ReadOutcome got = read_request(c, SteadyClock::now() + options_.read_timeout);
  bool keep = got == ReadOutcome::kComplete && respond(c, last);
  end_request(c);
  return keep;
}

ReadOutcome HttpListener::Impl::read_request(Connection& c, SteadyClock::time_point deadline) {
  while (true) {
    std::size_t used = 0;
    Http1RequestParser::Result r = c.parser.feed(c.io.buffered(), used);
    c.io.consume(used);
    switch (r) {
      case Http1RequestParser::Result::kHeadComplete:
        begin_request(c);
        // Leaves with the next receive() (before waiting for the body) or with the response.
        if (c.parser.head().expect_continue) c.io.out() += "HTTP/1.1 100 Continue\r\n\r\n";
        continue;
      case Http1RequestParser::Result::kComplete:
        return ReadOutcome::kComplete;
      case Http1RequestParser::Result::kError: {
        const Http1Error& e = c.parser.error();
        refuse(c, e.status,
               e.status == 413
                   ? "request body too large: the limit is " +
                         std::to_string(options_.max_body_bytes) + " bytes (server.max_body_bytes)"
                   : e.message);
        return ReadOutcome::kRefused;
      }
      case Http1RequestParser::Result::kNeedMore:
        break;
    }
    ConnectionStream::ReadResult more = c.io.receive(deadline);
    if (more == ConnectionStream::ReadResult::kData) continue;
    if (more == ConnectionStream::ReadResult::kTimeout) {
      refuse(c, 408,
             "the request was not received within server.read_timeout_ms = " +
                 std::to_string(options_.read_timeout.count()));
      return ReadOutcome::kRefused;
    }
    return ReadOutcome::kGone;  // closed or failed: nobody to answer
  }
}

// Once the head is parsed: the request counts as active and a hang-up cancels it.
void HttpListener::Impl::begin_request(Connection& c) {
  auto token = CancelToken::create();
  {
    std::lock_guard<std::mutex> lock(mu_);
    c.token = token;
    ++active_;
  }
  watcher_.arm(c.watch_id, std::move(token));
}

void HttpListener::Impl::end_request(Connection& c) {
  if (!c.token) return;
  watcher_.disarm(c.watch_id);
  std::shared_ptr<CancelToken> done;  // released outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  done = std::move(c.token);
  if (--active_ == 0) idle_cv_.notify_all();
}

// Answers the parsed request; false when the connection must not be reused.
bool HttpListener::Impl::respond(Connection& c, bool last) {
  Http1RequestHead& head = c.parser.head();
  const bool head_only = head.method == "HEAD";
  ApiRequest request;
  request.method = head_only ? std::string("GET") : head.method;
  request.path = std::move(head.path);
  request.headers = std::move(head.headers);
  request.body = std::move(c.parser.body());
  request.remote_addr = c.remote_addr;
  request.cancel = c.token;
  ApiResponse res = dispatch(request, head.method);
  bool http11 = head.minor_version >= 1;
  bool keep = head.keep_alive && !last && !res.close_connection && !stopping_.load() &&
              (http11 || !res.stream);  // an HTTP/1.0 stream ends by closing
  std::string_view connection = connection_headers(head, keep);
  bool written = res.stream ? write_stream(c, res, head_only, http11, connection)
                            : write_plain(c, res, head_only, connection);
  return written && keep;
}

std::string_view HttpListener::Impl::connection_headers(const Http1RequestHead& head,
                                                        bool keep) const {
  if (!keep) return "Connection: close\r\n";
  return head.minor_version >= 1 ? keep_alive_11_ : keep_alive_10_;
}

ApiResponse HttpListener::Impl::dispatch(const ApiRequest& request,
                                         const std::string& method_sent) const {
  bool path_known = false;
  const Route* route = find_route(request.method, request.path, path_known);
  if (!route) {
    return path_known
               ? openai_error(405, "method " + method_sent + " is not allowed for " + request.path)
               : openai_error(404, "unknown URL: " + method_sent + " " + request.path);
  }
  try {
    return route->handler(request);
  } catch (...) {
    // A bug in a handler ends its request, never the connection thread or the process.
    return openai_error(500, "internal server error");
  }
}

const Route* HttpListener::Impl::find_route(const std::string& method, const std::string& path,
                                            bool& path_known) const {
  path_known = false;
  for (const Route& r : routes_) {
    bool match = r.prefix
                     ? path.size() > r.path.size() && path.compare(0, r.path.size(), r.path) == 0
                     : path == r.path;
    if (!match) continue;
    path_known = true;
    if (r.method == method) return &r;
  }
  return nullptr;
}

bool HttpListener::Impl::write_plain(Connection& c, const ApiResponse& res, bool head_only,
                                     std::string_view connection_headers) {
  std::string& out = c.io.out();
  append_response_head(out, res.status, res.headers, res.content_type,
                       ResponseFraming::kContentLength, res.body.size(), connection_headers);
  if (head_only) return c.io.flush();
  if (res.body.size() > kInlineBody) return c.io.flush_with(res.body);
  out += res.body;
  return c.io.flush();
}

// Writes each batch as the source produces it, the first one together with the head.
bool HttpListener::Impl::write_stream(Connection& c, const ApiResponse& res, bool head_only,
                                      bool chunked, std::string_view connection_headers) {
  std::string& out = c.io.out();
  append_response_head(out, res.status, res.headers, res.content_type,
                       chunked ? ResponseFraming::kChunked : ResponseFraming::kUntilClose, 0,
                       connection_headers);
  if (head_only) {
    res.stream->abandon();
    return c.io.flush();
  }
  std::string batch;
  while (true) {
    batch.clear();
    SseSource::Take t = res.stream->take(batch);
    if (chunked) {
      append_chunk(out, batch);
      if (t == SseSource::Take::kEnd) out += kLastChunk;
    } else {
      out += batch;
    }
    if (!c.io.flush()) {
      res.stream->abandon();  // the client is gone: stop producing
      return false;
    }
    if (t == SseSource::Take::kEnd) return true;
  }
}

// An answer from the HTTP layer itself (malformed, too large, too slow); the connection closes.
void HttpListener::Impl::refuse(Connection& c, int status, const std::string& message) {
  ApiResponse res = openai_error(status, message);
  c.refused = true;
  write_plain(c, res, false, "Connection: close\r\n");
  // The parser keeps the path once the request line has parsed ("" before that).
  if (options_.on_refused) options_.on_refused(status, c.parser.head().path);
}

// A lingering close after a refusal. Closing a socket with unread input makes the kernel
// send a reset, and a client still uploading (a 413 arrives while it sends its body) then
// sees "connection reset" instead of the answer. So the write side is shut first (the client
// reads the answer and end-of-stream), and the rest of the input is read and discarded for a
// bounded time: at most kLingerTotal, giving up after kLingerQuiet without data. The listener
// stopping ends it at once (the wake eventfd).
void HttpListener::Impl::linger(Connection& c) {
  constexpr Millis kLingerTotal{2000};
  constexpr Millis kLingerQuiet{500};
  if (shutdown(c.fd, SHUT_WR) != 0) return;
  auto until = SteadyClock::now() + kLingerTotal;
  char scratch[16384];
  while (!stopping_.load()) {
    auto left = std::chrono::duration_cast<Millis>(until - SteadyClock::now());
    if (left <= Millis(0)) return;
    if (wait_readable(c.fd, wake_fd_, std::min(left, kLingerQuiet)) != WaitResult::kReady) return;
    ssize_t n = recv(c.fd, scratch, sizeof scratch, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return;
  }
}

int HttpListener::Impl::active_requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return active_;
}

bool HttpListener::Impl::wait_for_idle(SteadyClock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_until(lock, deadline, [this] { return active_ == 0; });
}

void HttpListener::Impl::cancel_active(CancelReason reason) {
  std::vector<std::shared_ptr<CancelToken>> tokens;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [fd, c] : open_) {
      if (c && c->token) tokens.push_back(c->token);
    }
  }
  for (auto& t : tokens) t->cancel(reason);
}

void HttpListener::Impl::close_connections() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [fd, c] : open_) shutdown(fd, SHUT_RDWR);
}

HttpListener::HttpListener(ListenerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpListener::~HttpListener() = default;

void HttpListener::route(const std::string& method, const std::string& path, Handler handler) {
  bool prefix = !path.empty() && path.back() == '*';
  impl_->route(
      Route{method, prefix ? path.substr(0, path.size() - 1) : path, prefix, std::move(handler)});
}
Result<int> HttpListener::bind() { return impl_->bind(); }
void HttpListener::run() { impl_->run(); }
void HttpListener::stop_accepting() { impl_->stop_accepting(); }
bool HttpListener::stopping() const { return impl_->stopping(); }
int HttpListener::active_requests() const { return impl_->active_requests(); }
bool HttpListener::wait_for_idle(std::chrono::steady_clock::time_point deadline) {
  return impl_->wait_for_idle(deadline);
}
void HttpListener::cancel_active(CancelReason reason) { impl_->cancel_active(reason); }
void HttpListener::close_connections() { impl_->close_connections(); }
void HttpListener::join_connections() { impl_->join_connections(); }

}  // namespace understudy
