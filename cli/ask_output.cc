#include "cli/ask_output.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace understudy::cli {

bool color_allowed(bool is_terminal, const std::optional<std::string>& no_color,
                   const std::optional<std::string>& term) {
  if (!is_terminal) return false;
  if (no_color && !no_color->empty()) return false;
  return !(term && *term == "dumb");
}

namespace {

bool same_file(int a, int b) {
  struct stat sa, sb;
  if (fstat(a, &sa) != 0 || fstat(b, &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace

Terminals detect_terminals(const EnvLookup& env) {
  Terminals t;
  t.stdin_tty = isatty(STDIN_FILENO) == 1;
  t.stdout_tty = isatty(STDOUT_FILENO) == 1;
  t.stderr_tty = isatty(STDERR_FILENO) == 1;
  t.stderr_color = color_allowed(t.stderr_tty, env("NO_COLOR"), env("TERM"));
  // Two different terminals are rare; one terminal is what a person at a shell has.
  t.shared_output = (t.stdout_tty && t.stderr_tty) || same_file(STDOUT_FILENO, STDERR_FILENO);
  return t;
}

AskOutput::AskOutput(std::FILE* out, std::FILE* err, bool shared_output, Style err_style)
    : out_(out), err_(err), shared_output_(shared_output), style_(err_style) {}

bool AskOutput::write_locked(std::string_view text) {
  if (write_errno_ != 0) return false;
  if (text.empty()) return true;
  errno = 0;
  bool ok = std::fwrite(text.data(), 1, text.size(), out_) == text.size();
  ok = std::fflush(out_) == 0 && ok;
  if (!ok) {
    write_errno_ = errno != 0 ? errno : EIO;
    return false;
  }
  last_char_ = text.back();
  return true;
}

bool AskOutput::write_text(std::string_view text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!write_locked(text)) return false;
  wrote_text_ = wrote_text_ || !text.empty();
  return true;
}

void AskOutput::end_text_locked() {
  if (wrote_text_ && last_char_ != '\n') write_locked("\n");
}

void AskOutput::end_text() {
  std::lock_guard<std::mutex> lock(mu_);
  end_text_locked();
}

bool AskOutput::write_raw(std::string_view text) {
  std::lock_guard<std::mutex> lock(mu_);
  return write_locked(text);
}

void AskOutput::note(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shared_output_) end_text_locked();
  std::string text = line;
  if (text.empty() || text.back() != '\n') text += '\n';
  std::fwrite(text.data(), 1, text.size(), err_);
  std::fflush(err_);
}

bool AskOutput::wrote_text() const {
  std::lock_guard<std::mutex> lock(mu_);
  return wrote_text_;
}

int AskOutput::write_errno() const {
  std::lock_guard<std::mutex> lock(mu_);
  return write_errno_;
}

}  // namespace understudy::cli
