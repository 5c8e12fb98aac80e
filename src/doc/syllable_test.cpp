#include "doc/syllable.h"

#include <gtest/gtest.h>

namespace ekyc::doc {

TEST(DocSyllable, AcceptsSyllablesBuiltByTheRules) {
  for (const char* w :
       {"NGUYỄN", "Hoàng", "THÙY",  "HẰNG",   "HÃNG",    "CHÂU", "CHẦU",  "QUỲNH", "GIANG", "gìn",
        "KHUYẾN", "ĐẶNG",  "ước",   "TRƯỜNG", "NGHIÊNG", "Tiểu", "Ia",    "Lắk",   "Huế",   "Kạn",
        "yên",    "Quốc",  "xoong", "A",      "Y",       "Kỳ",   "khuya", "Thủy",  "Thuỵ"}) {
    EXPECT_TRUE(IsVietnameseSyllable(w)) << w;
  }
}

TEST(DocSyllable, RejectsWhatTheRulesForbid) {
  for (const char* w : {"TNGUYỄN",  // no such onset
                        "II", "Iriiễn", "Krông", "Păh",
                        "ĐĂ",                     // ă needs a coda
                        "CẢT",                    // stop coda with the hỏi tone
                        "CAT",                    // stop coda without a tone
                        "CI",                     // c never before i
                        "GHA",                    // gh only before i, e, ê
                        "NGUYỄỄN", "HÀÁ",         // two tone marks
                        "VNM", "", "A1", "Ð"}) {  // no vowel, empty, digit, Icelandic eth
    EXPECT_FALSE(IsVietnameseSyllable(w)) << w;
  }
}

TEST(DocSyllable, DropTrailingNoiseOnlyAtTheEnd) {
  EXPECT_EQ(DropTrailingNoise("Thị trấn Tân Phong, Huyện Quảng Xương, Tỉnh Thanh Hóa Iriiễn"),
            "Thị trấn Tân Phong, Huyện Quảng Xương, Tỉnh Thanh Hóa");
  EXPECT_EQ(DropTrailingNoise("Xã Phú An, Tỉnh Bình Dương II:"), "Xã Phú An, Tỉnh Bình Dương");
  // Non-syllables inside the value stay; numbers at the end stay.
  EXPECT_EQ(DropTrailingNoise("Xã Ea Kly, Huyện Krông Pắc, Tỉnh Đắk Lắk"),
            "Xã Ea Kly, Huyện Krông Pắc, Tỉnh Đắk Lắk");
  EXPECT_EQ(DropTrailingNoise("Thôn 18"), "Thôn 18");
  // Three noise words: not a trailing speck any more, left alone.
  EXPECT_EQ(DropTrailingNoise("Tỉnh Gia Lai Krr Xx Qq"), "Tỉnh Gia Lai Krr Xx Qq");
  EXPECT_EQ(DropTrailingNoise(""), "");
}

TEST(DocSyllable, AccentFreeMrzWords) {
  // Stripped spellings of real syllables, including stop codas (NGUYET = nguyệt, DUC = đức) and
  // letters whose modifiers the MRZ drops (DUONG = dương, QUOC = quốc, TRUONG = trường).
  for (const char* w : {"NGUYEN", "THI", "QUOC", "DUONG", "TRUONG", "NGUYET", "DUC", "LY", "KY",
                        "HUYNH", "GIANG", "NGHIEM", "THUY", "KHANH", "HOA", "AN", "Y", "ngoc"}) {
    EXPECT_TRUE(CouldBeAccentFreeSyllable(w)) << w;
  }
  // OCR inserted or doubled a letter; no diacritics can make these Vietnamese. A doubled O spells
  // the loan-word rhymes of "xoong" / "soóc", which names never use.
  EXPECT_TRUE(CouldBeAccentFreeSyllable("QUOOC"));
  EXPECT_TRUE(CouldBeAccentFreeSyllable("XOONG"));
  EXPECT_FALSE(CouldBeAccentFreeSyllable("QUOOC", /*personal_name=*/true));
  EXPECT_FALSE(CouldBeAccentFreeSyllable("VOO", /*personal_name=*/true));
  EXPECT_TRUE(CouldBeAccentFreeSyllable("QUOC", /*personal_name=*/true));
  for (const char* w :
       {"KLY", "NGUYYEN", "THII", "HOANGG", "X", "", "NGUYEN1", "NGUYÊN", "ABCDEFGHI"}) {
    EXPECT_FALSE(CouldBeAccentFreeSyllable(w)) << "[" << w << "]";
  }
}

}  // namespace ekyc::doc
