#include "api/json_text.h"

#include <gtest/gtest.h>

namespace ekyc::api {
namespace {

TEST(JsonTextTest, FloatsWithoutNoiseOrExponent) {
  EXPECT_EQ(FormatDouble(1.0 - 0.6399), "0.3601");  // 0.36010000000000003 in nlohmann::json
  EXPECT_EQ(FormatDouble(0.1 + 0.2), "0.3");
  EXPECT_EQ(FormatDouble(2.2533e-05), "0.000022533");
  EXPECT_EQ(FormatDouble(1e-7), "0.0000001");
  EXPECT_EQ(FormatDouble(1.0), "1.0");
  EXPECT_EQ(FormatDouble(0.0), "0.0");
  EXPECT_EQ(FormatDouble(-0.0), "0.0");
  EXPECT_EQ(FormatDouble(-0.25), "-0.25");
  EXPECT_EQ(FormatDouble(17.914251804351807), "17.9142518043518");
  EXPECT_EQ(FormatDouble(1e20), "100000000000000000000.0");
  EXPECT_EQ(FormatDouble(std::nan("")), "null");
  // Single-precision values print as the float they are.
  EXPECT_EQ(FormatDouble(static_cast<double>(123.9f)), "123.9");
  EXPECT_EQ(FormatDouble(static_cast<double>(0.6399f)), "0.6399");
  EXPECT_EQ(FormatDouble(0.5), "0.5");
}

TEST(JsonTextTest, DocumentsKeepTheirStructure) {
  nlohmann::json j = {{"output", {{"similarity", 1.0 - 0.6399}, {"code", 4}, {"ok", true}}},
                      {"time", 2.2533e-05},
                      {"name", "NGUYỄN \"A\""},
                      {"list", {1, 2.5, nullptr, "x"}},
                      {"empty", nlohmann::json::object()}};
  const std::string text = DumpJson(j);
  EXPECT_EQ(text,
            "{\"empty\":{},\"list\":[1,2.5,null,\"x\"],\"name\":\"NGUYỄN \\\"A\\\"\","
            "\"output\":{\"code\":4,\"ok\":true,\"similarity\":0.3601},\"time\":0.000022533}");
  // The text parses back to the same structure with the rounded values.
  nlohmann::json back = nlohmann::json::parse(text);
  EXPECT_EQ(back["output"]["code"], 4);
  EXPECT_DOUBLE_EQ(back["time"].get<double>(), 2.2533e-05);
  EXPECT_TRUE(back["output"]["similarity"].is_number_float());
}

TEST(JsonTextTest, InvalidUtf8IsReplacedNotThrown) {
  nlohmann::json j = {{"s", std::string("a\xff"
                                        "b")}};
  EXPECT_NO_THROW(DumpJson(j));
  EXPECT_NE(DumpJson(j).find("a\xEF\xBF\xBD"
                             "b"),
            std::string::npos);
}

}  // namespace
}  // namespace ekyc::api
