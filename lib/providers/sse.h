// SseParser: a byte-level Server-Sent Events parser (wire-formats §1.1).
//
// Feed it network reads of any size; it returns complete events. Handles "\n", "\r\n" and
// "\r" line ends (also split across reads), multi-line data (joined with "\n"), comments
// (":" lines, ignored), "event:" names, and a single optional space after the colon.
// A bare line starting with "{" or "[" begins a JSON value sent without "data:" (Gemini's
// unprefixed errors, which arrive pretty-printed over several lines): it is its own event,
// and the lines that follow are part of it until its brackets balance (or a blank line).
// Events with no data lines are not emitted. One parser per stream; not thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace understudy {

struct SseEvent {
  std::string event;  // "" when no event: field was given
  std::string data;
};

class SseParser {
 public:
  // Appends the events completed by `bytes` to `out`.
  void feed(std::string_view bytes, std::vector<SseEvent>& out);
  // End of stream: a final event not terminated by a blank line is returned too (some
  // servers close right after the last data line).
  void finish(std::vector<SseEvent>& out);
  // Bytes buffered that do not yet form a complete line.
  size_t pending_bytes() const { return line_.size(); }

 private:
  void process_line(std::vector<SseEvent>& out);
  void raw_json_line(std::vector<SseEvent>& out);
  void dispatch(std::vector<SseEvent>& out);

  std::string line_;
  bool last_was_cr_ = false;
  std::string event_;
  std::string data_;
  bool has_data_ = false;
  // Bare JSON in progress: bracket depth and string state across its lines.
  bool in_raw_json_ = false;
  int raw_depth_ = 0;
  bool raw_in_string_ = false;
  bool raw_escaped_ = false;
};

}  // namespace understudy
