#include "core/config.h"

#include <gtest/gtest.h>

namespace ekyc {
namespace {

TEST(ConfigTest, DefaultsWhenUnset) {
  auto c = Config::Load(MapEnv({{"HOME", "/home/u"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->port, 8443);
  EXPECT_EQ(c->data_dir, "./var");
  EXPECT_EQ(c->api_keys_file, "./var/api-keys.json");
  EXPECT_EQ(c->cache_dir, "/home/u/.cache/ekyc");
  EXPECT_GE(c->workers, 1);
  EXPECT_FALSE(c->allow_private_urls);
  EXPECT_EQ(c->max_image_bytes, 15 << 20);
  EXPECT_EQ(c->max_video_bytes, 20 << 20);
  EXPECT_DOUBLE_EQ(c->max_video_seconds, 15.0);
  EXPECT_EQ(c->video_frames, 60);
  EXPECT_TRUE(c->card_liveness);
}

TEST(ConfigTest, CardLivenessSwitch) {
  auto off = Config::Load(MapEnv({{"EKYC_CARD_LIVENESS", "off"}}));
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_FALSE(off->card_liveness);
  auto on = Config::Load(MapEnv({{"EKYC_CARD_LIVENESS", "on"}}));
  ASSERT_TRUE(on.ok());
  EXPECT_TRUE(on->card_liveness);
  EXPECT_FALSE(Config::Load(MapEnv({{"EKYC_CARD_LIVENESS", "maybe"}})).ok());
}

TEST(ConfigTest, VideoLimits) {
  auto c = Config::Load(MapEnv({{"EKYC_MAX_VIDEO_BYTES", "1048576"},
                                {"EKYC_MAX_VIDEO_SECONDS", "7.5"},
                                {"EKYC_VIDEO_FRAMES", "90"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->max_video_bytes, 1 << 20);
  EXPECT_DOUBLE_EQ(c->max_video_seconds, 7.5);
  EXPECT_EQ(c->video_frames, 90);
  for (auto [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"EKYC_VIDEO_FRAMES", "4"},
                                                        {"EKYC_VIDEO_FRAMES", "1000"},
                                                        {"EKYC_MAX_VIDEO_SECONDS", "0"},
                                                        {"EKYC_MAX_VIDEO_BYTES", "20MB"}}) {
    auto bad = Config::Load(MapEnv({{name, value}}));
    ASSERT_FALSE(bad.ok()) << name << "=" << value;
    EXPECT_NE(bad.status().message().find(name), std::string::npos) << bad.status().message();
  }
}

TEST(ConfigTest, ReadsValues) {
  auto c = Config::Load(MapEnv({{"EKYC_PORT", "9000"},
                                {"EKYC_DATA_DIR", "/srv/ekyc"},
                                {"EKYC_WORKERS", "3"},
                                {"EKYC_ALLOW_PRIVATE_URLS", "yes"},
                                {"EKYC_HNSW_EF_SEARCH", "768"},
                                {"EKYC_HNSW_M", "24"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->hnsw_ef_search, 768);
  EXPECT_EQ(c->hnsw_m, 24);
  EXPECT_EQ(c->port, 9000);
  EXPECT_EQ(c->api_keys_file, "/srv/ekyc/api-keys.json");
  EXPECT_EQ(c->workers, 3);
  EXPECT_TRUE(c->allow_private_urls);
}

TEST(ConfigTest, InvalidValuesNameTheVariable) {
  for (auto [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"EKYC_PORT", "eighty"},
                                                        {"EKYC_PORT", "70000"},
                                                        {"EKYC_WORKERS", "-1"},
                                                        {"EKYC_ALLOW_PLAIN_HTTP", "maybe"},
                                                        {"EKYC_LOG_LEVEL", "loud"},
                                                        {"EKYC_MAX_IMAGE_BYTES", "12abc"},
                                                        {"EKYC_HNSW_EF_SEARCH", "8"},
                                                        {"EKYC_HNSW_M", "2"},
                                                        {"EKYC_DOC_LINES", "cnn"},
                                                        {"EKYC_DOC_PAGE", "Trained"},
                                                        {"EKYC_DOC_MRZ", "ocrb"},
                                                        {"EKYC_DOC_DATE_LINES", "lstm"}}) {
    auto c = Config::Load(MapEnv({{name, value}}));
    ASSERT_FALSE(c.ok()) << name << "=" << value;
    EXPECT_NE(c.status().message().find(name), std::string::npos) << c.status().message();
    EXPECT_EQ(c.status().reason(), "config.invalid");
  }
}

TEST(ConfigTest, TlsCertAndKeyGoTogether) {
  auto c = Config::Load(MapEnv({{"EKYC_TLS_CERT", "/etc/cert.pem"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("EKYC_TLS_KEY"), std::string::npos);
}

}  // namespace
}  // namespace ekyc
