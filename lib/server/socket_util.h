// Small POSIX socket helpers for the server side (HttpListener): the listening socket,
// addresses as text, and bounded waits. No HTTP here. Functions are thread-safe; errors name
// the address and the system's reason.
#pragma once

#include <string>

#include "lib/core/clock.h"
#include "lib/core/status.h"

namespace understudy {

// socket + SO_REUSEADDR + bind + listen(SOMAXCONN), close-on-exec, for the first address
// `host` resolves to. Errors: "cannot listen on 127.0.0.1:8080: Address already in use".
Result<int> open_listen_socket(const std::string& host, int port);

// The local port a socket is bound to, or -1.
int bound_port(int fd);

// TCP_NODELAY on: each SSE event leaves at once instead of waiting for Nagle's timer.
void set_tcp_nodelay(int fd);

// The peer's or our own address of a connected socket ("127.0.0.1", port).
void peer_address(int fd, std::string& ip, int& port);
void local_address(int fd, std::string& ip, int& port);

enum class WaitResult { kReady, kOther, kTimeout, kError };
// Waits until `fd` is readable (kReady), `other_fd` is readable (kOther, checked after fd,
// so a ready fd wins), or the timeout passes. other_fd < 0 is ignored.
WaitResult wait_readable(int fd, int other_fd, Millis timeout);

struct HostPort {
  std::string host;
  int port = 0;
};
// "127.0.0.1:8080", "[::1]:8080", "localhost:0". Port 0..65535 (0: any free port).
Result<HostPort> parse_host_port(const std::string& text);

// "127.0.0.1:8080" or "[::1]:8080".
std::string format_host_port(const std::string& host, int port);

// True for a literal loopback address (127.0.0.0/8, ::1) or "localhost".
bool is_loopback_host(const std::string& host);

}  // namespace understudy
