#include "api/rate_limit.h"

#include <algorithm>
#include <cmath>

namespace ekyc::api {

TokenBucket::TokenBucket(double rate, double burst, Clock::time_point now)
    : rate_(rate), burst_(burst), tokens_(burst), last_(now) {}

bool TokenBucket::TryTake(Clock::time_point now, int* retry_after_s) {
  if (now > last_) {
    double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    last_ = now;
  }
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return true;
  }
  if (retry_after_s != nullptr) {
    double wait = rate_ > 0 ? (1.0 - tokens_) / rate_ : 3600.0;
    *retry_after_s = std::max(1, static_cast<int>(std::ceil(std::min(wait, 3600.0))));
  }
  return false;
}

bool RateLimiter::Allow(const std::string& key, TokenBucket::Clock::time_point now,
                        int* retry_after_s) {
  if (!enabled()) return true;
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) it = buckets_.emplace(key, TokenBucket(rate_, burst_, now)).first;
  return it->second.TryTake(now, retry_after_s);
}

}  // namespace ekyc::api
