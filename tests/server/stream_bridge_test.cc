#include "lib/server/stream_bridge.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

using namespace understudy;

namespace {

Json chunk(const std::string& text) {
  return Json{{"object", "chat.completion.chunk"},
              {"choices", Json::array({Json{{"index", 0}, {"delta", Json{{"content", text}}}}})}};
}

std::string drain(StreamBridge& b) {
  std::string all;
  while (b.take(all) == SseSource::Take::kMore) {
  }
  return all;
}

}  // namespace

TEST_CASE("stream bridge: chunks become SSE frames and the end is [DONE]") {
  StreamBridge b(nullptr);
  RequestRecord rec;
  rec.provider = "openai";
  REQUIRE(b.on_commit(rec));
  CHECK(b.wait_outcome() == StreamBridge::Outcome::kCommitted);
  CHECK(b.commit_record().provider == "openai");
  REQUIRE(b.on_chunk(chunk("Hel")));
  REQUIRE(b.on_chunk(chunk("lo")));
  b.on_done();
  b.finish(RouteResult{});
  std::string all = drain(b);
  CHECK(all == sse_frame(chunk("Hel")) + sse_frame(chunk("lo")) + "data: [DONE]\n\n");
}

TEST_CASE("stream bridge: an error after commit is the last event, with no [DONE]") {
  StreamBridge b(nullptr);
  REQUIRE(b.on_commit(RequestRecord{}));
  REQUIRE(b.on_chunk(chunk("partial")));
  Json err{{"error", {{"message", "upstream cut"}, {"type", "server_error"}}}};
  b.on_error(err);
  b.finish(RouteResult{});
  std::string all = drain(b);
  CHECK(all == sse_frame(chunk("partial")) + sse_frame(err));
  CHECK(all.find("[DONE]") == std::string::npos);
}

TEST_CASE("stream bridge: finishing without a commit hands the result to the endpoint") {
  StreamBridge b(nullptr);
  RouteResult r;
  r.ok = false;
  r.http_status = 503;
  std::thread router([&] { b.finish(r); });
  CHECK(b.wait_outcome() == StreamBridge::Outcome::kFinished);
  router.join();
  CHECK(b.result().http_status == 503);
}

TEST_CASE("stream bridge: abandon cancels the request and stops the producer") {
  auto token = CancelToken::create();
  StreamBridge b(token);
  REQUIRE(b.on_commit(RequestRecord{}));
  b.abandon();
  CHECK(token->cancelled());
  CHECK(token->reason() == CancelReason::kCallerGone);
  CHECK_FALSE(b.on_chunk(chunk("x")));
  CHECK_FALSE(b.on_commit(RequestRecord{}));
  std::string out;
  CHECK(b.take(out) == SseSource::Take::kEnd);
  CHECK(out.empty());
}

TEST_CASE("stream bridge: a full queue blocks the producer until the consumer takes") {
  StreamBridge b(nullptr, 2);
  REQUIRE(b.on_commit(RequestRecord{}));
  REQUIRE(b.on_chunk(chunk("1")));
  REQUIRE(b.on_chunk(chunk("2")));
  std::atomic<bool> third_in{false};
  std::thread producer([&] {
    b.on_chunk(chunk("3"));
    third_in = true;
    b.on_done();
    b.finish(RouteResult{});
  });
  for (int i = 0; i < 1000; ++i) std::this_thread::yield();
  CHECK_FALSE(third_in.load());  // blocked: two frames queued, capacity two
  std::string all = drain(b);
  producer.join();
  CHECK(third_in.load());
  CHECK(all ==
        sse_frame(chunk("1")) + sse_frame(chunk("2")) + sse_frame(chunk("3")) + "data: [DONE]\n\n");
}

TEST_CASE("stream bridge: a blocked producer is released by abandon") {
  auto token = CancelToken::create();
  StreamBridge b(token, 1);
  REQUIRE(b.on_commit(RequestRecord{}));
  REQUIRE(b.on_chunk(chunk("1")));
  std::atomic<int> result{-1};
  std::thread producer([&] { result = b.on_chunk(chunk("2")) ? 1 : 0; });
  b.abandon();
  producer.join();
  CHECK(result == 0);
}
