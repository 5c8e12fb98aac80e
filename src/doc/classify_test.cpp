#include "doc/classify.h"

#include <gtest/gtest.h>

#include "doc/testing/word_fixtures.h"

namespace ekyc::doc {
namespace {

Signals Text(const std::string& page) {
  Signals s;
  s.page = page;
  return s;
}

TEST(DocClassify, StrongSignalsFirst) {
  double conf = 0;
  Signals td3 = Text("");
  td3.mrz_td3 = true;
  EXPECT_EQ(Classify(td3, &conf), std::make_pair(DocType::kPassport, Side::kFront));
  Signals td1 = Text("CUC TRUONG CUC CANH SAT | ");
  td1.mrz_td1 = true;
  EXPECT_EQ(Classify(td1, &conf), std::make_pair(DocType::kCccdChip, Side::kBack));
  EXPECT_DOUBLE_EQ(conf, 0.99);
  Signals td1_2024 = Text("NOI CU TRU PLACE OF RESIDENCE | BO CONG AN | ");
  td1_2024.mrz_td1 = true;
  EXPECT_EQ(Classify(td1_2024, &conf), std::make_pair(DocType::kCanCuoc, Side::kBack));
  Signals qr = Text("CAN CUOC CONG DAN | ");
  qr.qr = true;
  qr.qr_fields = 7;
  EXPECT_EQ(Classify(qr, &conf), std::make_pair(DocType::kCccdChip, Side::kFront));
}

TEST(DocClassify, TitlesAndLabels) {
  double conf = 0;
  EXPECT_EQ(Classify(Text("CAN CUOC CONG DAN | HO VA TEN | "), &conf),
            std::make_pair(DocType::kCccd2016, Side::kFront));
  EXPECT_EQ(Classify(Text("GIAY CHUNG MINH NHAN DAN | SO | "), &conf),
            std::make_pair(DocType::kCmnd9, Side::kFront));
  EXPECT_EQ(Classify(Text("CHUNG MINH NHAN DAN | HO VA TEN KHAI SINH | "), &conf),
            std::make_pair(DocType::kCmnd12, Side::kFront));
  EXPECT_EQ(Classify(Text("CAN CUOC | IDENTITY CARD | SO DINH DANH CA NHAN | "), &conf),
            std::make_pair(DocType::kCanCuoc, Side::kFront));
  // A Căn cước back whose English sub-labels and MRZ were not read; one of its labels alone is
  // not enough.
  EXPECT_EQ(Classify(Text("NOI CU TRU | NGAY THANG NAM CAP | NGAY THANG NAM HET HAN 11 11 2036 | "),
                     &conf),
            std::make_pair(DocType::kCanCuoc, Side::kBack));
  EXPECT_EQ(Classify(Text("NOI CU TRU | LOREM | "), &conf).first, DocType::kUnknown);
  EXPECT_EQ(Classify(Text("DAN TOC KINH | TON GIAO KHONG | "), &conf),
            std::make_pair(DocType::kCmnd9, Side::kBack));
  EXPECT_EQ(Classify(Text("DAC DIEM NHAN DANG | GIAM DOC CONG AN | "), &conf),
            std::make_pair(DocType::kCmnd12, Side::kBack));
  EXPECT_EQ(Classify(Text("DAC DIEM NHAN DANG | CUC TRUONG | "), &conf),
            std::make_pair(DocType::kCccd2016, Side::kBack));
}

TEST(DocClassify, NothingKnownIsUnknown) {
  double conf = 1;
  EXPECT_EQ(Classify(Text("LOREM IPSUM | "), &conf).first, DocType::kUnknown);
  EXPECT_EQ(conf, 0.0);
}

TEST(DocClassify, OrientationScoreCountsKnownLabels) {
  auto segs = testing::Page({{"CỘNG", 300, 20, 60, 24},
                             {"HÒA", 365, 20, 50, 24},
                             {"XÃ", 420, 20, 35, 24},
                             {"HỘI", 460, 20, 45, 24},
                             {"Họ", 270, 300, 30, 22},
                             {"và", 305, 300, 30, 22},
                             {"tên:", 340, 300, 45, 22}});
  EXPECT_EQ(OrientationScore(segs), 2);
  // Upside down, the same text reads as noise.
  auto noise = testing::Page({{"ɹɐʇ", 300, 20, 60, 24}, {"ÌOH", 365, 20, 50, 24}});
  EXPECT_EQ(OrientationScore(noise), 0);
}

TEST(DocClassify, MrzIsLookedForOnlyWhereTheTextSaysSo) {
  EXPECT_TRUE(MrzLikely("IDVNM0790001234 | "));
  EXPECT_TRUE(MrzLikely("DAC DIEM NHAN DANG PERSONAL IDENTIFICATION | "));
  EXPECT_FALSE(MrzLikely("DAN TOC KINH | TON GIAO KHONG | DAU VET RIENG | "));
  EXPECT_FALSE(MrzLikely("HO VA TEN | NGAY SINH | "));
}

}  // namespace
}  // namespace ekyc::doc
