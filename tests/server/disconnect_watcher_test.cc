// DisconnectWatcher over a local socket pair: hang-ups cancel the armed request only.
#include "lib/server/disconnect_watcher.h"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

using namespace understudy;
using std::chrono::milliseconds;

namespace {

// Waits (bounded) until the token is cancelled.
bool cancelled_within(const std::shared_ptr<CancelToken>& token, milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (!token->cancelled() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(milliseconds(2));
  }
  return token->cancelled();
}

struct SocketPair {
  int ours = -1;
  int theirs = -1;
  SocketPair() {
    int fds[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    ours = fds[0];
    theirs = fds[1];
  }
  ~SocketPair() {
    if (ours >= 0) close(ours);
    if (theirs >= 0) close(theirs);
  }
  void hang_up() {
    close(theirs);
    theirs = -1;
  }
};

}  // namespace

TEST_CASE("disconnect watcher: a hang-up cancels the armed request with caller_gone") {
  DisconnectWatcher w;
  REQUIRE(w.ok());
  SocketPair s;
  auto id = w.add(s.ours);
  REQUIRE(id != 0);
  auto first = CancelToken::create();
  w.arm(id, first);
  w.disarm(id);  // a finished request on the same connection
  auto second = CancelToken::create();
  w.arm(id, second);
  s.hang_up();
  CHECK(cancelled_within(second, milliseconds(2000)));
  CHECK(second->reason() == CancelReason::kCallerGone);
  CHECK_FALSE(first->cancelled());
  w.remove(id, s.ours);
}

TEST_CASE("disconnect watcher: a request armed after the client hung up is cancelled at once") {
  DisconnectWatcher w;
  SocketPair s;
  auto id = w.add(s.ours);
  REQUIRE(id != 0);
  s.hang_up();
  // Between requests nobody is armed; the hang-up is remembered for the next one.
  auto idle = CancelToken::create();
  for (int i = 0; i < 200; ++i) {
    w.arm(id, idle);
    if (idle->cancelled()) break;
    w.disarm(id);
    std::this_thread::sleep_for(milliseconds(5));
  }
  CHECK(idle->cancelled());
  auto later = CancelToken::create();
  w.arm(id, later);
  CHECK(later->cancelled());  // synchronously, inside arm()
  w.remove(id, s.ours);
}

TEST_CASE("disconnect watcher: a quiet or merely readable connection cancels nothing") {
  DisconnectWatcher w;
  SocketPair s;
  auto id = w.add(s.ours);
  auto token = CancelToken::create();
  w.arm(id, token);
  REQUIRE(::write(s.theirs, "GET / HTTP/1.1\r\n", 16) == 16);  // a pipelined request is data
  CHECK_FALSE(cancelled_within(token, milliseconds(100)));
  w.disarm(id);
  w.remove(id, s.ours);
  s.hang_up();  // after remove: no longer watched
  CHECK_FALSE(cancelled_within(token, milliseconds(50)));
}
