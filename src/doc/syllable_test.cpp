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

TEST(DocSyllable, RepairEchoedLettersDropsAGlyphReadTwice) {
  // A letter next to itself (tone and case aside), two horned vowels, an r after a vowel.
  EXPECT_EQ(RepairEchoedLetters("Xã LỘộc Bắc"), "Xã Lộc Bắc");
  EXPECT_EQ(RepairEchoedLetters("Huyện Kim BôiI,"), "Huyện Kim Bôi,");
  EXPECT_EQ(RepairEchoedLetters("Số 240/15 Hai Bà Trơưng"), "Số 240/15 Hai Bà Trưng");
  EXPECT_EQ(RepairEchoedLetters("dưrới trưrớc cánh mũi"), "dưới trước cánh mũi");
  EXPECT_EQ(RepairEchoedLetters("Huyện Quỳnh Lưru"), "Huyện Quỳnh Lưu");
  EXPECT_EQ(RepairEchoedLetters("NGUYỄỄN"), "NGUYỄN");
}

TEST(DocSyllable, RepairEchoedLettersLeavesWhatItCannotDecide) {
  // Two repairs spell two words: a vocabulary must decide.
  EXPECT_EQ(RepairEchoedLetters("Huyện Cùủ Chi"), "Huyện Cùủ Chi");
  EXPECT_EQ(RepairEchoedLetters("Plei Kẩần"), "Plei Kẩần");
  // Syllables, loan-word rhymes and names outside the rules: no echo to drop.
  for (const char* s :
       {"Xã Đắk Wil, Huyện Cư Jút", "xoong", "Krông Búk", "Ia Grai", "Lưu", "Trương", "Đắk R'Lấp",
        "Đắk Er", "Xã N'Thol Hạ", "Tổ 10", "Xã Hòa Tú II", "Iriiễn", "Hoà Bình", ""}) {
    EXPECT_EQ(RepairEchoedLetters(s), s) << s;
  }
}

}  // namespace ekyc::doc
