#include "lib/providers/sse.h"

namespace understudy {

void SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out) {
  for (char c : bytes) {
    if (c == '\n') {
      if (last_was_cr_) {  // the LF of a CRLF pair: the line was already processed
        last_was_cr_ = false;
        continue;
      }
      process_line(out);
    } else if (c == '\r') {
      process_line(out);
      last_was_cr_ = true;
      continue;
    } else {
      line_.push_back(c);
    }
    last_was_cr_ = false;
  }
}

void SseParser::finish(std::vector<SseEvent>& out) {
  if (!line_.empty()) process_line(out);
  dispatch(out);
}

void SseParser::process_line(std::vector<SseEvent>& out) {
  if (line_.empty()) {
    dispatch(out);
    return;
  }
  if (in_raw_json_ || line_[0] == '{' || line_[0] == '[') {
    raw_json_line(out);
    return;
  }
  if (line_[0] == ':') {  // comment / keep-alive
    line_.clear();
    return;
  }
  std::string_view l(line_);
  std::string_view field = l;
  std::string_view value;
  size_t colon = l.find(':');
  if (colon != std::string_view::npos) {
    field = l.substr(0, colon);
    value = l.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_.assign(value);
  }
  // id, retry and unknown fields are ignored.
  line_.clear();
}

// JSON without "data:" (Gemini sends errors this way, pretty-printed over several lines).
void SseParser::raw_json_line(std::vector<SseEvent>& out) {
  if (!in_raw_json_) {
    if (has_data_) dispatch(out);  // the JSON value is an event of its own
    in_raw_json_ = true;
  } else {
    data_.push_back('\n');
  }
  for (char c : line_) {
    if (raw_in_string_) {
      if (raw_escaped_) {
        raw_escaped_ = false;
      } else if (c == '\\') {
        raw_escaped_ = true;
      } else if (c == '"') {
        raw_in_string_ = false;
      }
    } else if (c == '"') {
      raw_in_string_ = true;
    } else if (c == '{' || c == '[') {
      ++raw_depth_;
    } else if (c == '}' || c == ']') {
      --raw_depth_;
    }
  }
  data_.append(line_);
  has_data_ = true;
  line_.clear();
  if (raw_depth_ <= 0) dispatch(out);
}

void SseParser::dispatch(std::vector<SseEvent>& out) {
  if (has_data_) out.push_back(SseEvent{std::move(event_), std::move(data_)});
  event_.clear();
  data_.clear();
  has_data_ = false;
  in_raw_json_ = false;
  raw_depth_ = 0;
  raw_in_string_ = false;
  raw_escaped_ = false;
}

}  // namespace understudy
