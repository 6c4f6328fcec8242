// Status and Result<T>: the error currency of lib/.
//
// A Status is either OK or carries a code, a human-readable message that names what is
// wrong and where, and optionally the `field` it concerns (a config key path such as
// "providers.openai.keys[0].value", or a request parameter such as "messages").
// Result<T> holds either a T or a non-OK Status. Both are plain values: copyable, movable,
// and safe to share between threads once constructed. Nothing here throws, except that
// value() on an error Result is a programming error caught by assert.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace understudy {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad input from a user: config, request, scenario, flag
  kNotFound,            // a named thing does not exist
  kFailedPrecondition,  // valid input, but the system is not in a state to accept it
  kUnavailable,         // a dependency (upstream, socket) is not there right now
  kDeadlineExceeded,    // ran out of time
  kCancelled,           // the caller went away or asked to stop
  kInternal,            // a broken invariant or an unexpected library failure
  kIo,                  // file or socket I/O failed
};

const char* status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The config key path or request parameter this error is about; may be empty.
  const std::string& field() const { return field_; }

  // "invalid_argument: <message>" or "ok".
  std::string to_string() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
};

inline Status invalid_argument(std::string msg, std::string field = {}) {
  return Status(StatusCode::kInvalidArgument, std::move(msg), std::move(field));
}
inline Status not_found(std::string msg) { return Status(StatusCode::kNotFound, std::move(msg)); }
inline Status internal_error(std::string msg) {
  return Status(StatusCode::kInternal, std::move(msg));
}
inline Status io_error(std::string msg) { return Status(StatusCode::kIo, std::move(msg)); }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an OK Status has no value");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // The error; OK when the Result holds a value.
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace understudy
