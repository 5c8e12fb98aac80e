#include "doc/reread.h"

#include <gtest/gtest.h>

#include "doc/testing/word_fixtures.h"

namespace ekyc::doc {
namespace {

using testing::Page;
using testing::ScriptedLines;

struct Fixture {
  cv::Mat gray = cv::Mat(630, 1000, CV_8UC1, cv::Scalar(255));
  cv::Mat card = cv::Mat(630, 1000, CV_8UC3, cv::Scalar(255, 255, 255));
};

TEST(DocReread, NamesAreVotedWordByWord) {
  Fixture fx;
  auto segs = Page({{"NGUYÊN", 270, 334, 110, 30, 0.9},
                    {"VĂN", 390, 334, 60, 30, 0.9},
                    {"AN", 460, 334, 40, 30, 0.9}});
  auto lines = std::make_shared<ScriptedLines>(std::vector<LineReading>{
      {"NGUYỄN VĂN AN", 0.8}, {"NGUYỄN VĂN AN", 0.7}, {"NGUYỄN VĂN ÂN", 0.95}});
  Recognizers rec;
  rec.line = lines;
  FieldRereader rr(rec, fx.gray, fx.card, segs);
  FieldSpec spec{"ho_ten", FieldKind::kName, {"HO VA TEN"}};
  Extracted e;
  e.spans = {{0, 0, 3}};
  e.text = "NGUYÊN VĂN AN";
  rr.RereadText(spec, "", &e);
  EXPECT_EQ(e.text, "NGUYỄN VĂN AN");
  EXPECT_EQ(lines->sizes.size(), 3u);  // three crops of the line
  // The crop reaches 0.45 of the line height above the word boxes (stacked tone marks).
  EXPECT_GE(lines->sizes[0].height, 30 + 13);
}

// A name read in part (its first words lost): the line is read from the label's end, and the whole
// line is kept only when it ends with the words the page read.
TEST(DocReread, ANameReadInPartIsReadFromTheLabelsEnd) {
  Fixture fx;
  auto segs = Page({{"TRANG", 846, 304, 137, 30, 0.9}});
  FieldSpec spec{"ho_ten", FieldKind::kName, {"HO VA TEN"}};
  Recognizers rec;
  {
    auto lines = std::make_shared<ScriptedLines>(std::vector<LineReading>{
        {"HUỲNH MỸ TRANG", 0.8}, {"HUỲNH MỸ TRANG", 0.7}, {"HUỲNH MŸ TRANG", 0.6}});
    rec.line = lines;
    FieldRereader rr(rec, fx.gray, fx.card, segs);
    Extracted e;
    e.spans = {{0, 0, 1}};
    e.line_from_x = 620;
    rr.RereadText(spec, "", &e);
    EXPECT_EQ(e.text, "HUỲNH MỸ TRANG");
    ASSERT_EQ(lines->sizes.size(), 3u);
    EXPECT_GT(lines->sizes[0].width, 983 - 620);  // from the label's end, not the word's box
  }
  {
    rec.line = std::make_shared<ScriptedLines>(
        std::vector<LineReading>{{"SINH: LÊ VĂN", 0.8}, {"SINH: LÊ VĂN", 0.7}, {"LÊ VĂN", 0.6}});
    FieldRereader rr(rec, fx.gray, fx.card, segs);
    Extracted e;
    e.spans = {{0, 0, 1}};
    e.line_from_x = 620;
    rr.RereadText(spec, "", &e);
    EXPECT_EQ(e.text, "TRANG");
  }
}

TEST(DocReread, TheMrzSpellingChoosesTheLetters) {
  Fixture fx;
  auto segs = Page({{"VÍ", 270, 334, 40, 30, 0.9}});
  auto lines = std::make_shared<ScriptedLines>(
      std::vector<LineReading>{{"VÍ", 0.9}, {"VŨ", 0.6}, {"VÍ", 0.9}});
  Recognizers rec;
  rec.line = lines;
  FieldRereader rr(rec, fx.gray, fx.card, segs);
  FieldSpec spec{"ho", FieldKind::kName, {"HO SURNAME"}};
  Extracted e;
  e.spans = {{0, 0, 1}};
  rr.RereadText(spec, "VU", &e);
  EXPECT_EQ(e.text, "VŨ");
}

// A passport name whose end the page pass lost: the line is read on as far as the MRZ's letters
// need, and the reading that spells them wins.
TEST(DocReread, ANameShorterThanItsMrzSpellingIsReadOn) {
  Fixture fx;
  auto segs = Page({{"MINH", 366, 348, 80, 23, 0.9}, {"TU", 456, 348, 40, 23, 0.9}});
  FieldSpec spec{"chu_dem_va_ten", FieldKind::kName, {"CHU DEM VA TEN"}};
  Recognizers rec;
  auto lines = std::make_shared<ScriptedLines>(
      std::vector<LineReading>{{"MINH TUẤN", 0.8}, {"MINH TUẤN", 0.7}, {"MINH TUẦN", 0.6}});
  rec.line = lines;
  {
    FieldRereader rr(rec, fx.gray, fx.card, segs);
    Extracted e;
    e.spans = {{0, 0, 2}};
    rr.RereadText(spec, "MINH TUAN", &e);
    EXPECT_EQ(e.text, "MINH TUẤN");
    ASSERT_EQ(lines->sizes.size(), 3u);
    // 130 px for 7 characters, 2 more: read on by at least their width.
    EXPECT_GE(lines->sizes[0].width, 130 + 2 * 130 / 7);
  }
  {
    // A reading that is no start of the spelling keeps its box.
    auto same = std::make_shared<ScriptedLines>(std::vector<LineReading>{{"MINH TU", 0.8}});
    rec.line = same;
    FieldRereader rr(rec, fx.gray, fx.card, segs);
    Extracted e;
    e.spans = {{0, 0, 2}};
    rr.RereadText(spec, "MANH TUAN", &e);
    ASSERT_FALSE(same->sizes.empty());
    EXPECT_LT(same->sizes[0].width, 130 + 2 * 130 / 7);
  }
}

TEST(DocReread, OtherTextKeepsAConfidentReReadThatLostNoWord) {
  Fixture fx;
  auto segs = Page({{"Xã", 380, 398, 30, 26, 0.6},
                    {"Tinh", 415, 398, 50, 26, 0.6},
                    {"Kỳ", 470, 398, 40, 26, 0.6}});
  FieldSpec spec{"nguyen_quan", FieldKind::kAddress, {"QUE QUAN"}};
  Recognizers rec;
  {
    rec.line = std::make_shared<ScriptedLines>(std::vector<LineReading>{{"Xã Tịnh Kỳ", 0.8}});
    FieldRereader rr(rec, fx.gray, fx.card, segs);
    Extracted e;
    e.spans = {{0, 0, 3}};
    rr.RereadText(spec, "", &e);
    EXPECT_EQ(e.text, "Xã Tịnh Kỳ");
  }
  {
    rec.line = std::make_shared<ScriptedLines>(std::vector<LineReading>{{"Xã Tịnh", 0.95}});
    FieldRereader rr(rec, fx.gray, fx.card, segs);
    Extracted e;
    e.spans = {{0, 0, 3}};
    rr.RereadText(spec, "", &e);
    EXPECT_EQ(e.text, "Xã Tinh Kỳ");  // the re-read lost a word
  }
}

TEST(DocReread, ADateIsReReadInItsBoxThenTheLayoutBox) {
  Fixture fx;
  auto segs = Page({{"3/07/1969", 385, 298, 110, 26}});
  auto lines = std::make_shared<ScriptedLines>(
      std::vector<LineReading>{{"3/07/1969", 0.7}, {"13/07/1969", 0.8}});
  Recognizers rec;
  rec.line = lines;
  FieldRereader rr(rec, fx.gray, fx.card, segs);
  Extracted e;
  e.spans = {{0, 0, 1}};
  double conf = 0.9;
  EXPECT_EQ(rr.RereadDate(e, cv::Rect(30, 550, 230, 32), "03/07/1969", &conf), "13/07/1969");
  EXPECT_NEAR(conf, 0.8 * 0.9, 1e-9);
  EXPECT_EQ(lines->sizes.size(), 2u);
  // No complete reading anywhere: the padded page value, trusted less.
  auto none = std::make_shared<ScriptedLines>(std::vector<LineReading>{{"3/07/1969", 0.7}});
  rec.line = none;
  FieldRereader rr2(rec, fx.gray, fx.card, segs);
  conf = 0.9;
  EXPECT_EQ(rr2.RereadDate(e, {}, "03/07/1969", &conf), "03/07/1969");
  EXPECT_NEAR(conf, 0.9 * 0.6, 1e-9);
}

TEST(DocReread, ADateMissingUnderItsLabelIsReadInTheGapAboveTheNextLine) {
  Fixture fx;
  // The page pass read the label and the next field's label, not the value between them.
  auto segs = Page({{"Ngày cấp /Date of issue", 262, 443, 157, 29},
                    {"Nơi cấp /Place of issue", 262, 497, 152, 29}});
  auto lines = std::make_shared<ScriptedLines>(std::vector<LineReading>{{"10/09/2023", 0.9}});
  Recognizers rec;
  rec.line = lines;
  FieldRereader rr(rec, fx.gray, fx.card, segs);
  Extracted e;
  e.label_line = cv::Rect(262, 443, 157, 29);
  double conf = 0;
  EXPECT_EQ(rr.RereadDate(e, {}, "", &conf), "10/09/2023");
  ASSERT_EQ(lines->sizes.size(), 1u);
  // The crop is the 25-px gap (with a little room), not the next label's line under it.
  EXPECT_LT(lines->sizes[0].height, 29 + 10);
  // Without a label there is no gap to read: nothing is read and nothing found.
  auto none = std::make_shared<ScriptedLines>(std::vector<LineReading>{{"10/09/2023", 0.9}});
  rec.line = none;
  FieldRereader rr2(rec, fx.gray, fx.card, segs);
  EXPECT_EQ(rr2.RereadDate(Extracted{}, {}, "", &conf), "");
  EXPECT_TRUE(none->sizes.empty());
}

TEST(DocReread, AKindCanHaveItsOwnLineRecognizer) {
  Fixture fx;
  auto segs = Page({{"x", 300, 300, 50, 26}});
  auto general = std::make_shared<ScriptedLines>(std::vector<LineReading>{{"general", 0.5}});
  auto names = std::make_shared<ScriptedLines>(std::vector<LineReading>{{"name", 0.5}});
  Recognizers rec;
  rec.line = general;
  rec.line_by_kind[FieldKind::kName] = names;
  FieldRereader rr(rec, fx.gray, fx.card, segs);
  EXPECT_EQ(rr.ReadLine(cv::Rect(300, 300, 50, 26), FieldKind::kName, 0.25).text, "name");
  EXPECT_EQ(rr.ReadLine(cv::Rect(300, 300, 50, 26), FieldKind::kDate, 0.25).text, "general");
}

TEST(DocReread, ADateMergedWithTheLineBelowIsReadOnItsOwnLineByEitherRecognizer) {
  Fixture fx;
  Segment s;
  s.words = {{"đến:", {167, 641, 40, 18}, 0.9},
             {"I4W/277", {226, 638, 104, 19}, 0.3},
             {"Định", {598, 628, 72, 57}, 0.9}};
  Finalize(&s);
  const std::vector<Segment> segs = {s};
  // The date recogniser misreads the small print; the general one reads it.
  auto dates = std::make_shared<ScriptedLines>(std::vector<LineReading>{{"l409V23027", 0.4}});
  auto general = std::make_shared<ScriptedLines>(std::vector<LineReading>{{"14/09/2027", 0.8}});
  Recognizers rec;
  rec.line = general;
  rec.line_by_kind[FieldKind::kDate] = dates;
  FieldRereader rr(rec, fx.gray, fx.card, segs);
  Extracted e;
  e.spans = {{0, 1, 3}};
  double conf = 0;
  EXPECT_EQ(rr.RereadDate(e, {}, "", &conf), "14/09/2027");
  EXPECT_NEAR(conf, 0.8 * 0.9, 1e-9);
  ASSERT_EQ(general->sizes.size(), 1u);
  // One line's crop (19 px and its room), widened to a date's width, not the merged 57-px box.
  EXPECT_LT(general->sizes[0].height, 57);
  EXPECT_GE(general->sizes[0].width, static_cast<int>(7.5 * 19));
}

TEST(DocReread, APageDateIsCheckedDigitByDigitOnItsOwnLine) {
  Fixture fx;
  auto segs = Page({{"28/10/1991", 300, 300, 180, 26, 0.9}});
  Extracted e;
  e.spans = {{0, 0, 1}};
  auto run = [&](std::vector<LineReading> general_reads, std::vector<LineReading> date_reads,
                 double* conf, size_t* date_calls) {
    auto general = std::make_shared<ScriptedLines>(general_reads);
    auto dates = std::make_shared<ScriptedLines>(date_reads);
    Recognizers rec;
    rec.line = general;
    rec.line_by_kind[FieldKind::kDate] = dates;
    FieldRereader rr(rec, fx.gray, fx.card, segs);
    std::string out = rr.ConfirmDate(e, "28/10/1991", conf);
    *date_calls = dates->sizes.size();
    return out;
  };
  double conf = 1.0;
  size_t date_calls = 0;
  // The general reading agrees: the date recogniser is not asked.
  EXPECT_EQ(run({{"28/10/1991", 0.9}}, {{"29/10/1991", 0.9}}, &conf, &date_calls), "28/10/1991");
  EXPECT_EQ(date_calls, 0u);
  EXPECT_EQ(conf, 1.0);
  // Both re-reads see 29: the day digit is outvoted, and the value is a little less sure.
  EXPECT_EQ(run({{"29/10/1991", 0.9}}, {{"29/10/1991", 0.9}}, &conf, &date_calls), "29/10/1991");
  EXPECT_EQ(date_calls, 1u);
  EXPECT_NEAR(conf, 0.9, 1e-9);
  // Each re-read differs from the page in another digit: every character keeps its majority.
  conf = 1.0;
  EXPECT_EQ(run({{"29/10/1991", 0.9}}, {{"28/10/1997", 0.9}}, &conf, &date_calls), "28/10/1991");
  EXPECT_EQ(conf, 1.0);
  // Three readings, no two alike at a character: the page's is kept.
  EXPECT_EQ(run({{"29/10/1991", 0.9}}, {{"27/10/1991", 0.9}}, &conf, &date_calls), "28/10/1991");
  // A re-read that is not a complete date does not vote.
  EXPECT_EQ(run({{"29/10/199", 0.9}}, {{"29/10/1991", 0.9}}, &conf, &date_calls), "28/10/1991");
  EXPECT_EQ(run({{"29/10/1991", 0.9}}, {{"garbage", 0.9}}, &conf, &date_calls), "28/10/1991");
  // A vote that makes an impossible date keeps the page's.
  auto segs31 = Page({{"31/01/1990", 300, 300, 180, 26, 0.9}});
  auto general = std::make_shared<ScriptedLines>(std::vector<LineReading>{{"31/02/1990", 0.9}});
  auto dates = std::make_shared<ScriptedLines>(std::vector<LineReading>{{"31/02/1990", 0.9}});
  Recognizers rec;
  rec.line = general;
  rec.line_by_kind[FieldKind::kDate] = dates;
  FieldRereader rr(rec, fx.gray, fx.card, segs31);
  EXPECT_EQ(rr.ConfirmDate(e, "31/01/1990", &conf), "31/01/1990");
}

TEST(DocReread, APageDateIsNotCheckedWithOneRecognizerForBoth) {
  Fixture fx;
  auto segs = Page({{"28/10/1991", 300, 300, 180, 26, 0.9}});
  auto one = std::make_shared<ScriptedLines>(std::vector<LineReading>{{"29/10/1991", 0.9}});
  Recognizers rec;
  rec.line = one;
  FieldRereader rr(rec, fx.gray, fx.card, segs);
  Extracted e;
  e.spans = {{0, 0, 1}};
  double conf = 1.0;
  // Two readings that disagree cannot outvote each other: the page date stands, unread.
  EXPECT_EQ(rr.ConfirmDate(e, "28/10/1991", &conf), "28/10/1991");
  EXPECT_TRUE(one->sizes.empty());
}

}  // namespace
}  // namespace ekyc::doc
