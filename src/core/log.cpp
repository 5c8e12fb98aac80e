#include "core/log.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>

namespace ekyc {
namespace {

spdlog::level::level_enum ParseLevel(const std::string& s) {
  if (s == "trace") return spdlog::level::trace;
  if (s == "debug") return spdlog::level::debug;
  if (s == "warn") return spdlog::level::warn;
  if (s == "error") return spdlog::level::err;
  return spdlog::level::info;
}

// Appends formatted lines to a shared string (tests only).
class StringSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit StringSink(std::shared_ptr<std::string> out) : out_(std::move(out)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    out_->append(msg.payload.data(), msg.payload.size());
    out_->push_back('\n');
  }
  void flush_() override {}

 private:
  std::shared_ptr<std::string> out_;
};

std::shared_ptr<spdlog::logger> Make(spdlog::sink_ptr sink, const std::string& level) {
  // Not registered in spdlog's global registry: each Logger owns its spdlog::logger.
  auto l = std::make_shared<spdlog::logger>("ekyc", std::move(sink));
  l->set_pattern("%v");
  l->set_level(ParseLevel(level));
  l->flush_on(spdlog::level::warn);
  return l;
}

int LevelRank(const std::string& level) {
  if (level == "trace") return 0;
  if (level == "debug") return 1;
  if (level == "warn") return 3;
  if (level == "error") return 4;
  return 2;  // info
}

std::string NowIso8601() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto secs = time_point_cast<seconds>(now);
  auto ms = duration_cast<milliseconds>(now - secs).count();
  std::time_t t = system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03lldZ", buf, static_cast<long long>(ms));
  return out;
}

}  // namespace

std::string FormatLogLine(const std::string& level, const std::string& event,
                          nlohmann::json fields) {
  nlohmann::json line = {{"ts", NowIso8601()}, {"level", level}, {"event", event}};
  if (fields.is_object()) {
    for (auto& [k, v] : fields.items()) line[k] = std::move(v);
  }
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool LevelAtLeast(const std::string& level, const std::string& min_level) {
  return LevelRank(level) >= LevelRank(min_level);
}

Logger Logger::Stderr(const std::string& min_level) {
  return Logger(Make(std::make_shared<spdlog::sinks::stderr_sink_mt>(), min_level));
}

Logger Logger::ToString(std::shared_ptr<std::string> sink, const std::string& min_level) {
  return Logger(Make(std::make_shared<StringSink>(std::move(sink)), min_level));
}

void Logger::Log(Level level, const std::string& event, nlohmann::json fields) const {
  static constexpr spdlog::level::level_enum kMap[] = {spdlog::level::trace, spdlog::level::debug,
                                                       spdlog::level::info, spdlog::level::warn,
                                                       spdlog::level::err};
  static constexpr const char* kNames[] = {"trace", "debug", "info", "warn", "error"};
  auto lvl = kMap[static_cast<int>(level)];
  if (!impl_->should_log(lvl)) return;
  impl_->log(lvl, "{}", FormatLogLine(kNames[static_cast<int>(level)], event, std::move(fields)));
}

}  // namespace ekyc
