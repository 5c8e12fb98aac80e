#include <gtest/gtest.h>

#include "vn/internal.h"
#include "vn/vn.h"

namespace ekyc::vn {
namespace {

TEST(VnText, NfcFromDecomposedInput) {
  // "Hòa" written as o + U+0300 (NFD) must equal the precomposed form.
  EXPECT_EQ(TextTools::Nfc("Ho\xCC\x80"
                           "a"),
            "Hòa");
  EXPECT_EQ(TextTools::Nfc("  Xuân   La \t"), "Xuân La");
}

TEST(VnText, FoldRemovesTonesBothConventions) {
  EXPECT_EQ(TextTools::Fold("Thanh Hóa"), "thanh hoa");
  EXPECT_EQ(TextTools::Fold("Thanh Hoá"), "thanh hoa");
  EXPECT_EQ(TextTools::Fold("ĐẮK LẮK"), "dak lak");
  EXPECT_EQ(TextTools::Fold("Nguyê\xCC\x83n"), "nguyen");  // NFD input
}

TEST(VnText, UpperAndUnidecode) {
  auto t = TextTools::Create();
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(TextTools::Upper("phường Xuân La"), "PHƯỜNG XUÂN LA");
  EXPECT_EQ((*t)->Unidecode("PHƯỜNG XUÂN LA, QUẬN TÂY HỒ, TP HÀ NỘI"),
            "PHUONG XUAN LA, QUAN TAY HO, TP HA NOI");
  EXPECT_EQ((*t)->Unidecode("NGUYỄN ĐỨC Ẩn"), "NGUYEN DUC An");
  EXPECT_EQ((*t)->Unidecode("đ"), "d");
}

TEST(VnText, MatchKeyAndEditDistance) {
  EXPECT_EQ(MatchKey("Phường 01"), "phuong1");
  EXPECT_EQ(MatchKey("01"), "1");
  EXPECT_EQ(MatchKey("Bà Rịa - Vũng Tàu"), "bariavungtau");
  EXPECT_EQ(MatchKey("Ea H'leo"), "eahleo");
  EXPECT_EQ(BoundedEditDistance("xuanla", "xuanla", 2), 0);
  EXPECT_EQ(BoundedEditDistance("xuanla", "xunala", 2), 1);  // transposition
  EXPECT_EQ(BoundedEditDistance("xuanla", "xuanha", 2), 1);
  EXPECT_EQ(BoundedEditDistance("abcdef", "uvwxyz", 2), 3);  // capped at max + 1
}

}  // namespace
}  // namespace ekyc::vn
