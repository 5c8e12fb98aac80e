#include "doc/mrz.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace ekyc::doc {
namespace {

const std::vector<std::string> kTd1 = {"IDVNM1900012342079190001234<<2",
                                       "9005156F3005154VNM<<<<<<<<<<<6",
                                       "NGUYEN<<THI<AN<<<<<<<<<<<<<<<<"};
const std::vector<std::string> kTd3 = {"P<VNMNGUYEN<<THI<AN<<<<<<<<<<<<<<<<<<<<<<<<<",
                                       "C1234567<0VNM9005156F3206010079190001234<<26"};

}  // namespace

TEST(DocMrz, CheckDigit) {
  EXPECT_EQ(MrzCheckDigit("190001234"), 2);
  EXPECT_EQ(MrzCheckDigit("900515"), 6);
  EXPECT_EQ(MrzCheckDigit("L898902C3"), 6);  // ICAO 9303 specimen
  EXPECT_EQ(MrzCheckDigit("<<<<"), 0);
  EXPECT_EQ(MrzCheckDigit("ab"), -1);
  EXPECT_EQ(MrzCharValue('Z'), 35);
}

TEST(DocMrz, Td1Clean) {
  auto r = ParseMrz(kTd1);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->checks_ok);
  EXPECT_EQ(r->format, "TD1");
  EXPECT_EQ(r->document_code, "ID");
  EXPECT_EQ(r->issuing_state, "VNM");
  EXPECT_EQ(r->document_number, "190001234");
  EXPECT_EQ(r->personal_number, "079190001234");
  EXPECT_EQ(r->birth_date, "15/05/1990");
  EXPECT_EQ(r->expiry_date, "15/05/2030");
  EXPECT_EQ(r->sex, "F");
  EXPECT_EQ(r->nationality, "VNM");
  EXPECT_EQ(r->surname, "NGUYEN");
  EXPECT_EQ(r->given_names, "THI AN");
  EXPECT_EQ(r->repaired_chars, 0);
}

TEST(DocMrz, Td1CenturyFromIdDigit) {
  // Born 2005 (ID digit 4 = 3: female, 2000s). Check digits computed for this data.
  std::string id = "001305012345";
  std::string l1 = "IDVNM" + id.substr(3) + std::to_string(MrzCheckDigit(id.substr(3))) + id +
                   "<<" + std::to_string(MrzCheckDigit(id));
  std::string l2a = "050302" + std::to_string(MrzCheckDigit("050302")) + "F" + "300302" +
                    std::to_string(MrzCheckDigit("300302")) + "VNM" + std::string(11, '<');
  std::string comp = l1.substr(5, 25) + l2a.substr(0, 7) + l2a.substr(8, 7) + l2a.substr(18, 11);
  std::string l2 = l2a + std::to_string(MrzCheckDigit(comp));
  auto r = ParseMrz({l1, l2, "LE<<MINH<CHAU<<<<<<<<<<<<<<<<<"});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->checks_ok);
  EXPECT_EQ(r->birth_date, "02/03/2005");
}

TEST(DocMrz, Td1RepairsOcrConfusions) {
  // O for 0, I for 1, B for 8, S for 5, Z for 2, G for 6, K for '<', lower case, spaces, « .
  auto r = ParseMrz({"IDVNMI9OOOI234Z O79I9OOOI234KK2", "9OO5ISGF3OO5IS4VNM«<<<<<<<<<<6",
                     "NGUYEN<<THI<AN<<<<<<<<<<KKKKKK"});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->checks_ok) << r->failed_checks.size();
  EXPECT_EQ(r->lines, kTd1);
  EXPECT_GT(r->repaired_chars, 5);
  EXPECT_EQ(r->given_names, "THI AN");
}

TEST(DocMrz, Td1LengthOffByFillers) {
  auto r = ParseMrz({kTd1[0], "9005156F3005154VNM<<<<<<<<<<6", "NGUYEN<<THI<AN<<<<<<<<<<<<<<<<<<"});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->checks_ok);
  EXPECT_EQ(r->lines, kTd1);
}

TEST(DocMrz, Td1InsertedCharacterRemovedByCheckDigits) {
  // A doubled '0' in the document number: re-padding fillers cannot fix it, a deletion can.
  auto r = ParseMrz({"IDVNM19000012342079190001234<<2", kTd1[1], kTd1[2]});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->checks_ok);
  EXPECT_EQ(r->lines, kTd1);
}

TEST(DocMrz, Td1WrongDigitFailsCheck) {
  // A digit-for-digit misread cannot be repaired: the failure must be reported, not hidden.
  auto r = ParseMrz({"IDVNM1900012342079190001234<<2", "9005166F3005154VNM<<<<<<<<<<<6", kTd1[2]});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->checks_ok);
  EXPECT_NE(std::find(r->failed_checks.begin(), r->failed_checks.end(), "birth_date"),
            r->failed_checks.end());
}

TEST(DocMrz, Td3Clean) {
  auto r = ParseMrz(kTd3);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->checks_ok);
  EXPECT_EQ(r->format, "TD3");
  EXPECT_EQ(r->document_code, "P");
  EXPECT_EQ(r->document_number, "C1234567");
  EXPECT_EQ(r->personal_number, "079190001234");
  EXPECT_EQ(r->birth_date, "15/05/1990");
  EXPECT_EQ(r->expiry_date, "01/06/2032");
  EXPECT_EQ(r->sex, "F");
  EXPECT_EQ(r->surname, "NGUYEN");
  EXPECT_EQ(r->given_names, "THI AN");
}

TEST(DocMrz, Td3RepairsLetterDigitAndFillerInDocumentNumber) {
  // Passport number starts with a letter: 'C' must stay a letter, digits O→0, trailing K→'<'.
  auto r = ParseMrz({"P<VNMNGUYEN<<THI<AN<<<<<<<<<<<<<<<<<<<<<<<<<",
                     "CI234S67K0VNM9OO5156F32O60IO079I9000I234<<26"});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->checks_ok);
  EXPECT_EQ(r->lines, kTd3);
}

TEST(DocMrz, RejectsNonMrz) {
  EXPECT_FALSE(ParseMrz({"hello"}).ok());
  EXPECT_FALSE(ParseMrz({}).ok());
  EXPECT_FALSE(ParseMrz({std::string(30, '<'), std::string(44, '<')}).ok());
}

TEST(DocMrz, FindsLinesInOcrOutput) {
  std::vector<std::string> ocr = {"CUC TRUONG", "some text", kTd1[0], kTd1[1], kTd1[2]};
  EXPECT_EQ(FindMrzLines(ocr).size(), 3u);
  EXPECT_EQ(FindMrzLines({"abc", "def"}).size(), 0u);
  EXPECT_EQ(FindMrzLines({"Ho chieu", kTd3[0], kTd3[1]}).size(), 2u);
}

TEST(DocMrz, NameLineMissingMostFillers) {
  // A long trailing filler run is hard to count: the name line comes back far too short and is
  // re-padded at its end, without touching the '<<' separator.
  auto r = ParseMrz({kTd3[0].substr(0, 22), kTd3[1]});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->checks_ok);
  EXPECT_EQ(r->lines[0], kTd3[0]);
  EXPECT_EQ(r->surname, "NGUYEN");
  EXPECT_EQ(r->given_names, "THI AN");
  auto t = ParseMrz({kTd1[0], kTd1[1], "NGUYEN<<THI<AN<<<"});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->lines[2], kTd1[2]);
  // FindMrzLines accepts the short name lines too, and still rejects a short data line.
  EXPECT_EQ(FindMrzLines({"CUC QUAN LY", kTd3[0].substr(0, 22), kTd3[1]}).size(), 2u);
  EXPECT_EQ(FindMrzLines({kTd1[0], kTd1[1], "NGUYEN<<THI<AN<<<"}).size(), 3u);
  EXPECT_TRUE(FindMrzLines({kTd1[0], "9005156F3005", "NGUYEN<<THI<AN<<<"}).empty());
  // Too short to be a name line at all.
  EXPECT_FALSE(ParseMrz({"P<VNM", kTd3[1]}).ok());
}

TEST(DocMrz, CheckDigitsPassingByChanceDoNotHideAMisread) {
  // Phone photo of a passport (held-out set): the `0` of `E5028531` was dropped, the filler after
  // the number read `O`; keeping that `O` in the filler position made the check digit and the
  // composite validate (1 in 10 each). The layout says a VN passport number is a letter and 7
  // digits, then a filler.
  auto r = ParseMrz({"P<VNMCHAU<<THI<THU<TUYET<<<<<<<<<<<<<<<<<<<<",
                     "E528531<O0VNM8102092F3310078015181724878<<44"});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->checks_ok);
  EXPECT_NE(std::find(r->failed_checks.begin(), r->failed_checks.end(), "layout"),
            r->failed_checks.end());
  // A dropped `V` and an inserted `O` shift the nationality to `NMO`; every check digit passes.
  auto n = ParseMrz({"P<VNMPHAN<<THI<THU<NHUNG<<<<<<<<<<<<<<<<<<<<",
                     "P8556750<9NMO0202125F3401262042302389604<<70"});
  ASSERT_TRUE(n.ok());
  EXPECT_FALSE(n->checks_ok);
  EXPECT_EQ(n->failed_checks, std::vector<std::string>{"nationality"});
  // The true lines pass.
  auto t = ParseMrz({"P<VNMCHAU<<THI<THU<TUYET<<<<<<<<<<<<<<<<<<<<",
                     "E5028531<0VNM8102092F3310078015181724878<<44"});
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->checks_ok) << t->failed_checks.size();
  // A digit field that is all fillers is a field left empty, not a misread: a chip card issued
  // after 60 has no expiry date (held-out sets: 14 such backs lost their MRZ to a first version
  // of the layout check).
  auto noexp = ParseMrz({"IDVNM0542491768072054249176<<1", "5407109M<<<<<<<VNM<<<<<<<<<<<8",
                         "HOANG<<DUC<DONG<<<<<<<<<<<<<<<"});
  ASSERT_TRUE(noexp.ok());
  EXPECT_TRUE(noexp->checks_ok) << noexp->failed_checks.size();
  EXPECT_EQ(noexp->expiry_date, "");
}

TEST(DocMrz, DoubledVowelsInVietnameseNamesAreUndone) {
  // TD1: `QUOOC` (a doubled O, read on a clean card) and `CUOONG`.
  auto r = ParseMrz({kTd1[0], kTd1[1], "VO<<QUOOC<CUOONG<<<<<<<<<<<<<<"});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->checks_ok);
  EXPECT_EQ(ImplausibleNameWords(*r), 2);
  auto u = UndoubleNameVowels(*r);
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->lines[2], "VO<<QUOC<CUONG<<<<<<<<<<<<<<<<");
  EXPECT_EQ(u->surname, "VO");
  EXPECT_EQ(u->given_names, "QUOC CUONG");
  EXPECT_EQ(u->repaired_chars, r->repaired_chars + 2);
  EXPECT_TRUE(u->checks_ok);
  EXPECT_EQ(ImplausibleNameWords(*u), 0);

  // TD3: the surname `VOO`; the data line is untouched.
  auto p = ParseMrz({"P<VNMVOO<<THI<AN<<<<<<<<<<<<<<<<<<<<<<<<<<<<", kTd3[1]});
  ASSERT_TRUE(p.ok());
  auto pu = UndoubleNameVowels(*p);
  ASSERT_TRUE(pu.has_value());
  EXPECT_EQ(pu->lines[0], "P<VNMVO<<THI<AN<<<<<<<<<<<<<<<<<<<<<<<<<<<<<");
  EXPECT_EQ(pu->lines[1], kTd3[1]);
  EXPECT_EQ(pu->surname, "VO");

  // Nothing to do: plausible names, an inserted consonant (no double), a doubled consonant of an
  // Ede name (H'Hen → HHEN), a double vowel that is a real spelling (LUU = Lưu), and a name that
  // is not Vietnamese.
  for (const char* name : {"NGUYEN<<THI<AN<<<<<<<<<<<<<<<<", "TA<<THU<KLY<<<<<<<<<<<<<<<<<<<",
                           "HHEN<<NIE<<<<<<<<<<<<<<<<<<<<<", "LUU<<HUU<DUC<<<<<<<<<<<<<<<<<<"}) {
    auto n = ParseMrz({kTd1[0], kTd1[1], name});
    ASSERT_TRUE(n.ok()) << name;
    EXPECT_FALSE(UndoubleNameVowels(*n).has_value()) << name;
  }
  std::string foreign = kTd1[1];
  foreign.replace(15, 3, "FRA");
  auto f = ParseMrz({kTd1[0], foreign, "MOORE<<AA<<<<<<<<<<<<<<<<<<<<<"});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(ImplausibleNameWords(*f), 0);
}

}  // namespace ekyc::doc

namespace ekyc::doc {
namespace {

// A TD3 data page MRZ with valid check digits for the given fields.
std::vector<std::string> Td3(const std::string& name_field, const std::string& dob,
                             const std::string& personal) {
  std::string doc = "C1234567<";
  std::string exp = "320601";
  std::string pn = personal + "<<";
  std::string l2 = doc + std::to_string(MrzCheckDigit(doc)) + "VNM" + dob +
                   std::to_string(MrzCheckDigit(dob)) + "M" + exp +
                   std::to_string(MrzCheckDigit(exp)) + pn + std::to_string(MrzCheckDigit(pn));
  l2 += std::to_string(MrzCheckDigit(l2.substr(0, 10) + l2.substr(13, 7) + l2.substr(21, 22)));
  std::string l1 = "P<VNM" + name_field;
  l1.resize(44, '<');
  return {l1, l2};
}

vn::Date Day(int y, int m, int d) {
  return *vn::MakeDate(y, m, d);
}

}  // namespace

TEST(DocMrz, BirthCenturyIsNeverInTheFuture) {
  // The personal number's century digit says 2000s (digit 2), but 2093 is in the future.
  auto r = ParseMrz(Td3("NGUYEN<<AN", "931110", "001293123456"), Day(2026, 12, 6));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->checks_ok);
  EXPECT_EQ(r->birth_date, "10/11/1993");
  // The digit says 1900s, but 1901 is more than a lifetime ago.
  r = ParseMrz(Td3("NGUYEN<<AN", "010906", "001001123456"), Day(2026, 12, 6));
  EXPECT_EQ(r->birth_date, "06/09/2001");
  // Both centuries possible: the ID's digit decides.
  r = ParseMrz(Td3("NGUYEN<<AN", "200101", "001020123456"), Day(2026, 12, 6));
  EXPECT_EQ(r->birth_date, "01/01/1920");
  r = ParseMrz(Td3("NGUYEN<<AN", "200101", "001220123456"), Day(2026, 12, 6));
  EXPECT_EQ(r->birth_date, "01/01/2020");
  // Born later this year than today: last century.
  r = ParseMrz(Td3("NGUYEN<<AN", "261231", "001226123456"), Day(2026, 12, 6));
  EXPECT_EQ(r->birth_date, "31/12/1926");
}

TEST(DocMrz, PlausibleBirthDatesAreInALifetimeAndTheIdsCentury) {
  EXPECT_TRUE(PlausibleBirthDate(*vn::MakeDate(1990, 5, 17), "024090113452"));
  EXPECT_FALSE(PlausibleBirthDate(*vn::MakeDate(1890, 5, 17), "024090113452"));  // > 120 years
  EXPECT_FALSE(PlausibleBirthDate(*vn::MakeDate(2090, 5, 17), ""));              // future
  EXPECT_FALSE(PlausibleBirthDate(*vn::MakeDate(2001, 9, 6), "024090113452"));   // digit 0: 19xx
  EXPECT_TRUE(PlausibleBirthDate(*vn::MakeDate(2001, 9, 6), "024201113452"));    // digit 2: 20xx
  EXPECT_TRUE(PlausibleBirthDate(*vn::MakeDate(1961, 5, 24), ""));  // no number: lifetime only
}

TEST(DocMrz, ExpiryCenturyIsTheNearestToToday) {
  auto r = ParseMrz(kTd1, Day(2026, 12, 6));
  EXPECT_EQ(r->expiry_date, "15/05/2030");
  r = ParseMrz(kTd1, Day(2085, 1, 1));
  EXPECT_EQ(r->expiry_date, "15/05/2130");
}

TEST(DocMrz, OcrBFillersReadAsLettersNeverReachTheName) {
  // `<` of OCR-B read as K (and S, E) around and after the name words.
  auto truth = Td3("VU<<GIA<LOC", "931110", "001093123456");
  auto read = truth;
  read[0] = "P<VNMVUK<GIA<KLOC<S<KKSKKESEEEEE<<<<<<<<<<<<<";
  read[0].resize(44, '<');
  auto r = ParseMrz(read, Day(2026, 12, 6));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->surname, "VU");
  EXPECT_EQ(r->given_names, "GIA LOC");
  EXPECT_EQ(r->lines, truth);
  // A filler read as a look-alike between two name words.
  auto between = Td3("QUACH<<KHANH<VY", "931110", "001093123456");
  auto read2 = between;
  read2[0] = "P<VNMQUACH<<KHANHCVY";
  read2[0].resize(44, '<');
  r = ParseMrz(read2, Day(2026, 12, 6));
  EXPECT_EQ(r->given_names, "KHANH VY");
  EXPECT_EQ(r->lines, between);
  // The surname separator lost a filler; a lone look-alike after the name.
  auto sep = Td3("CHAU<<NGOC<HANH", "931110", "001093123456");
  auto read3 = sep;
  read3[0] = "P<VNMCHAU<NGOC<HANH<E";
  read3[0].resize(44, '<');
  r = ParseMrz(read3, Day(2026, 12, 6));
  EXPECT_EQ(r->surname, "CHAU");
  EXPECT_EQ(r->lines, sep);
  // OCR-B's Q read as O: no syllable starts OU, many start QU.
  auto qu = Td3("BUI<<QUOC<SON", "931110", "001093123456");
  auto read4 = qu;
  read4[0] = "P<VNMBUI<<OUOC<SON";
  read4[0].resize(44, '<');
  r = ParseMrz(read4, Day(2026, 12, 6));
  EXPECT_EQ(r->given_names, "QUOC SON");
  EXPECT_EQ(r->lines, qu);
  // A name that is not a Vietnamese syllable and has no look-alike to blame stays as read.
  auto ksor = Td3("KSOR<<H<BLONG", "931110", "001093123456");
  r = ParseMrz(ksor, Day(2026, 12, 6));
  EXPECT_EQ(r->surname, "KSOR");
  EXPECT_EQ(r->given_names, "H BLONG");
}

}  // namespace ekyc::doc
