#include "doc/mark_words.h"

#include <gtest/gtest.h>

namespace ekyc::doc {
namespace {

TEST(DocMarkWords, MarksOfTheVocabularyWordWithTheSameLetters) {
  EXPECT_EQ(RespellMarkWords("Nốt ruồi C:1cm trên sau dầu lông mày trái"),
            "Nốt ruồi C:1cm trên sau đầu lông mày trái");
  EXPECT_EQ(RespellMarkWords("Nốt ruồi C:1cm trền sau đầu lông mày trái"),
            "Nốt ruồi C:1cm trên sau đầu lông mày trái");
  EXPECT_EQ(RespellMarkWords("Sẹo chấm C:1,5cm trên đuôi mày phái"),
            "Sẹo chấm C:1,5cm trên đuôi mày phải");
  EXPECT_EQ(RespellMarkWords("Sẹo chấm C:2cm dưới trướC cánh mũi phải"),
            "Sẹo chấm C:2cm dưới trước cánh mũi phải");
  // "dưới" and "đuôi" share their letters: the one with fewer characters changed.
  EXPECT_EQ(RespellMarkWords("cách 2cm đưới đuôi mắt"), "cách 2cm dưới đuôi mắt");
  EXPECT_EQ(RespellMarkWords("trên duôi mày"), "trên đuôi mày");
  EXPECT_EQ(RespellMarkWords("NỐT RUỒI DƯỚI MÁ TRÁl"), "NỐT RUỒI DƯỚI MÁ TRÁl");
  EXPECT_EQ(RespellMarkWords("SẸO DÀI DƯỚI CẰM TRAI"), "SẸO DÀI DƯỚI CẰM TRÁI");
}

TEST(DocMarkWords, NoSyllableOneLetterOffAVocabularyWord) {
  EXPECT_EQ(RespellMarkWords("Sẹo chấm cách 1cm tvên đầu tmày trái"),
            "Sẹo chấm cách 1cm trên đầu mày trái");
  EXPECT_EQ(RespellMarkWords("C:2m dưei trước"), "C:2m dưới trước");
  EXPECT_EQ(RespellMarkWords("SẸO DƯƠI CẰM"), "SẸO DƯỚI CẰM");
}

TEST(DocMarkWords, ASyllableOneVowelOffAVocabularyWord) {
  EXPECT_EQ(RespellMarkWords("Sẹo chốm cách 1cm trên đìu mày"), "Sẹo chấm cách 1cm trên đầu mày");
  EXPECT_EQ(RespellMarkWords("dưới su đuôi mày"), "dưới sau đuôi mày");
  EXPECT_EQ(RespellMarkWords("Sẹ chấm"), "Sẹo chấm");
  // Another consonant is no vowel misread: "hai" stays, though one letter off "tai".
  EXPECT_EQ(RespellMarkWords("Sẹo hai bên"), "Sẹo hai bên");
}

TEST(DocMarkWords, OtherLettersAndTiesStayAsRead) {
  // A syllable that no vowel change makes a vocabulary word stays (a word outside the
  // vocabulary); "mắt" and "mặt" tie for "mát"; "tên" is one letter off both "trên" and "đen";
  // "Cacm" is as near "cách" as "cằm".
  EXPECT_EQ(RespellMarkWords("Sẹo lớn nhỏ cách 1cm"), "Sẹo lớn nhỏ cách 1cm");
  EXPECT_EQ(RespellMarkWords("cách 1cm tên đầu mày"), "cách 1cm tên đầu mày");
  EXPECT_EQ(RespellMarkWords("Sẹo chấm Cacm dưới"), "Sẹo chấm Cacm dưới");
  EXPECT_EQ(RespellMarkWords("dưới mát trái"), "dưới mát trái");
  EXPECT_EQ(RespellMarkWords("C:3cm, s9u"), "C:3cm, s9u");
  EXPECT_EQ(RespellMarkWords(""), "");
}

TEST(DocMarkWords, ForeignWordsAndEchoesDropped) {
  EXPECT_EQ(DropMarkNoise("Nốt ruồi cách 2cm dưới đuôi PesonelidentỴ caion mắt trái"),
            "Nốt ruồi cách 2cm dưới đuôi mắt trái");
  EXPECT_EQ(DropMarkNoise("Sẹo chấm cách 1cm trên đầu Prsonai tdêenHcưtem mày trái"),
            "Sẹo chấm cách 1cm trên đầu mày trái");
  EXPECT_EQ(DropMarkNoise("Sẹo ẹo chấm cách 1cm trên đầu mày y trái"),
            "Sẹo chấm cách 1cm trên đầu mày trái");
}

TEST(DocMarkWords, DescriptionsAndShortTokensKept) {
  // Syllables outside the vocabulary, distances (one with its number misread), abbreviations, a
  // token with a syllable in it, and a vocabulary word that ends like the word before it.
  for (const char* kept :
       {"Nốt ruồi C:1cm trên sau đầu lông mày trái", "Sẹo chấm lớn cách 1,5cm T.Phải",
        "Sẹo C:2cm x", "Vết bớt Cacm", "SẸO DÀI DƯỚI CẰM TRÁI", "Nốt ruồi trên mí mi"}) {
    EXPECT_EQ(DropMarkNoise(kept), kept);
  }
  EXPECT_EQ(DropMarkNoise(""), "");
  EXPECT_EQ(DropMarkNoise("  Sẹo   chấm "), "Sẹo chấm");
}

}  // namespace
}  // namespace ekyc::doc
