#include "api/rate_limit.h"

#include <gtest/gtest.h>

namespace ekyc::api {
namespace {

using namespace std::chrono_literals;

TEST(TokenBucketTest, BurstThenRefill) {
  auto t0 = TokenBucket::Clock::time_point{} + 1000s;
  TokenBucket b(2.0, 3.0, t0);  // 2 tokens/s, burst 3
  int retry = 0;
  EXPECT_TRUE(b.TryTake(t0, &retry));
  EXPECT_TRUE(b.TryTake(t0, &retry));
  EXPECT_TRUE(b.TryTake(t0, &retry));
  EXPECT_FALSE(b.TryTake(t0, &retry));
  EXPECT_EQ(retry, 1);
  EXPECT_FALSE(b.TryTake(t0 + 400ms, &retry));  // 0.8 tokens
  EXPECT_TRUE(b.TryTake(t0 + 500ms, &retry));   // 1.0 token
  EXPECT_FALSE(b.TryTake(t0 + 500ms, &retry));
  // Never more than the burst, however long the pause.
  auto later = t0 + 3600s;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(b.TryTake(later, &retry)) << i;
  EXPECT_FALSE(b.TryTake(later, &retry));
}

TEST(TokenBucketTest, RetryAfterReflectsRate) {
  auto t0 = TokenBucket::Clock::time_point{} + 10s;
  TokenBucket b(0.1, 1.0, t0);  // one token per 10 s
  int retry = 0;
  EXPECT_TRUE(b.TryTake(t0, &retry));
  EXPECT_FALSE(b.TryTake(t0, &retry));
  EXPECT_EQ(retry, 10);
}

TEST(TokenBucketTest, ClockGoingBackwardsDoesNotAddTokens) {
  auto t0 = TokenBucket::Clock::time_point{} + 100s;
  TokenBucket b(1.0, 1.0, t0);
  EXPECT_TRUE(b.TryTake(t0, nullptr));
  EXPECT_FALSE(b.TryTake(t0 - 50s, nullptr));
}

TEST(RateLimiterTest, PerKeyAndDisabled) {
  auto t0 = TokenBucket::Clock::time_point{} + 10s;
  RateLimiter rl(1.0, 2);
  EXPECT_TRUE(rl.Allow("a", t0, nullptr));
  EXPECT_TRUE(rl.Allow("a", t0, nullptr));
  EXPECT_FALSE(rl.Allow("a", t0, nullptr));
  EXPECT_TRUE(rl.Allow("b", t0, nullptr));  // separate bucket
  RateLimiter off(0, 1);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(off.Allow("a", t0, nullptr));
}

}  // namespace
}  // namespace ekyc::api
