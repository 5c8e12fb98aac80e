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

}  // namespace ekyc
