// The trained line recogniser as the reader runs it: model set -> preprocessing -> OpenCV DNN ->
// greedy CTC decoding. Fixtures in tests/data/ocr are written by tools/ocr/make_fixtures.py.
#include "doc/ctc_recognizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <sstream>

namespace ekyc::doc {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(EKYC_SOURCE_DIR) / "tests" / "data" / "ocr";

std::unique_ptr<CtcLineRecognizer> MakeOrFail() {
  auto models = infer::ModelSet::Load(EKYC_MODEL_DIR);
  if (!models.ok()) {
    ADD_FAILURE() << "model set not available: " << models.status().ToString()
                  << " (run `make models`)";
    return nullptr;
  }
  auto r = CtcLineRecognizer::Create(*models);
  if (!r.ok()) {
    ADD_FAILURE() << r.status().ToString();
    return nullptr;
  }
  return std::move(*r);
}

struct Fixture {
  std::string file, kind, text;
};

std::vector<Fixture> Fixtures(const std::string& prefix) {
  std::ifstream in(kFixtures / "lines.tsv");
  std::vector<Fixture> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    Fixture f;
    std::getline(ss, f.file, '\t');
    std::getline(ss, f.kind, '\t');
    std::getline(ss, f.text);
    if (f.file.rfind(prefix, 0) == 0) out.push_back(f);
  }
  return out;
}

int Levenshtein(const std::u32string& a, const std::u32string& b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::u32string U32(const std::string& s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

TEST(CtcLineRecognizer, ReadsCleanNamesInFontsItNeverSaw) {
  auto rec = MakeOrFail();
  ASSERT_TRUE(rec);
  const auto fixtures = Fixtures("clean_");
  ASSERT_GE(fixtures.size(), 10u);
  int exact = 0;
  for (const auto& f : fixtures) {
    cv::Mat img = cv::imread((kFixtures / f.file).string(), cv::IMREAD_GRAYSCALE);
    ASSERT_FALSE(img.empty()) << f.file;
    auto line = rec->Read(img);
    ASSERT_TRUE(line.ok()) << line.status().ToString();
    exact += line->text == f.text;
    if (line->text != f.text) std::cout << "[ read ] " << f.text << " -> " << line->text << "\n";
    EXPECT_EQ(U32(line->text).size(), line->chars.size());
  }
  // The held-out-font criterion is 95 % exact names; a dozen lines allow one miss.
  EXPECT_GE(exact, static_cast<int>(fixtures.size()) - 1);
}

TEST(CtcLineRecognizer, ReadsPhoneDegradedLinesOfEveryFieldKind) {
  auto rec = MakeOrFail();
  ASSERT_TRUE(rec);
  int errors = 0, chars = 0;
  for (const auto& f : Fixtures("phone_")) {
    cv::Mat img = cv::imread((kFixtures / f.file).string(), cv::IMREAD_COLOR);
    ASSERT_FALSE(img.empty()) << f.file;
    auto line = rec->Read(img);
    ASSERT_TRUE(line.ok());
    const int d = Levenshtein(U32(line->text), U32(f.text));
    errors += d;
    chars += static_cast<int>(U32(f.text).size());
    if (d) std::cout << "[ read ] " << f.kind << ": " << f.text << " -> " << line->text << "\n";
  }
  ASSERT_GT(chars, 0);
  // Character error rate on degraded training-distribution lines: a regression bound for the
  // committed weights (models/ocr/MODEL_CARD.md gives the figure on 1,000 lines, `make ocr-eval`);
  // tighten it when better weights are committed.
  constexpr double kMaxPhoneCer = 0.08;
  EXPECT_LE(static_cast<double>(errors) / chars, kMaxPhoneCer) << errors << " errors in " << chars;
}

TEST(CtcLineRecognizer, PreprocessingMatchesTheTrainingCode) {
  auto rec = MakeOrFail();
  ASSERT_TRUE(rec);
  cv::Mat img = cv::imread((kFixtures / "phone_00.png").string(), cv::IMREAD_GRAYSCALE);
  ASSERT_FALSE(img.empty());
  std::ifstream in(kFixtures / "prep_00.f32", std::ios::binary);
  std::vector<float> want(static_cast<size_t>(img.rows) * img.cols);
  in.read(reinterpret_cast<char*>(want.data()), want.size() * sizeof(float));
  ASSERT_TRUE(in) << "prep_00.f32 is shorter than its image";
  double scale = 0;
  cv::Mat blob = rec->Preprocess(img, &scale);
  ASSERT_EQ(blob.size[2], img.rows);
  ASSERT_GE(blob.size[3], img.cols);
  EXPECT_EQ(blob.size[3] % 4, 0);
  EXPECT_DOUBLE_EQ(scale, 1.0);
  double worst = 0;
  for (int y = 0; y < img.rows; ++y)
    for (int x = 0; x < img.cols; ++x)
      worst = std::max(worst, static_cast<double>(std::fabs(blob.ptr<float>(0, 0, y)[x] - want[y * img.cols + x])));
  EXPECT_LT(worst, 1e-4);
}

TEST(CtcLineRecognizer, ReadingCarriesWordBoxesAndPerCharacterConfidences) {
  RecognizedLine line;
  const char* letters[] = {"A", "B", " ", "C"};
  const float confs[] = {0.5F, 0.7F, 0.9F, 0.3F};
  float x = 0;
  for (int i = 0; i < 4; ++i) {
    line.chars.push_back({letters[i], confs[i], x, x + 8});
    line.text += letters[i];
    x += 10;
  }
  const LineReading r = line.ToReading(cv::Size(60, 20));
  EXPECT_EQ(r.text, "AB C");
  ASSERT_EQ(r.words.size(), 2u);
  EXPECT_EQ(r.words[0].text, "AB");
  EXPECT_EQ(r.words[0].box, cv::Rect(0, 0, 18, 20));
  EXPECT_NEAR(r.words[0].conf, 0.6, 1e-6);
  EXPECT_EQ(r.words[1].text, "C");
  EXPECT_EQ(r.words[1].box, cv::Rect(30, 0, 8, 20));
  ASSERT_EQ(r.char_conf.size(), 4u);
  EXPECT_DOUBLE_EQ(r.char_conf[2], 1.0);  // the space
  EXPECT_FLOAT_EQ(r.char_x[3], 34.F);
  EXPECT_NEAR(r.conf, (0.6 + 0.3) / 2, 1e-6);
  EXPECT_NEAR(line.MeanConfidence(), (0.5 + 0.7 + 0.3) / 3, 1e-6);
}

TEST(CtcLineRecognizer, RefusesCropsTooSmallToHoldText) {
  auto rec = MakeOrFail();
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->Read(cv::Mat()).status().reason(), "doc.line_too_small");
  EXPECT_EQ(rec->Read(cv::Mat(2, 50, CV_8UC1, cv::Scalar(0))).status().reason(),
            "doc.line_too_small");
  // A blank crop reads as nothing, not as an error.
  auto blank = rec->Read(cv::Mat(32, 200, CV_8UC1, cv::Scalar(255)));
  ASSERT_TRUE(blank.ok());
  EXPECT_TRUE(blank->text.empty()) << blank->text;
}

TEST(CtcLineRecognizer, MissingModelIsAClearError) {
  auto empty = CtcLineRecognizer::Create(nullptr);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().reason(), "doc.recognizer_missing");
}

}  // namespace
}  // namespace ekyc::doc
