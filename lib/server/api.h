// ApiRequest / ApiResponse: one HTTP exchange as the gateway's endpoints see it, free of the
// HTTP wire format. HttpListener (http_listener.h) turns wire requests into ApiRequests and
// ApiResponses back into bytes, so the endpoints are plain functions that unit tests call
// without a socket.
//
// A streaming response carries an SseSource instead of a body: the connection thread drains
// it with take() and writes each batch as it comes, and calls abandon() if the client goes
// away first. Plain value types apart from the SseSource, which must be thread-safe (it is
// filled on one thread and drained on another).
//
// The error helpers build the OpenAI error shape {"error": {"message", "type", "param",
// "code"}} with JSON nulls for empty fields, so every refusal the gateway makes itself looks
// like one an OpenAI SDK already knows how to raise.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "lib/core/cancel.h"
#include "lib/model/json.h"
#include "lib/transport/http.h"

namespace understudy {

struct ApiRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query string
  Headers headers;
  std::string body;
  std::string remote_addr;
  // Cancelled when the client disconnects (kCallerGone) or the server gives up on in-flight
  // requests at shutdown (kShutdown). Never null when served by HttpListener.
  std::shared_ptr<CancelToken> cancel;

  std::optional<std::string> header(std::string_view name) const {
    return header_value(headers, name);
  }
};

// A response body of server-sent events, produced on one thread and drained on another.
class SseSource {
 public:
  enum class Take { kMore, kEnd };
  virtual ~SseSource() = default;
  // Blocks until bytes are ready or the stream has ended; appends what is ready to `out`.
  // kEnd: nothing will follow what was appended (which may be empty).
  virtual Take take(std::string& out) = 0;
  // The connection failed or closed before kEnd: stop producing (cancels the request).
  virtual void abandon() = 0;
};

struct ApiResponse {
  int status = 200;
  Headers headers;
  std::string content_type = "application/json";
  std::string body;
  std::shared_ptr<SseSource> stream;  // set: the body is this text/event-stream
  bool close_connection = false;      // send "Connection: close" and close after writing
};

// {"message", "type", "param", "code"} with nulls for empty param and code.
Json openai_error_json(const std::string& message, const std::string& type,
                       const std::string& param = "", const std::string& code = "");

// Compact JSON; invalid UTF-8 in strings is replaced (U+FFFD) rather than thrown on.
std::string dump_json(const Json& j);

// A complete JSON response.
ApiResponse json_response(int status, const Json& body);

// An OpenAI-shaped error response: {"error": openai_error_json(...)}.
ApiResponse error_response(int status, const std::string& message, const std::string& type,
                           const std::string& param = "", const std::string& code = "");

// The OpenAI error type the gateway uses for its own refusals with this status
// ("invalid_request_error", "authentication_error", "rate_limit_error", "server_error").
const char* error_type_for_status(int status);

// Retry-After in whole seconds, rounded up, at least 1.
std::string retry_after_seconds(std::chrono::milliseconds wait);

}  // namespace understudy
