// Structured logging: one JSON object per line on stderr.
//
// Privacy rule: log request ids, routes, codes and timings; never images, names, ID numbers or
// addresses. Callers pass only such fields; the logger cannot tell the difference for them.
//
// Thread-safety: a Logger is safe to use from any thread (spdlog's multi-threaded sink). Create one
// in main and pass it (or copies, which share the sink) to components.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace spdlog {
class logger;
}

namespace ekyc {

class Logger {
 public:
  enum class Level { kTrace, kDebug, kInfo, kWarn, kError };

  // Writes to stderr at `min_level` ("trace".."error").
  static Logger Stderr(const std::string& min_level);
  // Writes into `sink` (a string it appends lines to), for tests.
  static Logger ToString(std::shared_ptr<std::string> sink, const std::string& min_level);

  void Log(Level level, const std::string& event,
           nlohmann::json fields = nlohmann::json::object()) const;
  void Info(const std::string& event, nlohmann::json fields = nlohmann::json::object()) const {
    Log(Level::kInfo, event, std::move(fields));
  }
  void Warn(const std::string& event, nlohmann::json fields = nlohmann::json::object()) const {
    Log(Level::kWarn, event, std::move(fields));
  }
  void Error(const std::string& event, nlohmann::json fields = nlohmann::json::object()) const {
    Log(Level::kError, event, std::move(fields));
  }
  void Debug(const std::string& event, nlohmann::json fields = nlohmann::json::object()) const {
    Log(Level::kDebug, event, std::move(fields));
  }

 private:
  explicit Logger(std::shared_ptr<spdlog::logger> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<spdlog::logger> impl_;
};

// One JSON log line (without its newline): {"ts","level","event"} then `fields`. The Logger and
// the stderr relay both write their lines with it, so every line of the log has the same shape.
std::string FormatLogLine(const std::string& level, const std::string& event,
                          nlohmann::json fields = nlohmann::json::object());

// Whether `level` is at or above `min_level` ("trace" < "debug" < "info" < "warn" < "error";
// anything else counts as "info").
bool LevelAtLeast(const std::string& level, const std::string& min_level);

// Libraries (Leptonica, Tesseract, OpenCV's FFmpeg backend, dlib) write plain text to the
// process's stderr, e.g. "Error in boxClipToRectangle: box outside rectangle", which would break
// a JSON-lines log. RelayStderrAsJson() makes every line written to file descriptor 2 a JSON
// line: lines that are JSON objects already (the Logger's) pass through unchanged, any other line
// becomes {"ts","level","event":"library_output","message"} (LibraryLineToJson). Library lines
// below `min_level` are dropped ("Error..." lines are errors, "Info..." info, others warnings).
//
// A small relay process reads the pipe that becomes fd 2 and writes to the original stderr. Being
// a process of its own, it still writes the last lines of a server that crashes (abort messages),
// and it exits once every writer has closed the pipe; it ignores SIGINT/SIGTERM so that a Ctrl-C
// on the terminal does not cut the server's last lines off.
// Call once, early in main, while the process has a single thread. Returns false (stderr left as
// it was) when the pipe or the process cannot be created.
bool RelayStderrAsJson(const std::string& min_level);

// The JSON log line for one line of library output (without its newline); empty when the line is
// below `min_level` or blank. A line that is a JSON object already is returned unchanged.
std::string LibraryLineToJson(const std::string& line, const std::string& min_level);

}  // namespace ekyc
