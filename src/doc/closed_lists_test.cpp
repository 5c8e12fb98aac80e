#include "doc/closed_lists.h"

#include <gtest/gtest.h>

namespace ekyc::doc {
namespace {

TEST(DocClosedLists, MisreadValuesTakeTheirEntrysSpelling) {
  EXPECT_EQ(RespellReligion("Tỉn ành"), "Tin lành");  // marks and one letter
  EXPECT_EQ(RespellReligion("Phât giáo"), "Phật giáo");
  EXPECT_EQ(RespellReligion("KHÔNC"), "KHÔNG");  // capitals stay capitals
  EXPECT_EQ(RespellEthnicGroup("Mưòng"), "Mường");
  EXPECT_EQ(RespellEthnicGroup("Kiuh"), "Kinh");
  EXPECT_EQ(RespellEthnicGroup("Ê-dê"), "Ê-đê");
  EXPECT_EQ(RespellEthnicGroup("Ê đê"), "Ê đê");  // a printed variant
}

TEST(DocClosedLists, PrintedSpellingsAndOtherValuesStay) {
  // Entries and printed variants, whatever their separators.
  for (const char* v : {"Kinh", "Khmer", "Khơ-me", "H'Mông", "KINH"})
    EXPECT_EQ(RespellEthnicGroup(v), v) << v;
  for (const char* v : {"Thiên chúa giáo", "Không", "Cao Đài"})
    EXPECT_EQ(RespellReligion(v), v) << v;
  // Short values are too near each other for a letter's edit; far values stay.
  EXPECT_EQ(RespellEthnicGroup("Tay"), "Tày");  // same letters: marks restored
  EXPECT_EQ(RespellEthnicGroup("Tau"), "Tau");
  EXPECT_EQ(RespellReligion("Phật tử"), "Phật tử");
  EXPECT_EQ(RespellReligion(""), "");
}

}  // namespace
}  // namespace ekyc::doc
