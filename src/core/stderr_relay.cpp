// RelayStderrAsJson (core/log.h): library output on fd 2 as JSON log lines.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <string>

#include "core/log.h"

namespace ekyc {
namespace {

bool StartsWithNoCase(const std::string& s, const char* prefix) {
  for (size_t i = 0; prefix[i] != '\0'; ++i) {
    if (i >= s.size() || std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

bool WriteAll(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// The relay process: lines from `in` to `out` until every writer has closed the pipe.
[[noreturn]] void RelayLoop(int in, int out, const std::string& min_level) {
  constexpr size_t kMaxLine = 64 * 1024;  // a longer "line" is cut into several
  std::string pending;
  char buf[8192];
  auto emit = [&](const std::string& line) {
    std::string j = LibraryLineToJson(line, min_level);
    if (!j.empty()) WriteAll(out, j + "\n");  // a closed stderr: keep draining, drop the line
  };
  for (;;) {
    ssize_t n = ::read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1)
      emit(pending.substr(start, nl - start));
    pending.erase(0, start);
    while (pending.size() >= kMaxLine) {
      emit(pending.substr(0, kMaxLine));
      pending.erase(0, kMaxLine);
    }
  }
  if (!pending.empty()) emit(pending);
  _exit(0);
}

}  // namespace

std::string LibraryLineToJson(const std::string& raw, const std::string& min_level) {
  std::string line = raw;
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
    line.pop_back();
  size_t first = line.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  if (line[first] == '{' && line.back() == '}') {
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_object()) return line;
  }
  // Leptonica: "Error in f: ...", "Warning in f: ...", "Info in f: ..."; Tesseract and others:
  // "Error: ...", "Warning: ...". Anything unmarked is a warning: it is unexpected output.
  const std::string text = line.substr(first);
  const char* level = StartsWithNoCase(text, "error")  ? "error"
                      : StartsWithNoCase(text, "info") ? "info"
                                                       : "warn";
  if (!LevelAtLeast(level, min_level)) return {};
  return FormatLogLine(level, "library_output", {{"message", text}});
}

bool RelayStderrAsJson(const std::string& min_level) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  const int original = ::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
  if (original < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return false;
  }
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    ::close(original);
    return false;
  }
  if (pid == 0) {
    // The relay: no writer end of its own, so that it sees end-of-file when the server is gone.
    ::signal(SIGINT, SIG_IGN);
    ::signal(SIGTERM, SIG_IGN);
    ::signal(SIGPIPE, SIG_IGN);
    ::prctl(PR_SET_NAME, "ekyc-log-relay");
    ::close(fds[1]);
    ::dup2(original, STDERR_FILENO);
    RelayLoop(fds[0], original, min_level);
  }
  ::close(fds[0]);
  ::close(original);
  if (::dup2(fds[1], STDERR_FILENO) < 0) {
    ::close(fds[1]);
    return false;
  }
  ::close(fds[1]);
  return true;
}

}  // namespace ekyc
