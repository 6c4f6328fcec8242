#include "lib/transport/http_transport.h"

#include <fcntl.h>
#include <httplib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "lib/transport/transport_failure.h"

namespace understudy {
namespace {

using SteadyClock = std::chrono::steady_clock;

Millis millis_since(TimePoint t) {
  return std::chrono::duration_cast<Millis>(SteadyClock::now() - t);
}

// Blocks SIGPIPE on this thread while it lives, and discards a SIGPIPE raised meanwhile by a
// write to a connection the peer has closed. cpp-httplib's client sends without
// MSG_NOSIGNAL, and OpenSSL writes with plain write(), so without this a reset during a
// request (or a TLS close_notify on a dead socket) would kill the process.
//
// When the process ignores SIGPIPE (serve does, before it creates its transport), a write to
// a closed connection fails with EPIPE and nothing needs doing: `needed` = false skips the
// four system calls this costs on every request.
class ScopedSigpipeBlock {
 public:
  explicit ScopedSigpipeBlock(bool needed = true) : active_(needed) {
    if (!active_) return;
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_mask_);
  }
  ~ScopedSigpipeBlock() {
    if (!active_) return;
    if (!was_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        timespec zero{0, 0};
        sigtimedwait(&pipe_, nullptr, &zero);
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;

 private:
  const bool active_;
  sigset_t pipe_;
  sigset_t old_mask_;
  bool was_pending_ = false;
};

bool sigpipe_ignored() {
  struct sigaction current {};
  return sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_IGN;
}

// One keep-alive TLS connection: an httplib client bound to one host and port.
struct HttplibConnection final : PooledConnection {
  ~HttplibConnection() override {
    ScopedSigpipeBlock no_sigpipe;  // closing TLS sends close_notify
    client.reset();
  }
  std::unique_ptr<httplib::ClientImpl> client;
  httplib::SSLClient* tls = nullptr;  // same object as client
};

std::string pool_key(const SplitUrl& url, const TransportOptions& options) {
  std::string key = url.scheme + "://";
  for (char c : url.host) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  key += ":" + std::to_string(url.port);
  if (url.scheme == "https") {
    key += options.verify_tls ? " verify" : " noverify";
    key += " ca=" + options.ca_file;
  }
  return key;
}

std::string openssl_reason() {
  unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return reason ? reason : "";
}

struct OpenedConnection {
  std::unique_ptr<HttplibConnection> conn;
  TransportResult error;
};

OpenedConnection open_tls_connection(const SplitUrl& url, const TransportOptions& options) {
  OpenedConnection out;
  out.conn = std::make_unique<HttplibConnection>();
  std::string host = url.host;
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  auto tls = std::make_unique<httplib::SSLClient>(host, url.port);
  if (!tls->is_valid()) {
    return {nullptr, {TransportError::kTls, "could not create a TLS context: " + openssl_reason()}};
  }
  tls->enable_server_certificate_verification(options.verify_tls);
  if (options.verify_tls && !options.ca_file.empty() &&
      SSL_CTX_load_verify_locations(tls->ssl_context(), options.ca_file.c_str(), nullptr) != 1) {
    return {nullptr,
            {TransportError::kTls,
             "ca_file " + options.ca_file + ": cannot load PEM certificates: " + openssl_reason()}};
  }
  out.conn->tls = tls.get();
  out.conn->client = std::move(tls);
  httplib::ClientImpl& cli = *out.conn->client;
  cli.set_keep_alive(true);
  cli.set_tcp_nodelay(true);
  cli.set_decompress(false);
  cli.set_compress(false);
  cli.set_url_encode(false);
  cli.set_follow_location(false);
  return out;
}

bool has_bad_char(std::string_view s, bool allow_space) {
  for (unsigned char c : s) {
    if (c == '\r' || c == '\n' || c == '\0' || c == 0x7f) return true;
    if (c < 0x20 && c != '\t') return true;
    if (c == ' ' && !allow_space) return true;
  }
  return false;
}

// Why `req` must not be sent, or "" if it may. Never quotes header values.
std::string request_problem(const HttpRequest& req, const std::string& path) {
  if (req.method.empty() || has_bad_char(req.method, false)) return "invalid request method";
  if (path.front() != '/' || has_bad_char(path, false)) {
    return "request path must start with '/' and contain no spaces or control characters";
  }
  for (const auto& [name, value] : req.headers) {
    if (name.empty() || has_bad_char(name, false) || name.find(':') != std::string::npos) {
      return "a request header name is empty or contains illegal characters";
    }
    if (has_bad_char(value, true)) {
      return "request header " + name + " contains a control character";
    }
  }
  return "";
}

httplib::Request build_request(const HttpRequest& req, std::string path) {
  httplib::Request out;
  out.method = req.method;
  out.path = std::move(path);
  for (const auto& [name, value] : req.headers) out.headers.emplace(name, value);
  // Plain bytes: streams are parsed as they arrive, and we never decompress.
  if (!header_value(req.headers, "Accept-Encoding")) {
    out.headers.emplace("Accept-Encoding", "identity");
  }
  if (!header_value(req.headers, "User-Agent")) {
    out.headers.emplace("User-Agent", "understudy/" UNDERSTUDY_VERSION);
  }
  out.body = req.body;
  return out;
}

Headers to_headers(const httplib::Headers& in) {
  Headers out;
  out.reserve(in.size());
  for (const auto& [name, value] : in) out.emplace_back(name, value);
  return out;
}

// Whether the connection can carry another request after `res`: the body had an explicit
// end. A body delimited by the peer closing the connection leaves nothing to reuse.
bool response_allows_reuse(const std::string& method, const httplib::Response& res) {
  if (method == "HEAD" || res.status == 204 || res.status == 304 || res.status < 200) return true;
  return res.has_header("Content-Length") ||
         res.get_header_value("Transfer-Encoding").find("chunked") != std::string::npos;
}

ClientFailure to_client_failure(httplib::Error err) {
  switch (err) {
    case httplib::Error::Connection:
      return ClientFailure::kConnect;
    case httplib::Error::ConnectionTimeout:
      return ClientFailure::kConnectTimeout;
    case httplib::Error::SSLConnection:
      return ClientFailure::kTlsHandshake;
    case httplib::Error::SSLServerVerification:
      return ClientFailure::kTlsVerification;
    case httplib::Error::SSLLoadingCerts:
      return ClientFailure::kTlsCertificates;
    case httplib::Error::Read:
      return ClientFailure::kRead;
    case httplib::Error::Write:
      return ClientFailure::kWrite;
    case httplib::Error::Canceled:
      return ClientFailure::kStoppedByHandler;
    default:
      return ClientFailure::kOther;
  }
}

// One request on one connection: wires the ResponseHandler and the CancelToken to the
// httplib call and records the facts classify_transport_failure needs. Everything except
// on_cancel() runs on the sending thread.
class Exchange {
 public:
  Exchange(HttplibConnection& conn, ResponseHandler& handler, std::string endpoint,
           const TransportOptions& options, bool block_sigpipe)
      : conn_(conn),
        handler_(handler),
        endpoint_(std::move(endpoint)),
        options_(options),
        block_sigpipe_(block_sigpipe) {}
  ~Exchange() {
    if (dup_fd_ >= 0) close(dup_fd_);
  }
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  TransportResult run(httplib::Request request, CancelToken* cancel);
  bool connection_reusable() const { return reusable_; }

 private:
  void watch_socket(int fd, bool created);
  void on_cancel();
  bool deliver_head(const httplib::Response& res);
  bool deliver_body(const char* data, size_t size);
  TransportResult finish(bool ok, httplib::Error err, const httplib::Response& res,
                         const std::string& method, int saved_errno, CancelToken* cancel);
  std::string tls_detail(httplib::Error err) const;

  HttplibConnection& conn_;
  ResponseHandler& handler_;
  const std::string endpoint_;
  const TransportOptions& options_;
  const bool block_sigpipe_;

  std::mutex mu_;    // guards dup_fd_ against on_cancel()
  int dup_fd_ = -1;  // our own descriptor for the request's socket
  std::atomic<bool> cancelled_{false};

  bool socket_created_ = false;
  bool head_received_ = false;
  bool handler_stopped_ = false;
  bool reusable_ = false;
  TimePoint socket_created_at_{};
  TimePoint last_event_{};
};

TransportResult Exchange::run(httplib::Request request, CancelToken* cancel) {
  httplib::ClientImpl& cli = *conn_.client;
  // OpenSSL's error queue is per thread; a stale entry would make the library misread the
  // result of its next TLS call on this thread.
  ERR_clear_error();
  cli.set_connection_timeout(options_.connect_timeout);
  cli.set_read_timeout(options_.read_timeout);
  cli.set_write_timeout(options_.read_timeout);
  cli.set_socket_options([this](int fd) { watch_socket(fd, /*created=*/true); });
  last_event_ = SteadyClock::now();
  if (cli.socket() != INVALID_SOCKET) watch_socket(cli.socket(), /*created=*/false);

  request.response_handler = [this](const httplib::Response& res) { return deliver_head(res); };
  request.content_receiver = [this](const char* data, size_t size, uint64_t, uint64_t) {
    return deliver_body(data, size);
  };
  httplib::Response res;
  httplib::Error err = httplib::Error::Success;
  bool ok = false;
  int saved_errno = 0;
  {
    CancelSubscription subscription(cancel, [this] { on_cancel(); });
    ScopedSigpipeBlock no_sigpipe(block_sigpipe_);
    errno = 0;
    ok = cli.send(request, res, err);
    saved_errno = errno;
  }  // unsubscribed: on_cancel() is not running and will not run again
  cli.set_socket_options(nullptr);
  return finish(ok, err, res, request.method, saved_errno, cancel);
}

// Called with the socket of a pooled connection, and by httplib (socket options hook) for
// each new socket right before it connects.
void Exchange::watch_socket(int fd, bool created) {
  int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  std::lock_guard<std::mutex> lock(mu_);
  if (dup_fd_ >= 0) close(dup_fd_);
  dup_fd_ = dup_fd;
  if (created) {
    socket_created_ = true;
    socket_created_at_ = last_event_ = SteadyClock::now();
  }
  // A cancel that came before the socket existed takes effect now.
  if (cancelled_.load() && dup_fd_ >= 0) shutdown(dup_fd_, SHUT_RDWR);
}

// On the cancelling thread: must not block. shutdown() wakes whatever the sending thread is
// blocked in (connect, handshake, read, write) with an error.
void Exchange::on_cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_.store(true);
  if (dup_fd_ >= 0) shutdown(dup_fd_, SHUT_RDWR);
}

bool Exchange::deliver_head(const httplib::Response& res) {
  last_event_ = SteadyClock::now();
  head_received_ = true;
  if (cancelled_.load()) return false;
  if (!handler_.on_head(ResponseHead{res.status, to_headers(res.headers)})) {
    handler_stopped_ = true;
    return false;
  }
  return true;
}

bool Exchange::deliver_body(const char* data, size_t size) {
  last_event_ = SteadyClock::now();
  if (cancelled_.load()) return false;
  if (!handler_.on_body(std::string_view(data, size))) {
    handler_stopped_ = true;
    return false;
  }
  return true;
}

TransportResult Exchange::finish(bool ok, httplib::Error err, const httplib::Response& res,
                                 const std::string& method, int saved_errno, CancelToken* cancel) {
  if (ok && !cancelled_.load()) {
    // httplib skips the response handler when there is no body (204, HEAD).
    if (!head_received_) {
      head_received_ = true;
      handler_stopped_ = !handler_.on_head(ResponseHead{res.status, to_headers(res.headers)});
    }
    if (!handler_stopped_) {
      reusable_ = response_allows_reuse(method, res) && conn_.client->is_socket_open();
      return TransportResult{TransportError::kNone, "", true};
    }
  }
  FailureFacts facts;
  facts.failure = to_client_failure(err);
  facts.library_error = httplib::to_string(err);
  facts.endpoint = endpoint_;
  facts.cancelled = cancelled_.load();
  facts.cancel_reason = cancel ? cancel->reason() : CancelReason::kNone;
  facts.handler_stopped = handler_stopped_;
  facts.socket_created = socket_created_;
  facts.head_received = head_received_;
  facts.sys_errno = saved_errno;
  facts.connect_phase = socket_created_ ? millis_since(socket_created_at_) : Millis(0);
  facts.silence = millis_since(last_event_);
  facts.connect_timeout = options_.connect_timeout;
  facts.read_timeout = options_.read_timeout;
  facts.tls_detail = tls_detail(err);
  return classify_transport_failure(facts);
}

std::string Exchange::tls_detail(httplib::Error err) const {
  if (!conn_.tls) return "";
  if (err == httplib::Error::SSLServerVerification) {
    long result = conn_.tls->get_openssl_verify_result();
    if (result != X509_V_OK) return X509_verify_cert_error_string(result);
    return "the certificate does not name this host";
  }
  if (err == httplib::Error::SSLConnection || err == httplib::Error::SSLLoadingCerts) {
    return openssl_reason();
  }
  return "";
}

}  // namespace

HttpTransport::HttpTransport(HttpTransportLimits limits)
    : pool_(IdlePoolLimits{limits.max_idle_per_host, limits.max_idle_age}),
      plain_(pool_),
      block_sigpipe_(!sigpipe_ignored()) {}

HttpTransport::~HttpTransport() { pool_.clear(); }

TransportResult HttpTransport::send(const HttpRequest& req, ResponseHandler& handler,
                                    CancelToken* cancel, const TransportOptions& options) {
  std::optional<SplitUrl> url = split_url(req.base_url);
  if (!url) {
    return {TransportError::kOther, "base_url is not an http:// or https:// URL with a host"};
  }
  std::string endpoint = url->host + ":" + std::to_string(url->port);
  if (cancel && cancel->cancelled()) {
    return {TransportError::kCancelled, "request to " + endpoint +
                                            " cancelled before it was sent (" +
                                            cancel_reason_name(cancel->reason()) + ")"};
  }
  std::string path = url->path + req.path;
  if (path.empty()) path = "/";
  if (std::string problem = request_problem(req, path); !problem.empty()) {
    return {TransportError::kOther, problem};
  }

  const std::string key = pool_key(*url, options);
  if (url->scheme == "http") {
    return plain_.send(req, *url, path, key, handler, cancel, options);
  }
  std::unique_ptr<HttplibConnection> conn(
      static_cast<HttplibConnection*>(pool_.take(key, SteadyClock::now()).release()));
  if (!conn) {
    OpenedConnection opened = open_tls_connection(*url, options);
    if (!opened.conn) return opened.error;
    conn = std::move(opened.conn);
  }
  Exchange exchange(*conn, handler, std::move(endpoint), options, block_sigpipe_);
  TransportResult result = exchange.run(build_request(req, std::move(path)), cancel);
  if (exchange.connection_reusable()) pool_.put(key, std::move(conn), SteadyClock::now());
  return result;
}

}  // namespace understudy
