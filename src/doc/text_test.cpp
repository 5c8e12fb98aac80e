#include "doc/text.h"

#include <gtest/gtest.h>

namespace ekyc::doc {

TEST(DocText, FoldsVietnamese) {
  EXPECT_EQ(FoldKey("Nguyễn  Đức Ẩn"), "NGUYEN DUC AN");
  EXPECT_EQ(StripAccents("Quê quán"), "Que quan");
  EXPECT_EQ(StripAccents("NGUYỄN ĐỨC Ẩn"), "NGUYEN DUC An");
  // NFD input folds the same as NFC.
  EXPECT_EQ(FoldKey("Nguye\xCC\x82\xCC\x83n"), "NGUYEN");
}

TEST(DocText, MostlyLowercase) {
  EXPECT_TRUE(MostlyLowercase("rui nane-"));
  EXPECT_TRUE(MostlyLowercase("all ngược"));
  EXPECT_TRUE(MostlyLowercase("Full name:"));
  EXPECT_FALSE(MostlyLowercase("NGÔ MINH THẢO"));
  EXPECT_FALSE(MostlyLowercase("NGUYỄn"));  // one letter read in the wrong case
  EXPECT_FALSE(MostlyLowercase("12/05"));
  EXPECT_FALSE(MostlyLowercase(""));
  EXPECT_TRUE(MostlyUppercase("HÁI"));
  EXPECT_TRUE(MostlyUppercase("P"));
  EXPECT_FALSE(MostlyUppercase("binh:"));
  EXPECT_FALSE(MostlyUppercase("/"));
}

TEST(DocText, Distances) {
  EXPECT_EQ(EditDistance("KITTEN", "SITTING"), 3);
  size_t end = 0;
  EXPECT_EQ(BestSubstringDistance("XX HO VA TEN: AN", "HO VA TEN", &end), 0);
  EXPECT_EQ(end, 12u);
  EXPECT_EQ(BestSubstringDistance("H0 VA TFN", "HO VA TEN"), 2);
}

TEST(DocText, Dates) {
  EXPECT_TRUE(IsValidDmy("29/02/2024"));
  EXPECT_FALSE(IsValidDmy("29/02/2023"));
  EXPECT_FALSE(IsValidDmy("31/04/2020"));
  EXPECT_FALSE(IsValidDmy("1/04/2020"));
}

TEST(DocText, KeepLetters) {
  EXPECT_EQ(CollapseSpaces(KeepLetters("\xE2\x80\x9CNGUYỄN  V4N: A")), "NGUYỄN V N A");
}

TEST(DocText, InCaseOfTheReading) {
  EXPECT_EQ(InCaseOf("TRÁl", "trái"), "TRÁI");
  EXPECT_EQ(InCaseOf("Phuông", "phường"), "Phường");
  EXPECT_EQ(InCaseOf("dầu", "đầu"), "đầu");
  EXPECT_EQ(InCaseOf("Ở", "ở"), "Ở");
}

TEST(DocText, RewriteLetterRuns) {
  auto mark = [](const std::string& w) { return "<" + w + ">"; };
  EXPECT_EQ(RewriteLetterRuns("C:2cm dưới, R'Lấp", mark), "<C>:2<cm> <dưới>, <R>'<Lấp>");
  EXPECT_EQ(RewriteLetterRuns("", mark), "");
}

}  // namespace ekyc::doc
