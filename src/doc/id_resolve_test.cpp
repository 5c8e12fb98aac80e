#include "doc/id_resolve.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "doc/testing/word_fixtures.h"

namespace ekyc::doc {
namespace {

using testing::Page;
using testing::ScriptedLines;
using testing::ScriptedPage;

// 001 (Hà Nội), century/sex digit 0 (male, 1900s), birth year 90.
constexpr const char* kValidId = "001090123456";

struct Fixture {
  cv::Mat gray = cv::Mat(630, 1000, CV_8UC1, cv::Scalar(255));
  cv::Mat card = cv::Mat(630, 1000, CV_8UC3, cv::Scalar(255, 255, 255));
  std::shared_ptr<ScriptedLines> lines;
  std::shared_ptr<ScriptedPage> page = std::make_shared<ScriptedPage>();
  Recognizers rec;
  explicit Fixture(std::vector<LineReading> answers)
      : lines(std::make_shared<ScriptedLines>(std::move(answers))) {
    rec.line = lines;
    rec.page = page;
  }
};

Extracted Value(const std::vector<Segment>& segs) {
  Extracted e;
  e.spans = {{0, 1, static_cast<int>(segs[0].words.size())}};
  e.text = WordsText(segs[0], 1, static_cast<int>(segs[0].words.size()));
  e.label_line = segs[0].box;
  e.label_text = WordsText(segs[0], 0, static_cast<int>(segs[0].words.size()));
  return e;
}

// A labelled page value ("Số:" then `value`) resolved for a man born in 1990; `*page` gets the
// cleaned page value.
std::optional<IdCandidate> ResolveLabelled(Fixture& fx, const std::string& value, bool* rules_ok,
                                           std::string* page = nullptr) {
  auto segs = Page({{"Số:", 270, 260, 35, 22}, {value.c_str(), 320, 256, 220, 30, 0.9}});
  FieldRereader rr(fx.rec, fx.gray, fx.card, segs);
  IdResolver ids(12);
  std::string v = ids.AddPageValue(Value(segs), 0.9, segs, true);
  if (page != nullptr) *page = v;
  return ids.Resolve(segs, rr, {}, vn::MakeDate(1990, 5, 1), 0, rules_ok);
}

TEST(DocIdResolve, AValidPageValueNeedsNoReRead) {
  Fixture fx({});
  bool rules_ok = false;
  std::string page;
  auto pick = ResolveLabelled(fx, kValidId, &rules_ok, &page);
  EXPECT_EQ(page, kValidId);
  ASSERT_TRUE(pick);
  EXPECT_EQ(pick->value, kValidId);
  EXPECT_TRUE(rules_ok);
  EXPECT_TRUE(fx.lines->sizes.empty());
}

TEST(DocIdResolve, AForeignPrefixIsReReadForAProvinceCode) {
  // The leading 0 read as 5: a prefix only a birth abroad has. The rules pass, but the line is
  // re-read, and the province code read there wins.
  Fixture fx({{kValidId, 0.7}});
  bool rules_ok = false;
  auto pick = ResolveLabelled(fx, "501090123456", &rules_ok);
  ASSERT_TRUE(pick);
  EXPECT_EQ(pick->value, kValidId);
  EXPECT_TRUE(rules_ok);
  EXPECT_FALSE(fx.lines->sizes.empty());
}

TEST(DocIdResolve, AnInvalidPageValueIsReRead) {
  // `0` read as `8` in the century digit: fails the rules against the date of birth.
  Fixture fx({{kValidId, 0.8}});
  bool rules_ok = false;
  auto pick = ResolveLabelled(fx, "001890123456", &rules_ok);
  ASSERT_TRUE(pick);
  EXPECT_EQ(pick->value, kValidId);
  EXPECT_TRUE(rules_ok);
  EXPECT_FALSE(fx.lines->sizes.empty());
}

TEST(DocIdResolve, LabelResidueLeavesAWindowThatPassesTheRules) {
  // "Số:" read as 5: a 13-digit run whose last 12 digits are the number.
  Fixture fx({{"5001090123456", 0.8}});
  auto segs = Page({{"5001090123456", 270, 256, 260, 30, 0.9}});
  FieldRereader rr(fx.rec, fx.gray, fx.card, segs);
  IdResolver ids(12);
  Extracted e;
  e.spans = {{0, 0, 1}};
  e.text = "5001090123456";
  ids.AddPageValue(e, 0.9, segs, true);
  bool rules_ok = false;
  auto pick = ids.Resolve(segs, rr, {}, vn::MakeDate(1990, 5, 1), 0, &rules_ok);
  ASSERT_TRUE(pick);
  EXPECT_EQ(pick->value, kValidId);
  EXPECT_TRUE(pick->window);
}

TEST(DocIdResolve, NothingOfTheRightLength) {
  Fixture fx({{"12345", 0.5}});
  auto segs = Page({{"Số:", 270, 260, 35, 22}, {"12345", 320, 256, 100, 30}});
  FieldRereader rr(fx.rec, fx.gray, fx.card, segs);
  IdResolver ids(12);
  ids.AddPageValue(Value(segs), 0.9, segs, true);
  bool rules_ok = true;
  EXPECT_FALSE(ids.Resolve(segs, rr, {}, std::nullopt, -1, &rules_ok));
}

TEST(DocIdResolve, WordsAfterAMisplacedLabelAreNoNumber) {
  // "Số" matched at the start of an address line: its letters would map to look-alike digits.
  Fixture fx({});
  auto segs = Page({{"Số", 270, 600, 30, 22}, {"263/9", 305, 600, 60, 22},
                    {"Hai", 370, 600, 40, 22}, {"Bà", 415, 600, 30, 22},
                    {"Trưng,", 450, 600, 70, 22}, {"Xã", 525, 600, 30, 22},
                    {"Tam", 560, 600, 40, 22}, {"Thanh", 605, 600, 60, 22}});
  FieldRereader rr(fx.rec, fx.gray, fx.card, segs);
  IdResolver ids(9);
  EXPECT_EQ(ids.AddPageValue(Value(segs), 0.9, segs, true), "");
  EXPECT_TRUE(ids.wanted());
  EXPECT_TRUE(ids.candidates().empty());
}

}  // namespace
}  // namespace ekyc::doc
