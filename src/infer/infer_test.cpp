#include "infer/infer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace ekyc::infer {
namespace {

namespace fs = std::filesystem;

fs::path FreshDir(const std::string& name) {
  fs::path d = fs::path(testing::TempDir()) / ("ekyc_infer_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void Write(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

TEST(ModelSetTest, MissingDirectorySaysToRunMakeModels) {
  auto r = ModelSet::Load((fs::path(testing::TempDir()) / "ekyc_infer_does_not_exist").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("make models"), std::string::npos) << r.status().ToString();
}

TEST(ModelSetTest, MissingManifestSaysToRunMakeModels) {
  auto r = ModelSet::Load(FreshDir("nomanifest").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "models.missing");
  EXPECT_NE(r.status().message().find("manifest.json"), std::string::npos);
}

TEST(ModelSetTest, MalformedManifestIsRefused) {
  fs::path d = FreshDir("badjson");
  Write(d / "manifest.json", "{\"models\": [ {\"id\": ");
  auto r = ModelSet::Load(d.string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "models.bad_manifest");
}

TEST(ModelSetTest, PathInFileNameIsRefused) {
  fs::path d = FreshDir("badpath");
  Write(d / "manifest.json",
        R"({"models": [{"id": "x", "version": "p@1:f", "file": "../x.onnx", "sha256": "00",
            "input_shape": [1,3,8,8], "input_name": "in", "output_names": ["out"]}]})");
  auto r = ModelSet::Load(d.string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "models.bad_manifest");
}

TEST(ModelSetTest, MissingModelFileIsReported) {
  fs::path d = FreshDir("nofile");
  Write(d / "manifest.json",
        R"({"models": [{"id": "x", "version": "p@1:f", "file": "x.onnx", "sha256": "00",
            "input_shape": [1,3,8,8], "input_name": "in", "output_names": ["out"]}]})");
  auto r = ModelSet::Load(d.string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("x.onnx"), std::string::npos);
}

TEST(ModelSetTest, EmptyManifestLoadsAndUnknownIdIsNotFound) {
  fs::path d = FreshDir("empty");
  Write(d / "manifest.json", R"({"models": []})");
  auto r = ModelSet::Load(d.string());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE((*r)->Has("faceres"));
  EXPECT_EQ((*r)->Info("faceres").status().code(), StatusCode::kNotFound);
  Session s(*r);
  cv::Mat blob(std::vector<int>{1, 3, 8, 8}, CV_32F, cv::Scalar(0));
  auto out = s.Run("faceres", blob);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace ekyc::infer
