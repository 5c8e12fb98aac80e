// Per-API-key token buckets.
//
// Thread-safety: TokenBucket is a plain value (not thread-safe); RateLimiter is thread-safe
// (internal mutex) and owns one bucket per key name.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace ekyc::api {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  // `rate` tokens per second, holding at most `burst`; starts full.
  TokenBucket(double rate, double burst, Clock::time_point now);

  // Takes one token if available. Otherwise returns false and sets `*retry_after_s` to the whole
  // seconds until one will be (at least 1).
  bool TryTake(Clock::time_point now, int* retry_after_s);
  double tokens() const { return tokens_; }

 private:
  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

class RateLimiter {
 public:
  // rate <= 0 disables limiting.
  RateLimiter(double rate, int burst) : rate_(rate), burst_(burst < 1 ? 1 : burst) {}
  bool enabled() const { return rate_ > 0; }
  bool Allow(const std::string& key, TokenBucket::Clock::time_point now, int* retry_after_s);

 private:
  double rate_;
  int burst_;
  std::mutex mu_;
  std::map<std::string, TokenBucket> buckets_;  // one per key name; keys are few
};

}  // namespace ekyc::api
