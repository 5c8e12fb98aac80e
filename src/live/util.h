// Small numeric and image helpers shared by the liveness stages (internal header).
//
// Thread-safety: all functions are pure; safe from any thread.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace ekyc::live {

inline double Clamp01(double x) {
  return std::clamp(x, 0.0, 1.0);
}

// 0 below lo, 1 above hi, linear in between (hi < lo ramps the other way).
inline double Ramp(double x, double lo, double hi) {
  return Clamp01((x - lo) / (hi - lo));
}

// q-quantile (nearest rank) of the finite values; NaN when there are none.
inline double Percentile(std::vector<double> v, double q) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const size_t k = static_cast<size_t>(std::clamp(q, 0.0, 1.0) * (v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

// Rounded for JSON; a non-finite value (not measured) becomes 0.
inline double Round(double x, double unit = 1e-4) {
  return std::isfinite(x) ? std::round(x / unit) * unit : 0.0;
}

inline std::string Fmt(double x, int prec = 3) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(prec);
  os << x;
  return os.str();
}

inline cv::Rect ClipRect(const cv::Rect2f& r, cv::Size size) {
  return cv::Rect(cv::Point(static_cast<int>(r.x), static_cast<int>(r.y)),
                  cv::Size(static_cast<int>(r.width), static_cast<int>(r.height))) &
         cv::Rect(0, 0, size.width, size.height);
}

inline cv::Mat Gray(const cv::Mat& m) {
  if (m.channels() == 1) return m;
  cv::Mat g;
  cv::cvtColor(m, g, cv::COLOR_BGR2GRAY);
  return g;
}

}  // namespace ekyc::live
