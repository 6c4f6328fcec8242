// AskOutput: where `understudy ask` writes, and how it finds out about terminals.
//
// stdout carries the answer text only, written and flushed piece by piece as it arrives, and
// ended with one newline. stderr carries notes: -v trail lines, the summary, errors. When
// both end up in the same place (a terminal, or `2>&1`) and the answer is mid-line, a note
// first ends the answer's line, so the two never share a line. Color (ANSI) is used on stderr only,
// and only when stderr is a terminal and NO_COLOR is not set (https://no-color.org) and TERM is not
// "dumb"; stdout is never colored.
//
// Thread-safe: a mutex orders writes (notes may come from any router thread).
#pragma once

#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "cli/ask_report.h"
#include "lib/config/env.h"

namespace understudy::cli {

struct Terminals {
  bool stdin_tty = false;
  bool stdout_tty = false;
  bool stderr_tty = false;
  bool stderr_color = false;
  bool shared_output = false;  // stdout and stderr are one terminal or one file / pipe
};

// isatty on fds 0, 1, 2, color_allowed for stderr, and whether fds 1 and 2 are one file.
Terminals detect_terminals(const EnvLookup& env);

// Color on a stream: it is a terminal, NO_COLOR is unset or empty, TERM is not "dumb".
bool color_allowed(bool is_terminal, const std::optional<std::string>& no_color,
                   const std::optional<std::string>& term);

class AskOutput {
 public:
  // `shared_output`: stdout and stderr land in one place (Terminals::shared_output).
  AskOutput(std::FILE* out, std::FILE* err, bool shared_output, Style err_style);

  // Writes answer text and flushes. False once stdout failed (e.g. a closed pipe); errno
  // of the failure in write_errno().
  bool write_text(std::string_view text);
  // Ends the answer with a newline unless it is empty or already ends in one.
  void end_text();
  // Writes `text` to stdout as is (for --json), flushed.
  bool write_raw(std::string_view text);
  // One line (or several, each ending in "\n") to stderr.
  void note(const std::string& line);

  const Style& style() const { return style_; }
  bool wrote_text() const;
  int write_errno() const;

 private:
  bool write_locked(std::string_view text);
  void end_text_locked();

  mutable std::mutex mu_;
  std::FILE* out_;
  std::FILE* err_;
  bool shared_output_;
  Style style_;
  bool wrote_text_ = false;
  char last_char_ = '\n';
  int write_errno_ = 0;
};

}  // namespace understudy::cli
