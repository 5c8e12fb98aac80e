#include "doc/id_confidence.h"

#include <gtest/gtest.h>

namespace ekyc::doc {
namespace {

TEST(IdCharConfidences, OneValuePerCharacter) {
  auto c = IdCharConfidences("004161584044", 0.9, "ocr", {{"004161584044", 0.8}});
  ASSERT_EQ(c.size(), 12u);
  for (double v : c) EXPECT_DOUBLE_EQ(v, 0.9);  // one reading: no per-digit evidence beyond it
  EXPECT_TRUE(IdCharConfidences("", 0.9, "ocr", {}).empty());
}

TEST(IdCharConfidences, DisagreeingReadingsLowerTheirDigitsOnly) {
  // Three readings of the same number; one read the 6th digit as 8.
  std::vector<IdCandidate> readings = {
      {"004161584044", 0.6}, {"004168584044", 0.3}, {"004161584044", 0.3}};
  auto c = IdCharConfidences("004161584044", 1.0, "ocr", readings);
  ASSERT_EQ(c.size(), 12u);
  for (size_t i = 0; i < c.size(); ++i) {
    if (i == 5)
      EXPECT_NEAR(c[i], 0.9 / 1.2, 1e-12);
    else
      EXPECT_DOUBLE_EQ(c[i], 1.0);
  }
}

TEST(IdCharConfidences, WindowsAndOtherLengthsAreNotReadings) {
  std::vector<IdCandidate> readings = {
      {"004161584044", 0.5}, {"104161584044", 0.5, /*window=*/true}, {"00416158404", 0.9}};
  for (double v : IdCharConfidences("004161584044", 0.7, "ocr", readings)) EXPECT_DOUBLE_EQ(v, 0.7);
}

TEST(IdCharConfidences, MachineReadableSourceSettlesEveryDigit) {
  std::vector<IdCandidate> readings = {{"004161584044", 0.5}, {"994161584044", 0.5}};
  for (const char* source : {"qr", "ocr+qr", "mrz", "ocr+mrz"}) {
    for (double v : IdCharConfidences("004161584044", 0.99, source, readings))
      EXPECT_DOUBLE_EQ(v, 0.99) << source;
  }
  auto ocr = IdCharConfidences("004161584044", 0.99, "ocr", readings);
  EXPECT_DOUBLE_EQ(ocr[0], 0.99 * 0.5);
  EXPECT_DOUBLE_EQ(ocr[2], 0.99);
}

}  // namespace
}  // namespace ekyc::doc
