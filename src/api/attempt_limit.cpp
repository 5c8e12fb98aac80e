#include "api/attempt_limit.h"

#include <algorithm>
#include <cmath>

namespace ekyc::api {

void AttemptWindow::Record(Clock::time_point now, int max) {
  times_.push_back(now);
  while (static_cast<int>(times_.size()) > std::max(max, 1)) times_.pop_front();
}

int AttemptWindow::Count(Clock::time_point now, std::chrono::seconds window) const {
  return static_cast<int>(std::count_if(times_.begin(), times_.end(),
                                        [&](Clock::time_point t) { return now - t < window; }));
}

int AttemptWindow::RetryAfter(Clock::time_point now, std::chrono::seconds window, int max) const {
  if (max <= 0 || Count(now, window) < max) return 0;
  // The count drops below max when the oldest of the last `max` failures leaves the window.
  const Clock::time_point oldest = times_[times_.size() - static_cast<size_t>(max)];
  const double s = std::chrono::duration<double>(oldest + window - now).count();
  return std::max(1, static_cast<int>(std::ceil(s)));
}

bool AttemptWindow::Expired(Clock::time_point now, std::chrono::seconds window) const {
  return times_.empty() || now - times_.back() >= window;
}

bool AttemptLimiter::AppliesTo(const std::string& route) const {
  if (rule_.max_per_key <= 0 && rule_.max_per_field <= 0) return false;
  return std::find(rule_.routes.begin(), rule_.routes.end(), route) != rule_.routes.end();
}

std::vector<std::string> AttemptLimiter::Subjects(
    const std::string& key_name,
    const std::vector<std::pair<std::string, std::string>>& fields) const {
  std::vector<std::string> out;
  if (rule_.max_per_key > 0) out.push_back("key:" + key_name);
  if (rule_.max_per_field > 0) {
    for (const auto& [name, value] : fields) {
      if (value.empty()) continue;
      if (std::find(rule_.subject_fields.begin(), rule_.subject_fields.end(), name) !=
          rule_.subject_fields.end()) {
        out.push_back(name + ":" + value);
      }
    }
  }
  return out;
}

int AttemptLimiter::MaxFor(const std::string& subject) const {
  return subject.rfind("key:", 0) == 0 ? rule_.max_per_key : rule_.max_per_field;
}

int AttemptLimiter::Blocked(const std::vector<std::string>& subjects, Clock::time_point now) const {
  const std::chrono::seconds window(rule_.window_s);
  std::lock_guard lock(mu_);
  int retry = 0;
  for (const auto& s : subjects) {
    auto it = windows_.find(s);
    if (it != windows_.end())
      retry = std::max(retry, it->second.RetryAfter(now, window, MaxFor(s)));
  }
  return retry;
}

bool AttemptLimiter::Record(const std::vector<std::string>& subjects, const std::string& reason,
                            Clock::time_point now) {
  if (std::find(rule_.counted_reasons.begin(), rule_.counted_reasons.end(), reason) ==
      rule_.counted_reasons.end()) {
    return false;
  }
  std::lock_guard lock(mu_);
  for (const auto& s : subjects) windows_[s].Record(now, MaxFor(s));
  if (windows_.size() > kMaxSubjects) Evict(now);
  return true;
}

void AttemptLimiter::Evict(Clock::time_point now) {
  const std::chrono::seconds window(rule_.window_s);
  for (auto it = windows_.begin(); it != windows_.end();) {
    it = it->second.Expired(now, window) ? windows_.erase(it) : std::next(it);
  }
  // Still full of live subjects: forget the least recently failed tenth in one pass, so that
  // eviction costs O(n) once per kMaxSubjects / 10 failures, not on every one.
  if (windows_.size() > kMaxSubjects) {
    std::vector<Clock::time_point> last;
    last.reserve(windows_.size());
    for (const auto& [s, w] : windows_) last.push_back(w.last());
    auto cut = last.begin() + static_cast<std::ptrdiff_t>(last.size() / 10);
    std::nth_element(last.begin(), cut, last.end());
    const Clock::time_point before = *cut;
    for (auto it = windows_.begin(); it != windows_.end();) {
      it = it->second.last() < before ? windows_.erase(it) : std::next(it);
    }
  }
}

size_t AttemptLimiter::subjects() const {
  std::lock_guard lock(mu_);
  return windows_.size();
}

}  // namespace ekyc::api
