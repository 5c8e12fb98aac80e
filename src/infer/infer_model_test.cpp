// Acceptance checks for the converted models: each one, loaded through ModelSet/Session and run
// by OpenCV 4.6 from C++, must reproduce the original runtime's outputs (tools/reference) on the
// stored fixed input within 1e-4. These tests FAIL (never skip) when the models are missing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "infer/infer.h"

namespace ekyc::infer {
namespace {

namespace fs = std::filesystem;

constexpr double kMaxAbsDiff = 1e-4;

const std::string& ModelDir() {
  static const std::string dir = EKYC_MODEL_DIR;
  return dir;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<float> ReadFloats(const fs::path& p) {
  std::string bytes = Slurp(p);
  std::vector<float> v(bytes.size() / sizeof(float));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
  return v;
}

std::shared_ptr<const ModelSet> LoadOrFail() {
  auto r = ModelSet::Load(ModelDir());
  if (!r.ok()) {
    ADD_FAILURE() << "converted models are not available in " << ModelDir() << ": "
                  << r.status().ToString()
                  << "\nRun `make models` (tools/convert/build-models.sh <build dir>) before the "
                     "model tests.";
    return nullptr;
  }
  return *r;
}

// Runs one model on its reference input and returns the max |diff| per output.
void CheckAgainstReference(const std::string& id) {
  auto models = LoadOrFail();
  ASSERT_TRUE(models);
  ASSERT_TRUE(models->Has(id)) << "model " << id << " is not in " << ModelDir()
                               << "/manifest.json; run `make models`";
  const fs::path ref_dir = fs::path(ModelDir()) / "ref";
  const fs::path meta_path = ref_dir / (id + ".json");
  ASSERT_TRUE(fs::exists(meta_path)) << meta_path << " missing; run `make models`";
  const auto meta = nlohmann::json::parse(Slurp(meta_path));
  auto info = models->Info(id);
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(meta.at("onnx_sha256").get<std::string>(), info->sha256)
      << "reference data belongs to another version of " << id << "; run `make models`";

  const std::vector<int> shape = meta.at("input_shape").get<std::vector<int>>();
  ASSERT_TRUE(ShapeMatches(info->input_shape, shape));
  std::vector<float> in = ReadFloats(ref_dir / meta.at("input").get<std::string>());
  const size_t n_in = std::accumulate(shape.begin(), shape.end(), size_t{1}, std::multiplies<>());
  ASSERT_EQ(in.size(), n_in);
  cv::Mat blob(shape, CV_32F, in.data());

  Session session(models);
  auto outs = session.Run(id, blob);
  ASSERT_TRUE(outs.ok()) << outs.status().ToString();
  const std::vector<float> ref = ReadFloats(ref_dir / meta.at("output").get<std::string>());
  const auto& ref_outs = meta.at("outputs");
  ASSERT_EQ(outs->size(), ref_outs.size());

  size_t offset = 0;
  for (size_t k = 0; k < outs->size(); ++k) {
    const auto ref_shape = ref_outs[k].at("shape").get<std::vector<int>>();
    const size_t n =
        std::accumulate(ref_shape.begin(), ref_shape.end(), size_t{1}, std::multiplies<>());
    const cv::Mat& got = (*outs)[k];
    ASSERT_EQ(got.total(), n) << id << " output " << k;
    ASSERT_LE(offset + n, ref.size());
    ASSERT_TRUE(got.isContinuous() && got.type() == CV_32F);
    const float* g = got.ptr<float>();
    double max_diff = 0, max_ref = 0;
    for (size_t i = 0; i < n; ++i) {
      max_diff = std::max(max_diff, double(std::fabs(g[i] - ref[offset + i])));
      max_ref = std::max(max_ref, double(std::fabs(ref[offset + i])));
    }
    ASSERT_FALSE(std::isnan(max_diff)) << id << " output " << k << " has NaN";
    const std::string name = ref_outs[k].at("name").get<std::string>();
    std::cout << "[ model ] " << id << " output " << name << ": max|diff| = " << max_diff
              << " (max|ref| = " << max_ref << ", reference: " << meta.value("runtime", "?")
              << ")\n";
    ::testing::Test::RecordProperty("max_abs_diff_" + std::to_string(k), std::to_string(max_diff));
    EXPECT_LE(max_diff, kMaxAbsDiff) << id << " output " << name;
    offset += n;
  }
  EXPECT_EQ(offset, ref.size()) << "reference holds more values than the model's outputs";
}

TEST(ModelReferenceTest, BlazefaceFront) {
  CheckAgainstReference("blazeface-front");
}
TEST(ModelReferenceTest, BlazefaceBack) {
  CheckAgainstReference("blazeface-back");
}
TEST(ModelReferenceTest, Faceres) {
  CheckAgainstReference("faceres");
}
TEST(ModelReferenceTest, Antispoof) {
  CheckAgainstReference("antispoof");
}
TEST(ModelReferenceTest, Liveness) {
  CheckAgainstReference("liveness");
}
TEST(ModelReferenceTest, PpocrDet) {
  CheckAgainstReference("ppocr-det");
}
TEST(ModelReferenceTest, PpocrCls) {
  CheckAgainstReference("ppocr-cls");
}
TEST(ModelReferenceTest, MobilefacenetTflite) {
  CheckAgainstReference("mobilefacenet-tflite");
}
TEST(ModelReferenceTest, DlibResnet128) {
  CheckAgainstReference("dlib-resnet128");
}
TEST(ModelReferenceTest, FrFeature) {
  CheckAgainstReference("fr-feature");
}

// Any model the manifest lists must have passing reference data too (covers future additions).
// The project's own line recogniser (models/ocr): OpenCV DNN vs PyTorch on the exported input.
TEST(ModelReferenceTest, VnLine) {
  CheckAgainstReference("vn-line");
}
TEST(ModelReferenceTest, EveryManifestModelHasReferenceData) {
  auto models = LoadOrFail();
  ASSERT_TRUE(models);
  EXPECT_GE(models->Ids().size(), 7u);
  for (const auto& id : models->Ids()) {
    SCOPED_TRACE(id);
    CheckAgainstReference(id);
  }
}

TEST(SessionTest, WrongInputShapeIsAClearError) {
  auto models = LoadOrFail();
  ASSERT_TRUE(models);
  Session session(models);
  cv::Mat blob(std::vector<int>{1, 3, 64, 64}, CV_32F, cv::Scalar(0));
  auto r = session.Run("liveness", blob);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "infer.bad_input_shape");
  EXPECT_NE(r.status().message().find("[1x3x32x32]"), std::string::npos) << r.status().message();
  cv::Mat u8(std::vector<int>{1, 3, 32, 32}, CV_8U, cv::Scalar(0));
  EXPECT_EQ(session.Run("liveness", u8).status().reason(), "infer.bad_input_shape");
}

TEST(SessionTest, NetIsReusedAndOutputsAreOwnedCopies) {
  auto models = LoadOrFail();
  ASSERT_TRUE(models);
  Session session(models);
  cv::Mat a(std::vector<int>{1, 3, 32, 32}, CV_32F, cv::Scalar(0.2));
  cv::Mat b(std::vector<int>{1, 3, 32, 32}, CV_32F, cv::Scalar(0.9));
  auto ra = session.Run("liveness", a);
  ASSERT_TRUE(ra.ok()) << ra.status().ToString();
  cv::Mat first = (*ra)[0];
  cv::Mat first_copy = first.clone();
  auto rb = session.Run("liveness", b);
  ASSERT_TRUE(rb.ok());
  // The second run must not overwrite what the first returned.
  EXPECT_EQ(cv::norm(first, first_copy, cv::NORM_INF), 0.0);
}

TEST(ModelSetTest, CorruptedModelFileIsRefused) {
  auto models = LoadOrFail();
  ASSERT_TRUE(models);
  auto info = models->Info("liveness");
  ASSERT_TRUE(info.ok());
  const fs::path dir = fs::path(testing::TempDir()) / "ekyc_infer_corrupt";
  fs::remove_all(dir);
  fs::create_directories(dir);
  // A manifest with just this model, and a copy of its file.
  auto manifest = nlohmann::json::parse(Slurp(fs::path(ModelDir()) / "manifest.json"));
  nlohmann::json only = nlohmann::json::array();
  for (const auto& m : manifest["models"])
    if (m["id"] == "liveness") only.push_back(m);
  std::ofstream(dir / "manifest.json") << nlohmann::json{{"models", only}}.dump();
  fs::copy_file(fs::path(ModelDir()) / info->file, dir / info->file);
  ASSERT_TRUE(ModelSet::Load(dir.string()).ok()) << "an intact copy must load";

  std::string bytes = Slurp(dir / info->file);
  bytes[bytes.size() / 2] ^= 0x01;  // one flipped bit in the weights
  std::ofstream(dir / info->file, std::ios::binary | std::ios::trunc) << bytes;
  auto r = ModelSet::Load(dir.string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(r.status().reason(), "models.checksum_mismatch");
  EXPECT_NE(r.status().message().find("liveness"), std::string::npos) << r.status().message();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ekyc::infer
