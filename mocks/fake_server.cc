#include "mocks/fake_server.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "lib/core/random.h"
#include "mocks/fake_validate.h"
#include "mocks/socket_plan.h"

namespace understudy {

namespace {

using SteadyClock = std::chrono::steady_clock;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch())
      .count();
}

ResponsePlan json_plan(int status, const Json& body) {
  return single_reply(json_reply(status, body));
}

ResponsePlan protocol_error(int status, const std::string& message) {
  return single_reply(openai_shaped_error(status, message, "bad_http_request"));
}

}  // namespace

FakeProviderServer::FakeProviderServer(FakeServerOptions options)
    : options_(std::move(options)),
      responder_(options_.rules, options_.name,
                 options_.seed ? options_.seed : SeededRandom::entropy_seed()),
      log_(options_.log_capacity) {}

FakeProviderServer::~FakeProviderServer() {
  stop();
  if (stop_fd_ >= 0) close(stop_fd_);
}

Status FakeProviderServer::start() {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (started_) return Status(StatusCode::kFailedPrecondition, "the fake server already started");
  Result<Listener> listener = open_listener(options_.host, options_.port);
  if (!listener.ok()) return listener.status();
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) {
    close(listener->fd);
    return io_error("cannot create the fake server's stop descriptor");
  }
  listener_ = *listener;
  port_ = listener_.port;
  start_ns_.store(steady_ns());
  started_ = true;
  accept_thread_ = std::thread([this] { accept_loop(); });
  return Status::Ok();
}

void FakeProviderServer::stop() {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (!started_ || stopped_) return;
  stopped_ = true;
  std::uint64_t one = 1;
  // The stop descriptor stays readable from now on, waking every poll of every connection.
  if (write(stop_fd_, &one, sizeof one) != static_cast<ssize_t>(sizeof one)) {
    shutdown(listener_.fd, SHUT_RDWR);
  }
  accept_thread_.join();
  close(listener_.fd);
  std::map<std::uint64_t, std::thread> running;
  {
    std::lock_guard<std::mutex> conn_lock(conn_mu_);
    running.swap(connections_);
    finished_.clear();
  }
  for (auto& [id, thread] : running) thread.join();
}

std::string FakeProviderServer::base_url() const {
  std::string host = options_.host == "localhost" ? "127.0.0.1" : options_.host;
  return "http://" + host + ":" + std::to_string(port_);
}

void FakeProviderServer::reset() {
  responder_.reset();
  log_.clear();
  start_ns_.store(steady_ns());
}

std::int64_t FakeProviderServer::millis_since_start() const {
  return (steady_ns() - start_ns_.load()) / 1000000;
}

void FakeProviderServer::accept_loop() {
  while (true) {
    pollfd fds[2] = {{listener_.fd, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (fds[1].revents & POLLIN) return;
    if (!(fds[0].revents & POLLIN)) continue;
    int fd = accept4(listener_.fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      // Out of descriptors or a connection that died in the queue: back off briefly.
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        pollfd stop{stop_fd_, POLLIN, 0};
        poll(&stop, 1, 50);
      }
      continue;
    }
    spawn_connection(fd);
  }
}

void FakeProviderServer::reap_finished() {
  std::vector<std::thread> done;
  {
    std::lock_guard<std::mutex> lock(conn_mu_);
    for (std::uint64_t id : finished_) {
      auto it = connections_.find(id);
      if (it == connections_.end()) continue;
      done.push_back(std::move(it->second));
      connections_.erase(it);
    }
    finished_.clear();
  }
  for (std::thread& t : done) t.join();  // each has returned from its body already
}

void FakeProviderServer::spawn_connection(int fd) {
  reap_finished();
  std::lock_guard<std::mutex> lock(conn_mu_);
  if (static_cast<int>(connections_.size()) >= options_.max_connections) {
    close(fd);
    return;
  }
  std::uint64_t id = next_connection_++;
  try {
    connections_.emplace(id, std::thread([this, fd, id] {
                           serve_connection(fd);
                           std::lock_guard<std::mutex> done_lock(conn_mu_);
                           finished_.push_back(id);
                         }));
  } catch (const std::system_error&) {
    close(fd);  // no thread to be had: refuse this connection, keep serving the others
  }
}

void FakeProviderServer::serve_connection(int fd) {
  WireConnection conn(fd, stop_fd_);
  while (true) {
    WireConnection::ReadOutcome in =
        conn.read_request(options_.idle_timeout, options_.read_timeout);
    if (in.kind == WireConnection::ReadOutcome::Kind::kBad) {
      run_plan_on_socket(protocol_error(in.status, in.error), conn, false);
      conn.drain_and_close();
      return;
    }
    if (in.kind != WireConnection::ReadOutcome::Kind::kRequest) return;
    bool reusable = false;
    try {
      reusable = in.head.target.rfind("/_mock/", 0) == 0
                     ? handle_control(conn, in.head)
                     : handle_request(conn, in.head, std::move(in.body));
    } catch (const std::exception&) {
      // Backstop: an exception escaping this thread would abort the whole process, and with
      // it every test using the fake. Part of a reply may be out already, so just close.
      conn.drain_and_close();
      return;
    }
    if (!reusable) return;
  }
}

bool FakeProviderServer::handle_control(WireConnection& conn, const RequestHead& head) {
  std::string path = head.target.substr(0, head.target.find('?'));
  ResponsePlan plan;
  if (path == "/_mock/requests" && head.method == "GET") {
    Json list = Json::array();
    for (const LoggedRequest& r : log_.entries()) list.push_back(logged_request_to_json(r));
    plan = json_plan(200, Json{{"requests", std::move(list)}});
  } else if (path == "/_mock/reset" && head.method == "POST") {
    reset();
    plan = json_plan(200, Json{{"reset", true}});
  } else {
    plan = protocol_error(404, "unknown control endpoint " + head.method + " " + path +
                                   " (GET /_mock/requests, POST /_mock/reset)");
  }
  return run_plan_on_socket(plan, conn, head.keep_alive).reusable;
}

bool FakeProviderServer::handle_request(WireConnection& conn, const RequestHead& head,
                                        std::string body) {
  HttpRequest req;
  req.method = head.method;
  req.path = head.target;
  req.headers = head.headers;
  req.body = std::move(body);
  LoggedRequest entry;
  entry.start_ms = millis_since_start();
  entry.method = req.method;
  entry.path = redact_key_query(req.path);
  RequestLog::Handle handle = log_.add(entry);
  FakeResponse response = responder_.respond(req, handle.index, Millis(entry.start_ms));
  log_.update(handle, [&](LoggedRequest& e) {
    e.format = response.format;
    e.model = response.model;
    e.stream = response.stream;
    e.attempt = response.attempt;
    e.fault = response.fault;
    e.fault_action = response.fault_action;
    e.rejection = response.rejection;
    e.auth_header = response.auth_header;
    e.auth_fingerprint = response.auth_fingerprint;
    e.body = std::move(response.body);
  });
  auto record = [&](const SocketPlanResult& result) {
    std::int64_t end_ms = millis_since_start();
    log_.update(handle, [&](LoggedRequest& e) {
      e.status = result.status;
      e.outcome = result.outcome;
      e.bytes_sent = result.bytes_sent;
      e.end_ms = end_ms;
    });
  };
  SocketPlanResult result = run_plan_on_socket(response.plan, conn, head.keep_alive, record);
  if (result.outcome != "complete") record(result);  // a completion was recorded already
  return result.reusable;
}

}  // namespace understudy
