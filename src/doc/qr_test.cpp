#include "doc/qr.h"

#include <gtest/gtest.h>

namespace ekyc::doc {

TEST(DocQrPayload, ChipCccdSevenFields) {
  auto r = ParseQrPayload(
      "079190001234||Nguyễn Thị An|15051990|Nữ|Số 1 Lê Lợi, Phường Bến Nghé, Quận 1, TP Hồ Chí "
      "Minh|10082021");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id, "079190001234");
  EXPECT_EQ(r->old_id, "");
  EXPECT_EQ(r->name, "Nguyễn Thị An");
  EXPECT_EQ(r->birth_date, "15/05/1990");
  EXPECT_EQ(r->sex, "Nữ");
  EXPECT_EQ(r->issue_date, "10/08/2021");
  EXPECT_EQ(r->field_count, 7);
  EXPECT_TRUE(r->expiry_date.empty());
}

TEST(DocQrPayload, NfdInputAndOldIdAndSexWithoutHook) {
  // "Nữ" decomposed, old CMND present.
  auto r = ParseQrPayload(
      "001085012345|012345678|Tra\xCC\x82\xCC\x80n Va\xCC\x86n B|01021985|Nu|Hà Nội|01012022\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->old_id, "012345678");
  EXPECT_EQ(r->name, "Trần Văn B");
  EXPECT_EQ(r->sex, "Nữ");
}

TEST(DocQrPayload, ExtendedPayloadKeepsExtras) {
  auto r = ParseQrPayload(
      "001305012345||Lê Minh Châu|02032005|Nữ|Xã A, Tỉnh B|05072024|02032030||Lê Văn X");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->field_count, 10);
  EXPECT_EQ(r->expiry_date, "02/03/2030");
  ASSERT_EQ(r->extra.size(), 3u);
  EXPECT_EQ(r->extra[2], "Lê Văn X");
}

TEST(DocQrPayload, RejectsMalformed) {
  EXPECT_FALSE(ParseQrPayload("").ok());
  EXPECT_FALSE(ParseQrPayload("https://example.com/x").ok());
  EXPECT_FALSE(ParseQrPayload("07919000123A||A|15051990|Nam|X|10082021").ok());
  EXPECT_FALSE(ParseQrPayload("079190001234||A|31021990|Nam|X|10082021").ok());
  EXPECT_FALSE(ParseQrPayload("079190001234||A|15051990|Khac|X|10082021").ok());
  auto r = ParseQrPayload("1|2|3");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "qr.payload");
}

TEST(DocQrDecode, EmptyImageIsAnError) {
  EXPECT_FALSE(DecodeQr(cv::Mat()).ok());
  cv::Mat blank(200, 200, CV_8UC1, cv::Scalar(255));
  auto r = DecodeQr(blank, cv::Rect(10, 10, 100, 100));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "qr.not_found");
}

}  // namespace ekyc::doc
