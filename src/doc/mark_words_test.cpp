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

TEST(DocMarkWords, OtherLettersAndTiesStayAsRead) {
  // A letter misread is not a mark; "mắt" and "mặt" tie for "mát".
  EXPECT_EQ(RespellMarkWords("Sẹo chốm cách 1cm tvên"), "Sẹo chốm cách 1cm tvên");
  EXPECT_EQ(RespellMarkWords("dưới mát trái"), "dưới mát trái");
  EXPECT_EQ(RespellMarkWords("C:3cm, s9u"), "C:3cm, s9u");
  EXPECT_EQ(RespellMarkWords(""), "");
}

}  // namespace
}  // namespace ekyc::doc
