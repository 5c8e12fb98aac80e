// Limits on failed attempts (abuse limits): a route's outcome that counts as a failure (a selfie
// video judged not live, a search or verify that finds nobody) is recorded against the API key
// and against chosen request fields (e.g. user_id); once a subject has `max` failures inside the
// sliding window, further requests on those routes are refused before any work is done, with the
// rule's code and a Retry-After that says when the oldest failure leaves the window.
//
// The server applies rules given in ServerOptions::attempt_limits (data, not code: the routes
// layer says which routes and outcomes count). Attempts in flight are not counted until they
// finish, so concurrent requests can exceed `max` by at most the number in flight.
//
// Thread-safety: AttemptWindow is a plain value; AttemptLimiter is thread-safe (internal mutex).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/api.h"

namespace ekyc::api {

// The failure times of one subject, at most `max` of them (older ones can no longer matter).
class AttemptWindow {
 public:
  using Clock = std::chrono::steady_clock;
  void Record(Clock::time_point now, int max);
  // Failures within `window` before `now`.
  int Count(Clock::time_point now, std::chrono::seconds window) const;
  // Whole seconds until the count drops below `max` (at least 1); 0 when it already is.
  int RetryAfter(Clock::time_point now, std::chrono::seconds window, int max) const;
  bool Expired(Clock::time_point now, std::chrono::seconds window) const;
  Clock::time_point last() const { return times_.empty() ? Clock::time_point() : times_.back(); }

 private:
  std::deque<Clock::time_point> times_;
};

class AttemptLimiter {
 public:
  using Clock = AttemptWindow::Clock;
  // Subjects kept at most; beyond it, subjects with no failure inside the window are dropped
  // first, then the least recently failed.
  static constexpr size_t kMaxSubjects = 100'000;

  explicit AttemptLimiter(AttemptLimit rule) : rule_(std::move(rule)) {}
  const AttemptLimit& rule() const { return rule_; }
  bool AppliesTo(const std::string& route) const;

  // The subjects of a request: "key:<name>" and "<field>:<value>" (see AttemptLimit).
  std::vector<std::string> Subjects(
      const std::string& key_name,
      const std::vector<std::pair<std::string, std::string>>& fields) const;
  // > 0: refused; the seconds until a retry can pass. 0: allowed.
  int Blocked(const std::vector<std::string>& subjects, Clock::time_point now) const;
  // Records a failure when `reason` is one the rule counts; returns whether it did.
  bool Record(const std::vector<std::string>& subjects, const std::string& reason,
              Clock::time_point now);
  size_t subjects() const;

 private:
  int MaxFor(const std::string& subject) const;
  void Evict(Clock::time_point now);

  AttemptLimit rule_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, AttemptWindow> windows_;
};

}  // namespace ekyc::api
