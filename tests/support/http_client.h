// Test support: a minimal blocking HTTP/1.1 client over a raw loopback socket, for driving
// `serve` exactly (one connection per request, "Connection: close", chunked bodies decoded)
// and for misbehaving on purpose (hang up mid-stream, send a request head slowly). Every
// wait is bounded by a timeout. Only tests use it.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "lib/model/json.h"

namespace understudy::testing {

struct HttpReply {
  int status = 0;  // 0: no response (connect failed, timeout, malformed)
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;                            // de-chunked
  bool complete = false;                       // the body ended properly
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
  Json json() const;  // the body parsed, or null Json
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

HttpReply http_request(int port, const std::string& method, const std::string& path,
                       const std::string& body = "", const HeaderList& headers = {},
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(15000));

// POST /v1/chat/completions with a JSON body.
HttpReply post_chat(int port, const Json& body, const HeaderList& headers = {},
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(15000));

// {"model": model, "messages": [{"role": "user", "content": text}], "stream": stream}
Json chat_body(const std::string& model, const std::string& text, bool stream = false);

// The payloads of the "data: " lines of an SSE body, in order ("[DONE]" included).
std::vector<std::string> sse_payloads(const std::string& body);
// The concatenated delta.content of the JSON chunks in an SSE body.
std::string sse_text(const std::string& body);

// Opens a connection and sends `bytes`; returns the socket (or -1). The caller closes it.
int open_and_send(int port, const std::string& bytes);
// Reads from `fd` until `needle` has been seen or the timeout; returns what was read.
std::string read_until(int fd, const std::string& needle, std::chrono::milliseconds timeout);
// Reads until the peer closes (true) or the timeout (false); appends to `out`.
bool read_to_close(int fd, std::string& out, std::chrono::milliseconds timeout);

}  // namespace understudy::testing
