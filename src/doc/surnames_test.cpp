#include "doc/surnames.h"

#include <gtest/gtest.h>

namespace ekyc::doc {
namespace {

TEST(DocSurnames, AMarkLostOrWrongIsPutBack) {
  EXPECT_EQ(RestoreSurname("HỌ"), "HỒ");
  EXPECT_EQ(RestoreSurname("NGUYẾN"), "NGUYỄN");
  EXPECT_EQ(RestoreSurname("LỄ"), "LÊ");
  EXPECT_EQ(RestoreSurname("DANG"), "ĐẶNG");  // the MRZ's spelling: no marks, D for Đ
}

TEST(DocSurnames, ListedUnknownOrAmbiguousSurnamesStayAsRead) {
  EXPECT_EQ(RestoreSurname("TRẦN"), "TRẦN");
  EXPECT_EQ(RestoreSurname("LÃ"), "LÃ");        // listed, as is La
  EXPECT_EQ(RestoreSurname("LẢ"), "LẢ");        // La or Lã: not for the list to say
  EXPECT_EQ(RestoreSurname("DUONG"), "DUONG");  // Dương or Đường
  EXPECT_EQ(RestoreSurname("XYZ"), "XYZ");
  EXPECT_EQ(RestoreSurname(""), "");
}

TEST(DocSurnames, AFullNamesFirstWordIsItsSurname) {
  EXPECT_EQ(RestoreFullNameSurname("HỌ THÙY ÁNH"), "HỒ THÙY ÁNH");
  // Given names are not surnames: only the first word is looked up.
  EXPECT_EQ(RestoreFullNameSurname("TRẦN VĂN HỌ"), "TRẦN VĂN HỌ");
  EXPECT_EQ(RestoreFullNameSurname("HỌ"), "HỌ");  // one word is no full name
}

}  // namespace
}  // namespace ekyc::doc
