#include "api/attempt_limit.h"

#include <gtest/gtest.h>

namespace ekyc::api {
namespace {

using Clock = AttemptLimiter::Clock;
using std::chrono::seconds;

AttemptLimit Rule() {
  AttemptLimit r;
  r.name = "liveness_attempts";
  r.routes = {"video"};
  r.counted_reasons = {"live.spoof_detected"};
  r.subject_fields = {"user_id"};
  r.max_per_field = 3;
  r.max_per_key = 5;
  r.window_s = 180;
  r.code = "E463";
  return r;
}

TEST(AttemptLimiter, BlocksAtTheLimitUntilTheOldestFailureLeavesTheWindow) {
  AttemptLimiter l(Rule());
  const auto t0 = Clock::time_point() + seconds(1000);
  auto subjects = l.Subjects("bank", {{"user_id", "u1"}, {"other", "x"}});
  ASSERT_EQ(subjects, (std::vector<std::string>{"key:bank", "user_id:u1"}));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(l.Blocked(subjects, t0 + seconds(10 * i)), 0) << i;
    EXPECT_TRUE(l.Record(subjects, "live.spoof_detected", t0 + seconds(10 * i)));
  }
  // Three failures for u1 at t0, t0+10, t0+20: blocked until t0+180.
  EXPECT_EQ(l.Blocked(subjects, t0 + seconds(30)), 150);
  EXPECT_EQ(l.Blocked(subjects, t0 + seconds(179)), 1);
  EXPECT_EQ(l.Blocked(subjects, t0 + seconds(180)), 0);
  // Another user on the same key is not blocked: the key has 3 of its 5.
  auto other = l.Subjects("bank", {{"user_id", "u2"}});
  EXPECT_EQ(l.Blocked(other, t0 + seconds(30)), 0);
  EXPECT_TRUE(l.Record(other, "live.spoof_detected", t0 + seconds(40)));
  EXPECT_TRUE(l.Record(other, "live.spoof_detected", t0 + seconds(50)));
  // Now the key has 5 failures: every user of that key is refused, other keys are not.
  EXPECT_GT(l.Blocked(l.Subjects("bank", {{"user_id", "u3"}}), t0 + seconds(60)), 0);
  EXPECT_EQ(l.Blocked(l.Subjects("other-bank", {{"user_id", "u3"}}), t0 + seconds(60)), 0);
}

TEST(AttemptLimiter, OnlyCountedReasonsCount) {
  AttemptLimiter l(Rule());
  const auto t0 = Clock::time_point() + seconds(1000);
  auto subjects = l.Subjects("bank", {{"user_id", "u1"}});
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(l.Record(subjects, "video.undecodable", t0));
    EXPECT_FALSE(l.Record(subjects, "", t0));  // success
  }
  EXPECT_EQ(l.Blocked(subjects, t0), 0);
  EXPECT_EQ(l.subjects(), 0u);
}

TEST(AttemptLimiter, ZeroDisablesASideAndEmptyValuesAreNoSubject) {
  AttemptLimit r = Rule();
  r.max_per_key = 0;
  AttemptLimiter l(r);
  EXPECT_EQ(l.Subjects("bank", {{"user_id", ""}}), std::vector<std::string>{});
  EXPECT_EQ(l.Subjects("bank", {{"user_id", "u"}}), std::vector<std::string>{"user_id:u"});
  r.max_per_field = 0;
  EXPECT_FALSE(AttemptLimiter(r).AppliesTo("video"));
  EXPECT_TRUE(l.AppliesTo("video"));
  EXPECT_FALSE(l.AppliesTo("search"));
}

TEST(AttemptLimiter, MemoryStaysBoundedUnderManySubjects) {
  AttemptLimit r = Rule();
  r.max_per_key = 0;
  AttemptLimiter l(r);
  const auto t0 = Clock::time_point() + seconds(1000);
  const size_t n = AttemptLimiter::kMaxSubjects + 5'000;
  for (size_t i = 0; i < n; ++i) {
    ASSERT_TRUE(l.Record({"user_id:" + std::to_string(i)}, "live.spoof_detected",
                         t0 + std::chrono::milliseconds(i)));
  }
  EXPECT_LE(l.subjects(), AttemptLimiter::kMaxSubjects);
  // The most recent failures are the ones kept.
  auto last = std::vector<std::string>{"user_id:" + std::to_string(n - 1)};
  r.max_per_field = 1;
  AttemptLimiter one(r);
  EXPECT_TRUE(one.Record(last, "live.spoof_detected", t0));
  EXPECT_GT(one.Blocked(last, t0), 0);
}

TEST(AttemptWindow, KeepsOnlyTheLastMaxFailures) {
  AttemptWindow w;
  const auto t0 = Clock::time_point() + seconds(1000);
  for (int i = 0; i < 100; ++i) w.Record(t0 + seconds(i), 3);
  EXPECT_EQ(w.Count(t0 + seconds(100), seconds(1000)), 3);
  EXPECT_EQ(w.RetryAfter(t0 + seconds(100), seconds(10), 3), 7);  // oldest kept: t0+97
  EXPECT_TRUE(w.Expired(t0 + seconds(200), seconds(10)));
}

}  // namespace
}  // namespace ekyc::api
