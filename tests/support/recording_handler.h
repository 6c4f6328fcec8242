// Test support: a ResponseHandler that records what a transport delivers (the head, the body
// and its pieces as they came) for the loopback transport tests. Not thread-safe: one send at
// a time. Only tests use it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/transport/transport.h"

namespace understudy::testing {

struct RecordingHandler : ResponseHandler {
  bool on_head(const ResponseHead& h) override {
    ++heads;
    head = h;
    return accept_head;
  }
  bool on_body(std::string_view bytes) override {
    if (!bytes.empty()) pieces.emplace_back(bytes);
    body.append(bytes);
    return on_piece ? on_piece(bytes) : true;
  }
  int heads = 0;
  ResponseHead head;
  std::vector<std::string> pieces;  // the non-empty pieces, in order
  std::string body;
  bool accept_head = true;                         // what on_head answers
  std::function<bool(std::string_view)> on_piece;  // sees each piece; false stops the body
};

}  // namespace understudy::testing
