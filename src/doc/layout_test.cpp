#include "doc/layout.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstring>
#include <set>

namespace ekyc::doc {
namespace {

const std::pair<DocType, Side> kSides[] = {
    {DocType::kCmnd9, Side::kFront},    {DocType::kCmnd9, Side::kBack},
    {DocType::kCmnd12, Side::kFront},   {DocType::kCmnd12, Side::kBack},
    {DocType::kCccd2016, Side::kFront}, {DocType::kCccd2016, Side::kBack},
    {DocType::kCccdChip, Side::kFront}, {DocType::kCccdChip, Side::kBack},
    {DocType::kCanCuoc, Side::kFront},  {DocType::kCanCuoc, Side::kBack},
    {DocType::kPassport, Side::kFront}};

TEST(DocLayout, EverySideHasATableWithFoldedLabels) {
  for (const auto& [type, side] : kSides) {
    SCOPED_TRACE(std::string(DocTypeName(type)) + (side == Side::kFront ? " front" : " back"));
    const SideLayout& l = LayoutOf(type, side);
    ASSERT_FALSE(l.fields.empty());
    std::set<std::string> names;
    for (const FieldSpec& f : l.fields) {
      EXPECT_TRUE(names.insert(f.field).second) << f.field;
      ASSERT_FALSE(f.labels.empty()) << f.field;
      for (const char* label : f.labels) {
        for (const char* c = label; *c; ++c) {
          EXPECT_TRUE(std::isupper(static_cast<unsigned char>(*c)) || std::isdigit(*c) || *c == ' ')
              << label;
        }
      }
      // Longest form first: the shorter ones are fallbacks.
      for (size_t i = 1; i < f.labels.size(); ++i)
        EXPECT_LE(std::strlen(f.labels[i]), std::strlen(f.labels[0])) << f.field;
      if (!f.value_box.empty()) {
        EXPECT_GE(f.value_box.x, 0);
        EXPECT_LE(f.value_box.x + f.value_box.w, 1.0);
        EXPECT_LE(f.value_box.y + f.value_box.h, 1.0);
      }
      if (l.bilingual && f.english) {
        EXPECT_GT(std::strlen(f.english), 2u);
      }
    }
    // Fronts carry a portrait, backs none.
    EXPECT_EQ(l.portrait.empty(), side == Side::kBack);
  }
}

TEST(DocLayout, PersonalNumberLengthAndMachineReadableSides) {
  EXPECT_EQ(LayoutOf(DocType::kCmnd9, Side::kFront).id_digits, 9);
  EXPECT_EQ(LayoutOf(DocType::kCccdChip, Side::kFront).id_digits, 12);
  EXPECT_TRUE(LayoutOf(DocType::kCccdChip, Side::kFront).qr_side);
  EXPECT_TRUE(LayoutOf(DocType::kCanCuoc, Side::kBack).qr_side);
  EXPECT_FALSE(LayoutOf(DocType::kCanCuoc, Side::kFront).qr_side);
  EXPECT_TRUE(LayoutOf(DocType::kPassport, Side::kFront).bilingual);
  EXPECT_FALSE(LayoutOf(DocType::kCccd2016, Side::kFront).bilingual);
  EXPECT_TRUE(LayoutOf(DocType::kUnknown, Side::kFront).fields.empty());
}

TEST(DocLayout, RelativeBoxesScaleWithTheCard) {
  RelRect r{0.1, 0.2, 0.5, 0.25};
  EXPECT_EQ(r.On({1000, 630}), cv::Rect(100, 126, 500, 157));
  EXPECT_TRUE(RelRect{}.On({1000, 630}).empty());
}

TEST(DocLayout, BlockStarts) {
  EXPECT_TRUE(StartsBlock("NOI THUONG TRU PLACE OF RESIDENCE"));
  EXPECT_TRUE(StartsBlock("NGAY THANG NAM"));
  EXPECT_FALSE(StartsBlock("XA TINH KY"));
}

}  // namespace
}  // namespace ekyc::doc
