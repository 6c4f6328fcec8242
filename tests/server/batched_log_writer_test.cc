// BatchedLogWriter: order, whole lines, the flush points (timer, size, flush(), destructor).
#include "lib/server/batched_log_writer.h"

#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

using namespace understudy;
using std::chrono::milliseconds;

namespace {

// Collects what the writer sends; lets a test wait (bounded) for bytes to arrive.
struct CollectingSink {
  std::mutex mu;
  std::condition_variable cv;
  std::string text;
  int calls = 0;

  BatchedLogWriter::Sink sink() {
    return [this](std::string_view bytes) {
      std::lock_guard<std::mutex> lock(mu);
      text.append(bytes);
      ++calls;
      cv.notify_all();
    };
  }
  bool wait_for(const std::string& needle, milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, timeout, [&] { return text.find(needle) != std::string::npos; });
  }
  std::string snapshot() {
    std::lock_guard<std::mutex> lock(mu);
    return text;
  }
};

}  // namespace

TEST_CASE("batched log writer: lines written together leave in one batch, in order") {
  CollectingSink out;
  BatchedLogWriter w(out.sink(), milliseconds(60000));
  w.write("a=1\n");
  w.write("b=2\n");
  w.write("c=3\n");
  CHECK(out.snapshot().empty());  // the interval has not passed: nothing written yet
  w.flush();
  CHECK(out.snapshot() == "a=1\nb=2\nc=3\n");
  CHECK(out.calls == 1);
}

TEST_CASE("batched log writer: a line reaches the sink within the interval without a flush") {
  CollectingSink out;
  BatchedLogWriter w(out.sink(), milliseconds(20));
  w.write("first\n");
  CHECK(out.wait_for("first\n", milliseconds(5000)));
  w.write("second\n");  // a new batch after the first one went out
  CHECK(out.wait_for("second\n", milliseconds(5000)));
  CHECK(out.snapshot() == "first\nsecond\n");
}

TEST_CASE("batched log writer: the destructor writes whatever is still pending") {
  CollectingSink out;
  {
    BatchedLogWriter w(out.sink(), milliseconds(60000));
    w.write("last words\n");
  }
  CHECK(out.snapshot() == "last words\n");
}

TEST_CASE("batched log writer: pending bytes beyond the cap are written by the caller at once") {
  CollectingSink out;
  BatchedLogWriter w(out.sink(), milliseconds(60000), 10);
  w.write("12345\n");
  CHECK(out.snapshot().empty());
  w.write("67890\n");  // 12 bytes pending > 10
  CHECK(out.snapshot() == "12345\n67890\n");
}

TEST_CASE("batched log writer: lines from many threads stay whole") {
  CollectingSink out;
  {
    BatchedLogWriter w(out.sink(), milliseconds(5), 256);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&w, t] {
        for (int i = 0; i < 200; ++i) w.write("thread=" + std::to_string(t) + " line=x\n");
      });
    }
    for (auto& th : threads) th.join();
  }
  std::string text = out.snapshot();
  std::size_t lines = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t nl = text.find('\n', pos);
    REQUIRE(nl != std::string::npos);
    std::string line = text.substr(pos, nl - pos);
    CHECK(line.rfind("thread=", 0) == 0);
    CHECK(line.size() == std::string("thread=0 line=x").size());
    ++lines;
    pos = nl + 1;
  }
  CHECK(lines == 800);
}
