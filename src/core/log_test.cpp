#include "core/log.h"

#include <gtest/gtest.h>

namespace ekyc {
namespace {

TEST(LogTest, WritesOneJsonObjectPerLine) {
  auto sink = std::make_shared<std::string>();
  Logger log = Logger::ToString(sink, "info");
  log.Info("request", {{"request_id", "abc"}, {"ms", 12.5}});
  log.Debug("hidden");
  auto nl = sink->find('\n');
  ASSERT_NE(nl, std::string::npos);
  EXPECT_EQ(sink->find('\n', nl + 1), std::string::npos) << "debug line should be filtered";
  auto j = nlohmann::json::parse(sink->substr(0, nl));
  EXPECT_EQ(j["event"], "request");
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["request_id"], "abc");
  EXPECT_DOUBLE_EQ(j["ms"].get<double>(), 12.5);
  EXPECT_TRUE(j.contains("ts"));
}

TEST(LogTest, InvalidUtf8DoesNotThrow) {
  auto sink = std::make_shared<std::string>();
  Logger log = Logger::ToString(sink, "info");
  EXPECT_NO_THROW(log.Warn("odd", {{"route", std::string("\xff\xfe")}}));
  EXPECT_FALSE(sink->empty());
}

}  // namespace
}  // namespace ekyc
