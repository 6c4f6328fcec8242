#include "lib/server/http_listener.h"

#include <httplib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "lib/server/connection_stream.h"
#include "lib/server/disconnect_watcher.h"
#include "lib/server/socket_util.h"
#include "lib/server/worker_pool.h"

namespace understudy {

namespace {

using SteadyClock = std::chrono::steady_clock;

// Per-request state shared by the connection loop and the handlers running on its thread.
struct RequestScope {
  int fd = -1;
  ConnectionStream* stream = nullptr;
  std::shared_ptr<CancelToken> token;
  bool close_after = false;
};
thread_local RequestScope* t_scope = nullptr;

// Exposes httplib's request-level entry point, which our own connection loop drives.
class RequestServer final : public httplib::Server {
 public:
  bool serve_one(httplib::Stream& strm, bool close_connection, bool& connection_closed,
                 const std::function<void(httplib::Request&)>& setup) {
    return process_request(strm, close_connection, connection_closed, setup);
  }
  // httplib treats an invalid listening socket as "shutting down" and would end streamed
  // bodies at once, so it is told about ours.
  void set_listening_socket(int fd) { svr_sock_ = fd; }
};

struct Route {
  std::string method;
  std::string path;
  bool prefix = false;
  HttpListener::Handler handler;
};

const char* default_error_message(int status) {
  switch (status) {
    case 400:
      return "malformed HTTP request";
    case 404:
      return "unknown URL";
    case 408:
      return "the request was not received within server.read_timeout_ms";
    case 413:
      return "request body too large";
    case 414:
      return "request URI too long";
    default:
      return status >= 500 ? "internal server error" : "request failed";
  }
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
  void configure();
  void serve_connection(int fd);
  bool serve_request(ConnectionStream& strm, int fd, bool last);
  void begin_request(httplib::Request& req);
  void end_request(RequestScope& scope);
  void handle_with_body(const httplib::Request& req, httplib::Response& res,
                        const httplib::ContentReader* reader);
  bool read_body(const httplib::Request& req, const httplib::ContentReader& reader,
                 std::string& body, httplib::Response& res);
  void dispatch(const httplib::Request& req, std::string body, httplib::Response& res);
  const Route* find_route(const std::string& method, const std::string& path,
                          bool& path_known) const;
  void refuse(httplib::Response& res, int status, const std::string& message, bool close);
  std::string body_limit_message() const {
    return "request body too large: the limit is " + std::to_string(options_.max_body_bytes) +
           " bytes (server.max_body_bytes)";
  }

  const ListenerOptions options_;
  RequestServer http_;
  std::vector<Route> routes_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};
  WorkerPool connections_;
  DisconnectWatcher watcher_;
  mutable std::mutex mu_;
  std::condition_variable idle_cv_;
  std::map<CancelToken*, std::shared_ptr<CancelToken>> active_;
  std::set<int> open_fds_;
};

HttpListener::Impl::Impl(ListenerOptions options)
    : options_(std::move(options)), connections_(options_.max_connections) {
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  configure();
}

HttpListener::Impl::~Impl() {
  stop_accepting();
  close_connections();
  connections_.stop();
  if (listen_fd_ >= 0) close(listen_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

void HttpListener::Impl::configure() {
  http_.set_payload_max_length(options_.max_body_bytes);
  http_.set_keep_alive_max_count(static_cast<size_t>(options_.max_requests_per_connection));
  http_.set_keep_alive_timeout(std::max<time_t>(1, options_.keep_alive_idle.count() / 1000));
  auto with_body = [this](const httplib::Request& req, httplib::Response& res,
                          const httplib::ContentReader& reader) {
    handle_with_body(req, res, &reader);
  };
  auto plain = [this](const httplib::Request& req, httplib::Response& res) {
    handle_with_body(req, res, nullptr);
  };
  http_.Post(".*", with_body);
  http_.Put(".*", with_body);
  http_.Patch(".*", with_body);
  http_.Delete(".*", with_body);
  http_.Get(".*", plain);
  http_.Options(".*", plain);
  // Refuse an oversized body before the client sends it, instead of answering 100 Continue.
  http_.set_expect_100_continue_handler(
      [this](const httplib::Request& req, httplib::Response& res) {
        unsigned long long n =
            std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10);
        if (n <= options_.max_body_bytes) return 100;
        if (t_scope) t_scope->close_after = true;
        res.status = 413;  // httplib answers with `res` (the error handler adds the body)
        res.set_header("Connection", "close");
        return 413;
      });
  // Fills in the OpenAI error body for the answers httplib makes itself (malformed request,
  // timeouts); responses our handlers built already have a body and are left alone.
  httplib::Server::HandlerWithResponse on_error = [this](const httplib::Request&,
                                                         httplib::Response& res) {
    if (!res.body.empty() || res.content_provider_) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    RequestScope* scope = t_scope;
    if (scope && scope->stream && scope->stream->timed_out()) {
      res.status = 408;
      scope->close_after = true;
    }
    std::string message =
        res.status == 413 ? body_limit_message() : default_error_message(res.status);
    res.set_content(
        dump_json(Json{{"error", openai_error_json(message, error_type_for_status(res.status))}}),
        "application/json");
    return httplib::Server::HandlerResponse::Handled;
  };
  http_.set_error_handler(std::move(on_error));
  http_.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(
            dump_json(Json{{"error", openai_error_json("internal server error", "server_error")}}),
            "application/json");
      });
}

Result<int> HttpListener::Impl::bind() {
  if (wake_fd_ < 0) return io_error("cannot create an eventfd for the listener");
  auto fd = open_listen_socket(options_.host, options_.port);
  if (!fd.ok()) return fd.status();
  listen_fd_ = *fd;
  http_.set_listening_socket(listen_fd_);
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
      open_fds_.insert(fd);
    }
    if (!connections_.submit([this, fd] { serve_connection(fd); })) {
      std::lock_guard<std::mutex> lock(mu_);
      open_fds_.erase(fd);
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
  ConnectionStream strm(fd, options_.read_timeout, options_.write_timeout);
  for (int served = 1;; ++served) {
    if (!strm.has_buffered()) {
      // The wake eventfd stays readable once the listener stops, ending idle connections.
      if (wait_readable(fd, wake_fd_, options_.keep_alive_idle) != WaitResult::kReady) break;
    }
    bool last = served >= options_.max_requests_per_connection || stopping_.load();
    if (!serve_request(strm, fd, last)) break;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.erase(fd);
  }
  shutdown(fd, SHUT_RDWR);
  close(fd);
}

// One request on the connection; false when the connection must not be reused.
bool HttpListener::Impl::serve_request(ConnectionStream& strm, int fd, bool last) {
  RequestScope scope;
  scope.fd = fd;
  scope.stream = &strm;
  strm.arm_deadline(SteadyClock::now() + options_.read_timeout);
  t_scope = &scope;
  bool closed = false;
  bool ok =
      http_.serve_one(strm, last, closed, [this](httplib::Request& req) { begin_request(req); });
  strm.flush();  // the whole response in as few sends as possible
  t_scope = nullptr;
  end_request(scope);
  strm.clear_deadline();
  return ok && !closed && !last && !scope.close_after && !strm.broken() && !strm.timed_out();
}

// Called by httplib once the request head is parsed, before the body is read.
void HttpListener::Impl::begin_request(httplib::Request& req) {
  // Never compress: a compressor buffers the event stream (see the header comment).
  req.headers.erase("Accept-Encoding");
  RequestScope* scope = t_scope;
  scope->token = CancelToken::create();
  {
    std::lock_guard<std::mutex> lock(mu_);
    active_[scope->token.get()] = scope->token;
  }
  watcher_.watch(scope->fd, scope->token);
}

void HttpListener::Impl::end_request(RequestScope& scope) {
  if (!scope.token) return;
  watcher_.unwatch(scope.fd);
  std::lock_guard<std::mutex> lock(mu_);
  active_.erase(scope.token.get());
  if (active_.empty()) idle_cv_.notify_all();
}

void HttpListener::Impl::refuse(httplib::Response& res, int status, const std::string& message,
                                bool close) {
  res.status = status;
  res.set_content(
      dump_json(Json{{"error", openai_error_json(message, error_type_for_status(status))}}),
      "application/json");
  if (close) {
    res.set_header("Connection", "close");
    if (t_scope) t_scope->close_after = true;
  }
}

bool HttpListener::Impl::read_body(const httplib::Request& req,
                                   const httplib::ContentReader& reader, std::string& body,
                                   httplib::Response& res) {
  const std::size_t limit = options_.max_body_bytes;
  const std::string limit_text = body_limit_message();
  bool chunked = req.get_header_value("Transfer-Encoding").find("chunked") != std::string::npos;
  if (req.has_header("Content-Length")) {
    const std::string& cl = req.get_header_value("Content-Length");
    char* end = nullptr;
    unsigned long long n = std::strtoull(cl.c_str(), &end, 10);
    if (cl.empty() || *end != '\0') {
      refuse(res, 400, "invalid Content-Length header", true);
      return false;
    }
    if (n > limit) {
      refuse(res, 413, limit_text, true);  // refused unread: the connection cannot be reused
      return false;
    }
    body.reserve(static_cast<size_t>(n));
  } else if (!chunked) {
    return true;  // HTTP/1.1: no Content-Length and not chunked means no body
  }
  bool too_big = false;
  bool ok = reader([&](const char* data, size_t n) {
    if (body.size() + n > limit) {
      too_big = true;
      return false;
    }
    body.append(data, n);
    return true;
  });
  if (ok) return true;
  if (too_big || res.status == 413) {
    refuse(res, 413, limit_text, true);
  } else if (t_scope && t_scope->stream->timed_out()) {
    refuse(res, 408,
           "the request body was not received within server.read_timeout_ms = " +
               std::to_string(options_.read_timeout.count()),
           true);
  } else {
    refuse(res, 400, "could not read the request body", true);
  }
  return false;
}

void HttpListener::Impl::handle_with_body(const httplib::Request& req, httplib::Response& res,
                                          const httplib::ContentReader* reader) {
  std::string body;
  if (reader) {
    if (!read_body(req, *reader, body, res)) return;
  } else if (req.has_header("Content-Length") || req.has_header("Transfer-Encoding")) {
    // A body we do not read would be parsed as the next request: close after answering.
    if (req.get_header_value("Content-Length") != "0" && t_scope) t_scope->close_after = true;
  }
  if (t_scope) t_scope->stream->clear_deadline();
  dispatch(req, std::move(body), res);
}

const Route* HttpListener::Impl::find_route(const std::string& method, const std::string& path,
                                            bool& path_known) const {
  path_known = false;
  for (const Route& r : routes_) {
    bool match =
        r.prefix ? path.rfind(r.path, 0) == 0 && path.size() > r.path.size() : path == r.path;
    if (!match) continue;
    path_known = true;
    if (r.method == method) return &r;
  }
  return nullptr;
}

void HttpListener::Impl::dispatch(const httplib::Request& req, std::string body,
                                  httplib::Response& res) {
  std::string method = req.method == "HEAD" ? "GET" : req.method;
  bool path_known = false;
  const Route* route = find_route(method, req.path, path_known);
  if (!route) {
    refuse(res, path_known ? 405 : 404,
           path_known ? "method " + req.method + " is not allowed for " + req.path
                      : "unknown URL: " + req.method + " " + req.path,
           false);
    return;
  }
  ApiRequest api;
  api.method = method;
  api.path = req.path;
  for (const auto& [name, value] : req.headers) api.headers.emplace_back(name, value);
  api.body = std::move(body);
  api.remote_addr = req.remote_addr;
  api.cancel = t_scope && t_scope->token ? t_scope->token : CancelToken::create();
  ApiResponse out = route->handler(api);
  res.status = out.status;
  for (const auto& [name, value] : out.headers) res.set_header(name, value);
  if (out.close_connection) {
    res.set_header("Connection", "close");
    if (t_scope) t_scope->close_after = true;
  }
  if (!out.stream) {
    res.set_content(std::move(out.body), out.content_type);
    return;
  }
  std::shared_ptr<SseSource> source = out.stream;
  // The provider runs on this connection thread, inside serve_one: each batch is flushed at
  // once (the first one together with the response head).
  ConnectionStream* strm = t_scope ? t_scope->stream : nullptr;
  res.set_chunked_content_provider(
      out.content_type,
      [source, strm](size_t, httplib::DataSink& sink) {
        std::string batch;
        SseSource::Take t = source->take(batch);
        if (!batch.empty() &&
            (!sink.write(batch.data(), batch.size()) || (strm && !strm->flush()))) {
          source->abandon();
          return false;
        }
        if (t == SseSource::Take::kEnd) sink.done();
        return true;
      },
      [source](bool success) {
        if (!success) source->abandon();
      });
}

int HttpListener::Impl::active_requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(active_.size());
}

bool HttpListener::Impl::wait_for_idle(SteadyClock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_until(lock, deadline, [this] { return active_.empty(); });
}

void HttpListener::Impl::cancel_active(CancelReason reason) {
  std::vector<std::shared_ptr<CancelToken>> tokens;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [ptr, token] : active_) tokens.push_back(token);
  }
  for (auto& t : tokens) t->cancel(reason);
}

void HttpListener::Impl::close_connections() {
  std::lock_guard<std::mutex> lock(mu_);
  for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
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
