#include "core/status.h"

#include <gtest/gtest.h>

namespace ekyc {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument("math.odd", std::to_string(x) + " is odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  EKYC_ASSIGN_OR_RETURN(int h, Half(x));
  EKYC_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, CarriesReasonAndMessage) {
  Status s = InvalidArgument("image.truncated", "the JPEG ends early");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.reason(), "image.truncated");
  EXPECT_EQ(s.ToString(), "image.truncated: the JPEG ends early");
  EXPECT_EQ(s.WithContext("image_card1").message(), "image_card1: the JPEG ends early");
  EXPECT_STREQ(StatusCodeName(s.code()), "INVALID_ARGUMENT");
}

TEST(ResultTest, PropagatesErrors) {
  auto ok = Quarter(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 2);
  auto bad = Quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().reason(), "math.odd");
  EXPECT_EQ(bad.status().message(), "3 is odd");
  EXPECT_EQ(bad.value_or(-1), -1);
}

}  // namespace
}  // namespace ekyc
