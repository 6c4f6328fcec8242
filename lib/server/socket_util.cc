#include "lib/server/socket_util.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace understudy {

namespace {

void address_text(const sockaddr_storage& ss, std::string& ip, int& port) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
    port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
    port = ntohs(a->sin6_port);
  }
  ip = buf;
}

}  // namespace

std::string format_host_port(const std::string& host, int port) {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<HostPort> parse_host_port(const std::string& text) {
  auto bad = [&] {
    return invalid_argument("invalid listen address \"" + text +
                            "\": expected HOST:PORT with port 0..65535, e.g. 127.0.0.1:8080");
  };
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad();
  std::string host = text.substr(0, colon);
  std::string port = text.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return bad();  // an IPv6 address needs brackets
  }
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos) {
    return bad();
  }
  int n = std::stoi(port);
  if (n > 65535) return bad();
  return HostPort{host, n};
}

Result<int> open_listen_socket(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* list = nullptr;
  std::string service = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
  if (rc != 0) {
    return io_error("cannot listen on " + format_host_port(host, port) + ": " + gai_strerror(rc));
  }
  std::string why = "no usable address";
  int fd = -1;
  for (addrinfo* ai = list; ai && fd < 0; ai = ai->ai_next) {
    int s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (s < 0) {
      why = std::strerror(errno);
      continue;
    }
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(s, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(s, SOMAXCONN) != 0) {
      why = std::strerror(errno);
      close(s);
      continue;
    }
    fd = s;
  }
  freeaddrinfo(list);
  if (fd < 0) return io_error("cannot listen on " + format_host_port(host, port) + ": " + why);
  return fd;
}

int bound_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return -1;
  std::string ip;
  int port = -1;
  address_text(ss, ip, port);
  return port;
}

void set_tcp_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void peer_address(int fd, std::string& ip, int& port) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) address_text(ss, ip, port);
}

void local_address(int fd, std::string& ip, int& port) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) address_text(ss, ip, port);
}

WaitResult wait_readable(int fd, int other_fd, Millis timeout) {
  pollfd fds[2] = {{fd, POLLIN, 0}, {other_fd, POLLIN, 0}};
  nfds_t n = other_fd >= 0 ? 2 : 1;
  long long ms = timeout.count() < 0 ? 0 : timeout.count();
  while (true) {
    int rc = poll(fds, n, static_cast<int>(ms > 0x7fffffff ? 0x7fffffff : ms));
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) return WaitResult::kError;
    if (rc == 0) return WaitResult::kTimeout;
    if (fds[0].revents != 0) return WaitResult::kReady;
    return WaitResult::kOther;
  }
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  in_addr a{};
  if (inet_pton(AF_INET, host.c_str(), &a) == 1) return (ntohl(a.s_addr) >> 24) == 127;
  return false;
}

}  // namespace understudy
