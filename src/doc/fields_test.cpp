#include "doc/fields.h"

#include <gtest/gtest.h>

namespace ekyc::doc {

TEST(DocFields, CleanIdJoinsGroupsAndMapsLookAlikes) {
  EXPECT_EQ(CleanId("0273 0256 6873", 12), "027302566873");
  EXPECT_EQ(CleanId("O273O2566873", 12), "027302566873");
  EXPECT_EQ(CleanId("5: 027302566873", 12), "027302566873");  // "Số:" residue left of the value
  EXPECT_EQ(CleanId("194001348", 9), "194001348");
  EXPECT_EQ(CleanId("12345", 12), "12345");  // too short: the longest group, for a lower confidence
  EXPECT_EQ(CleanId("", 12), "");
}

TEST(DocFields, IdWindowsOfOverlongRuns) {
  EXPECT_EQ(IdWindows("5027302566873", 12),
            (std::vector<std::string>{"502730256687", "027302566873"}));
  EXPECT_EQ(IdWindows("027302566873", 12), (std::vector<std::string>{"027302566873"}));
  EXPECT_TRUE(IdWindows("50027302566873123", 12).empty());  // 17 digits: not one ID
  EXPECT_TRUE(IdWindows("0273", 12).empty());
}

TEST(DocFields, LooksLikeIdLineNeedsRealDigits) {
  EXPECT_TRUE(LooksLikeIdLine("03415157703", 12));  // a digit lost at the end
  EXPECT_TRUE(LooksLikeIdLine("*: 94001348", 9));   // label garbled, first digit lost
  EXPECT_TRUE(LooksLikeIdLine("Số: 051055969182", 12));
  EXPECT_FALSE(LooksLikeIdLine("SOCOIALIST REPUBLI OF VIET NAM", 12));  // maps to 12 "digits"
  EXPECT_FALSE(LooksLikeIdLine("Sinh ngày 07 02 1988", 9));             // words around digits
  EXPECT_FALSE(LooksLikeIdLine("0273 02", 12));                         // too few digits
  EXPECT_FALSE(LooksLikeIdLine("", 9));
}

TEST(DocFields, DropSpeckTokensKeepsHyphens) {
  EXPECT_EQ(DropSpeckTokens("Tỉnh Bà ¡ Rịa - Vũng ˆ ¡ Tàu"), "Tỉnh Bà Rịa - Vũng Tàu");
  EXPECT_EQ(DropSpeckTokens("Số 12, Ngõ 3"), "Số 12, Ngõ 3");
  EXPECT_EQ(DropSpeckTokens("' . Xã An"), "Xã An");
  EXPECT_EQ(DropSpeckTokens("Xóm †18, Xã Long Thới"), "Xóm 18, Xã Long Thới");
  EXPECT_EQ(DropSpeckTokens("Tỉnh Bà Rịa - - Vũng Tàu"), "Tỉnh Bà Rịa - Vũng Tàu");  // two halves
  EXPECT_EQ(DropSpeckTokens("Số 12/3 Lê Lợi,"), "Số 12/3 Lê Lợi,");  // trailing marks stay
  EXPECT_EQ(DropSpeckTokens(""), "");
}

TEST(DocFields, StripLabelTailOnlyWithColonAndTwoWords) {
  EXPECT_EQ(StripLabelTail("of birt: HƯNG YÊN", "PLACE OF BIRTH"), "HƯNG YÊN");
  EXPECT_EQ(StripLabelTail("of bith: HÀ NỘI", "PLACE OF BIRTH"), "HÀ NỘI");
  EXPECT_EQ(StripLabelTail("ọf origin: Xã Tân Trào", "PLACE OF ORIGIN"), "Xã Tân Trào");
  EXPECT_EQ(StripLabelTail("HƯNG YÊN", "PLACE OF BIRTH"), "HƯNG YÊN");
  EXPECT_EQ(StripLabelTail("of birth HƯNG YÊN", "PLACE OF BIRTH"), "of birth HƯNG YÊN");  // no ':'
  EXPECT_EQ(StripLabelTail("NAM: ĐỊNH", "FULL NAME"), "NAM: ĐỊNH");  // one-word tail only
  EXPECT_EQ(StripLabelTail("Xóm 3: Xã An", "PLACE OF RESIDENCE"), "Xóm 3: Xã An");
  EXPECT_EQ(StripLabelTail("", "PLACE OF BIRTH"), "");
}

TEST(DocFields, CleanDateFormats) {
  EXPECT_EQ(CleanDate("17/12/2002"), "17/12/2002");
  EXPECT_EQ(CleanDate("17-12-2002"), "17/12/2002");
  EXPECT_EQ(CleanDate("l7/I2/2OO2"), "17/12/2002");
  EXPECT_EQ(CleanDate("17 / 12/2002"), "17/12/2002");
  EXPECT_EQ(CleanDate("17122002"), "17/12/2002");
  EXPECT_EQ(CleanDate("of birth: 17/12/2002"), "17/12/2002");
  EXPECT_EQ(CleanDate("31/02/2002"), "");  // not a calendar date
  EXPECT_EQ(CleanDate("Không thời hạn"), "");
}

TEST(DocFields, CleanDateFlagsLostDigits) {
  bool incomplete = true;
  EXPECT_EQ(CleanDate("17/12/2002", &incomplete), "17/12/2002");
  EXPECT_FALSE(incomplete);
  EXPECT_EQ(CleanDate("3/07/1969", &incomplete), "03/07/1969");  // `13/07` with the 1 lost
  EXPECT_TRUE(incomplete);
  EXPECT_EQ(CleanDate("09/2/2022", &incomplete), "09/02/2022");
  EXPECT_TRUE(incomplete);
  EXPECT_EQ(CleanDate("31/2/2002", &incomplete), "");  // not a date: nothing to flag
  EXPECT_FALSE(incomplete);
}

TEST(DocFields, PickIdPrefersTheOneFollowingTheIdRules) {
  // Born 17/12/2002, female: century/sex digit 3, birth year 02.
  auto dob = vn::MakeDate(2002, 12, 17);
  std::vector<IdCandidate> c = {{"027102566873", 0.9}, {"0273025", 0.9}, {"027302566873", 0.7}};
  EXPECT_EQ(PickId(c, 12, dob, 1), 2);
  // Without DOB and sex only the province/century rules apply: the first valid one wins.
  EXPECT_EQ(PickId(c, 12, std::nullopt, -1), 0);
  // None follows the rules: the first of the right length.
  std::vector<IdCandidate> bad = {{"123", 0.9}, {"999902566873", 0.5}};
  EXPECT_EQ(PickId(bad, 12, dob, 1), 1);
  EXPECT_EQ(PickId({{"123", 0.9}}, 12, dob, 1), -1);
}

TEST(DocFields, PickIdPrefersAProvinceCodeToACountryCode) {
  auto dob = vn::MakeDate(2002, 12, 17);
  // "5" for a bold "0": a prefix only a birth abroad could have, read twice; the province code
  // once. Both pass the rules (country codes are not published); the province code wins.
  std::vector<IdCandidate> c = {
      {"527302566873", 0.9}, {"527302566873", 0.9}, {"027302566873", 0.6}};
  EXPECT_EQ(PickId(c, 12, dob, 1), 2);
  // Alone, the foreign prefix is kept: nothing else was read.
  EXPECT_EQ(PickId({{"527302566873", 0.9}}, 12, dob, 1), 0);
  EXPECT_TRUE(ForeignIdPrefix("527302566873"));
  EXPECT_FALSE(ForeignIdPrefix("027302566873"));
  EXPECT_FALSE(ForeignIdPrefix("249483456"));  // 9-digit CMND: other prefix rules
}

TEST(DocFields, PickIdCountsReadingsAndDistrustsWindows) {
  auto dob = vn::MakeDate(2003, 10, 18);  // male, 2000s: century/sex digit 2, year 03
  // A digit inserted after the year leaves a window that still follows the rules; a valid
  // exact-length reading wins over it even when it comes later.
  std::vector<IdCandidate> c = {{"019203502975", 0.5, true}, {"019203029750", 0.9}};
  EXPECT_EQ(PickId(c, 12, dob, 0), 1);
  // Only windows are valid: the first valid window.
  std::vector<IdCandidate> w = {{"999999999999", 0.9}, {"019203502975", 0.5, true}};
  EXPECT_EQ(PickId(w, 12, dob, 0), 1);
  // Several valid values (9 digits: prefix rule only): the one read most often.
  std::vector<IdCandidate> cmnd = {{"249483456", 0.9},
                                   {"249483456", 0.9},
                                   {"219483456", 0.8},
                                   {"219483456", 0.8},
                                   {"219483456", 0.8}};
  EXPECT_EQ(PickId(cmnd, 9, std::nullopt, -1), 2);
  // A tie keeps the first.
  cmnd.pop_back();
  EXPECT_EQ(PickId(cmnd, 9, std::nullopt, -1), 0);
}

TEST(DocFields, LookAlikeLettersAndAddressCase) {
  EXPECT_EQ(FixLookAlikeLetters("Keng \xC3\x90u \xC3\xB0i"), "Keng Đu đi");
  EXPECT_EQ(FixLookAlikeLetters("Đặng"), "Đặng");
  EXPECT_EQ(CapitalizeAddress("số 9 Nguyễn Trãi, xã cam Thủy, Huyện Lệ Thủy, Tỉnh Quảng Bình"),
            "Số 9 Nguyễn Trãi, Xã Cam Thủy, Huyện Lệ Thủy, Tỉnh Quảng Bình");
  // Unit types written with a lower-case second word stay so; names after them do not.
  EXPECT_EQ(CapitalizeAddress("Thị trấn tân Phong, Thị xã Nghi Sơn, Thành phố Phúc Yên, Khu phố 6"),
            "Thị trấn Tân Phong, Thị xã Nghi Sơn, Thành phố Phúc Yên, Khu phố 6");
  EXPECT_EQ(CapitalizeAddress("Số 212/23 Hai Bà Trưng"), "Số 212/23 Hai Bà Trưng");
  EXPECT_EQ(CapitalizeAddress("tổ dân phố 11, Xã Hào Phú"), "Tổ dân phố 11, Xã Hào Phú");
  EXPECT_EQ(CapitalizeAddress(""), "");
}

TEST(DocFields, VoteNameMajorityPerWord) {
  double conf = 0;
  EXPECT_EQ(
      VoteName(
          {{"NGUYÊN HOANG VIỆT", 0.9}, {"NGUYỄN HOÀNG VIỆT", 0.93}, {"NGUYỄN HOÀNG VIỆT", 0.8}},
          &conf),
      "NGUYỄN HOÀNG VIỆT");
  EXPECT_GT(conf, 0.0);
  EXPECT_LE(conf, 1.0);
  // Punctuation specks and a reading with a different word count do not disturb the vote.
  EXPECT_EQ(VoteName({{"'ĐỖ NGỌC PHÚC", 0.7}, {"ĐỖ NGỌC", 0.99}, {"- ĐỖ NGỌC PHÚC", 0.8}}, &conf),
            "ĐỖ NGỌC PHÚC");
  EXPECT_EQ(VoteName({{"", 0.9}, {"...", 0.9}}, &conf), "");
  EXPECT_EQ(conf, 0.0);
  // A checked MRZ name restricts the vote to readings with its letters.
  EXPECT_EQ(VoteName({{"VÍ", 0.95}, {"VÍ", 0.9}, {"VŨ", 0.6}}, &conf, "VU"), "VŨ");
  EXPECT_EQ(VoteName({{"VÍ", 0.95}, {"VÍ", 0.9}}, &conf, "VU"),
            "VÍ");  // no reading matches: plain vote
}

}  // namespace ekyc::doc

namespace ekyc::doc {
TEST(DocFields, CleanDateWithSlashesReadAsDigits) {
  bool incomplete = false;
  EXPECT_EQ(CleanDate("260712021", &incomplete), "26/07/2021");  // the second slash read as 1
  EXPECT_TRUE(incomplete);
  EXPECT_EQ(CleanDate("2610712021", &incomplete), "26/07/2021");  // both
  EXPECT_EQ(CleanDate("26/07/2021", &incomplete), "26/07/2021");
  EXPECT_FALSE(incomplete);
  EXPECT_EQ(CleanDate("123456789"), "");  // no separator look-alike where one must be
}
TEST(DocFields, NoExpiryAndSlashLookAlikes) {
  EXPECT_TRUE(SaysNoExpiry("Không thời hạn"));
  EXPECT_TRUE(SaysNoExpiry("Cô gi tị đền: Không thời"));  // last word lost
  EXPECT_TRUE(SaysNoExpiry("Khong thoi hen"));
  EXPECT_FALSE(SaysNoExpiry("Không"));
  EXPECT_FALSE(SaysNoExpiry("10/09/2027"));
  EXPECT_EQ(CleanDate("10!09/2027Phường"), "10/09/2027");
  EXPECT_EQ(CleanDate("10|09|2027"), "10/09/2027");
}

TEST(DocFields, VoteNameWithAMachineNameOfOtherLength) {
  // Readings agree on three words, the machine-readable name has two: the vote goes by the
  // readings and never indexes past the machine name's words (read out of bounds before).
  double conf = 0;
  EXPECT_EQ(VoteName({{"ĐỨC HIẾU NAM", 0.9}, {"ĐỨC HIẾU NAM", 0.8}}, &conf, "DUC HIEU"),
            "ĐỨC HIẾU NAM");
  EXPECT_EQ(VoteName({{"ĐỨC", 0.9}, {"ĐỨC", 0.8}}, &conf, "DUC HIEU"), "ĐỨC");
}

TEST(DocFields, SpellWithMarksTakesTheMachineLettersAndThePrintedMarks) {
  // A lost letter: the machine's letters, the printed marks where the letters line up.
  EXPECT_EQ(SpellWithMarks("ĐỨC HẾU", "DUC HIEU"), "ĐỨC HIẾU");
  // A wrong letter and a word of label text in front of it.
  EXPECT_EQ(SpellWithMarks("NAME LÊ TIẾN LỘG", "LE TIEN LOC"), "LÊ TIẾN LỘC");
  // Nothing lines up: the machine's spelling, bare.
  EXPECT_EQ(SpellWithMarks("XYZ", "VU AN"), "VU AN");
  EXPECT_EQ(SpellWithMarks("", "HO"), "HO");
  // The budget of misread letters grows with the name; a two-letter name must be exact.
  EXPECT_EQ(MrzNameEdits("DO"), 0);
  EXPECT_EQ(MrzNameEdits("XUAN PHUC"), 1);
  EXPECT_EQ(MrzNameEdits("NGUYEN THI THANH HUONG"), 2);
}

}  // namespace ekyc::doc

namespace ekyc::doc {
TEST(DocFields, AddressKeepsItsPrintedCommas) {
  EXPECT_EQ(DropSpeckTokens("Phường Yên Hoà , Quận Liên Chiểu"), "Phường Yên Hoà, Quận Liên Chiểu");
  EXPECT_EQ(DropSpeckTokens("Phường Yên Hoà ,Quận Liên Chiểu"), "Phường Yên Hoà, Quận Liên Chiểu");
  EXPECT_EQ(CleanAddress("phường Yên Hoà , quận Liên Chiểu, TP. Đà Nẵng"),
            "Phường Yên Hoà, Quận Liên Chiểu, TP. Đà Nẵng");
}

TEST(DocFields, AbbreviatedUnitTakesNoComma) {
  EXPECT_EQ(CleanAddress("Quận Bình Thuỷ, TP., Cần Thơ"), "Quận Bình Thuỷ, TP. Cần Thơ");
  EXPECT_EQ(CleanAddress("Phường 2, TX., Sơn Tây"), "Phường 2, TX. Sơn Tây");
  // A number followed by a period and a comma is not an abbreviation, and a final "TP.," has
  // no name after it to join.
  EXPECT_EQ(CleanAddress("Số 12., Phường 2"), "Số 12., Phường 2");
}

TEST(DocFields, MarkDistancesAreWrittenAsCardsPrintThem) {
  EXPECT_EQ(NormalizeMarkDistances("Sẹo chấm C: 1.5cm trên đuôi mày phải"),
            "Sẹo chấm C:1,5cm trên đuôi mày phải");
  EXPECT_EQ(NormalizeMarkDistances("Sẹo chấm C:1.,5cm trên đuôi mày phải"),
            "Sẹo chấm C:1,5cm trên đuôi mày phải");
  EXPECT_EQ(NormalizeMarkDistances("Nốt ruồi C.1cm trên sau đầu lông mày trái"),
            "Nốt ruồi C:1cm trên sau đầu lông mày trái");
  EXPECT_EQ(NormalizeMarkDistances("Sẹo chấm C:2em dưới trước cánh mũi phải"),
            "Sẹo chấm C:2cm dưới trước cánh mũi phải");
  EXPECT_EQ(NormalizeMarkDistances("Sẹo chấm C2cm dưới trước cánh mũi phải"),
            "Sẹo chấm C:2cm dưới trước cánh mũi phải");
  EXPECT_EQ(NormalizeMarkDistances("Nốt ruồi C:Iem trên sau đầu lông mày trái"),
            "Nốt ruồi C:1cm trên sau đầu lông mày trái");
  EXPECT_EQ(NormalizeMarkDistances("Nốt ruồi cách lcm dưới"), "Nốt ruồi cách 1cm dưới");
  EXPECT_EQ(NormalizeMarkDistances("Sẹo chấm C:2m dưới trước cánh mũi phải"),
            "Sẹo chấm C:2cm dưới trước cánh mũi phải");
  EXPECT_EQ(NormalizeMarkDistances("Sẹo C:O,5cm"), "Sẹo C:0,5cm");
  // Already as printed, or nothing to do with distances: unchanged. A number before a word that
  // starts with "m" is no unit; letters after "cách" that are a word stay.
  EXPECT_EQ(NormalizeMarkDistances("Sẹo cách 2 mắt, 3 mũi"), "Sẹo cách 2 mắt, 3 mũi");
  EXPECT_EQ(NormalizeMarkDistances("Sẹo 2mm cách lông mày"), "Sẹo 2mm cách lông mày");
  EXPECT_EQ(NormalizeMarkDistances("Nốt ruồi cách 2cm dưới đuôi mắt trái"),
            "Nốt ruồi cách 2cm dưới đuôi mắt trái");
  EXPECT_EQ(NormalizeMarkDistances("Sẹo chấm C:1,5cm trên đuôi mày phải"),
            "Sẹo chấm C:1,5cm trên đuôi mày phải");
  EXPECT_EQ(NormalizeMarkDistances("Không"), "Không");
  EXPECT_EQ(NormalizeMarkDistances(""), "");
}

TEST(DocFields, AddressUnitsGetTheirCommasBack) {
  EXPECT_EQ(RestoreUnitCommas("Số 45 Trần Hưng Đạo, Phường Tân Quang Thành phố Tuyên Quang, "
                              "Tỉnh Tuyên Quang"),
            "Số 45 Trần Hưng Đạo, Phường Tân Quang, Thành phố Tuyên Quang, Tỉnh Tuyên Quang");
  EXPECT_EQ(RestoreUnitCommas("Xã Bình Châu, Huyện Xuyên Mộc Tỉnh Bà Rịa - Vũng Tàu"),
            "Xã Bình Châu, Huyện Xuyên Mộc, Tỉnh Bà Rịa - Vũng Tàu");
  EXPECT_EQ(RestoreUnitCommas("Xã Gia Tân 3 Huyện Thống Nhất TP. Hà Nội"),
            "Xã Gia Tân 3, Huyện Thống Nhất, TP. Hà Nội");
  // Place names that contain a unit's first word, units already separated, a unit at either
  // end: unchanged.
  EXPECT_EQ(RestoreUnitCommas("Xã Thành Công, Huyện Thạch Thành, Tỉnh Thanh Hóa"),
            "Xã Thành Công, Huyện Thạch Thành, Tỉnh Thanh Hóa");
  EXPECT_EQ(RestoreUnitCommas("Khu phố 18, Phường 3, Thị xã Cai Lậy, Tỉnh Tiền Giang"),
            "Khu phố 18, Phường 3, Thị xã Cai Lậy, Tỉnh Tiền Giang");
  EXPECT_EQ(RestoreUnitCommas("Xã Khau Tinh"), "Xã Khau Tinh");
  EXPECT_EQ(RestoreUnitCommas("Tổ 5 Xã"), "Tổ 5 Xã");
  EXPECT_EQ(RestoreUnitCommas(""), "");
}

TEST(DocFields, ClosedVocabulariesChooseAmongLines) {
  EXPECT_TRUE(IsSexValue("Nam"));
  EXPECT_TRUE(IsSexValue("Nữ"));
  EXPECT_TRUE(IsSexValue("NAM/M"));
  EXPECT_TRUE(IsSexValue("Nứ"));  // a mark misread still folds to NU
  EXPECT_FALSE(IsSexValue("Kói"));
  EXPECT_FALSE(IsSexValue("%e"));
  EXPECT_FALSE(IsSexValue("Naweme(fv"));  // CleanSex would make it Nữ: too lax to choose with
  EXPECT_FALSE(IsSexValue(""));
  EXPECT_TRUE(IsNationalityValue("Việt Nam"));
  EXPECT_TRUE(IsNationalityValue("VIỆT NAM/VIETNAMESE"));
  EXPECT_TRUE(IsNationalityValue("VHẸT NAM/VIETNAMESE"));
  EXPECT_TRUE(IsNationalityValue("NAM/VIETNAMESE"));
  EXPECT_TRUE(IsNationalityValue("Viêt Nan"));
  EXPECT_FALSE(IsNationalityValue("Nationality"));
  EXPECT_FALSE(IsNationalityValue("Quốc tịch"));
  EXPECT_FALSE(IsNationalityValue("NAM"));
  EXPECT_TRUE(IsNationalityOnly("Việt Nam"));
  EXPECT_TRUE(IsNationalityOnly("VIỆT NAM/VIETNAMESE"));
  EXPECT_TRUE(IsNationalityOnly("Viêt Nan"));
  EXPECT_FALSE(IsNationalityOnly("Việt Yên, Tỉnh Bắc Giang"));
  EXPECT_FALSE(IsNationalityOnly("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
  EXPECT_FALSE(IsNationalityOnly("SOCIALIST REPUBLIC OF VIET NAM"));
  EXPECT_FALSE(IsNationalityOnly("VIỆT NAM/Date of birth"));
  EXPECT_FALSE(IsNationalityOnly(""));
  EXPECT_FALSE(IsNationalityValue(""));
}
}  // namespace ekyc::doc
