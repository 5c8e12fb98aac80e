#include "doc/tesseract_recognizer.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace ekyc::doc {
namespace {

cv::Mat Rendered(const std::string& text, double scale) {
  cv::Mat img(80, 620, CV_8UC1, cv::Scalar(255));
  cv::putText(img, text, {20, 55}, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(0), 3, cv::LINE_AA);
  return img;
}

TEST(DocTesseract, MissingModelIsAClearError) {
  TesseractOptions o;
  o.tessdata_dir = "/nonexistent";
  auto r = TesseractRecognizer::Create(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "doc.tessdata_missing");
}

TEST(DocTesseract, ReadsALineWithPerCharacterDetail) {
  auto r = TesseractRecognizer::Create({});
  if (!r.ok()) GTEST_SKIP() << "Tesseract vie not installed";
  LineReading line = (*r)->ReadLine(Rendered("20481357", 1.8));
  // Hershey glyphs are not a card font: most digits, not all, must be right.
  ASSERT_EQ(line.text.size(), 8u) << line.text;
  int right = 0;
  for (size_t i = 0; i < 8; ++i) right += line.text[i] == std::string("20481357")[i];
  EXPECT_GE(right, 6) << line.text;
  EXPECT_GT(line.conf, 0.5);
  ASSERT_EQ(line.char_conf.size(), line.text.size());  // ASCII: one code point per byte
  ASSERT_EQ(line.char_x.size(), line.text.size());
  for (size_t i = 1; i < line.char_x.size(); ++i) EXPECT_GE(line.char_x[i], line.char_x[i - 1]);
  // Positions are in the crop's pixels, not the recogniser's scaled image.
  EXPECT_LT(line.char_x.back(), 620);
}

TEST(DocTesseract, MrzWhitelistAndLines) {
  TesseractOptions o;
  o.lang = "eng";
  o.whitelist = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";
  o.dictionaries = false;
  auto r = TesseractRecognizer::Create(o);
  if (!r.ok()) GTEST_SKIP() << "Tesseract eng not installed";
  auto lines = (*r)->Lines(Rendered("P<VNMNGUYEN<<AN", 1.5));
  ASSERT_EQ(lines.size(), 1u);
  for (char c : lines[0].text) {
    EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '<' || c == ' ')
        << lines[0].text;
  }
  // One x-position per character, left to right.
  ASSERT_EQ(lines[0].char_x.size(), lines[0].text.size());
  for (size_t i = 1; i < lines[0].char_x.size(); ++i)
    EXPECT_GE(lines[0].char_x[i], lines[0].char_x[i - 1]);
}

}  // namespace
}  // namespace ekyc::doc
