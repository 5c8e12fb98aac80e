// Helpers for the input module's tests only.
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

namespace ekyc::input::test {

// A deterministic colour pattern with edges, so decoding errors show up in comparisons.
inline cv::Mat TestImage(int w, int h) {
  cv::Mat m(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      m.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(x * 255 / std::max(1, w - 1)),
                                        static_cast<uchar>(y * 255 / std::max(1, h - 1)),
                                        static_cast<uchar>(((x / 8 + y / 8) % 2) * 200 + 20));
    }
  }
  return m;
}

inline std::string Encode(const cv::Mat& m, const std::string& ext,
                          const std::vector<int>& params = {}) {
  std::vector<uchar> buf;
  cv::imencode(ext, m, buf, params);
  return std::string(buf.begin(), buf.end());
}

inline std::string Base64Encode(const std::string& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (uint32_t{static_cast<uchar>(in[i])} << 16) |
                       (uint32_t{static_cast<uchar>(in[i + 1])} << 8) |
                       static_cast<uchar>(in[i + 2]);
    for (int k = 3; k >= 0; --k) out.push_back(kAlphabet[(v >> (6 * k)) & 63]);
  }
  if (i + 1 == in.size()) {
    const uint32_t v = uint32_t{static_cast<uchar>(in[i])} << 16;
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const uint32_t v = (uint32_t{static_cast<uchar>(in[i])} << 16) |
                       (uint32_t{static_cast<uchar>(in[i + 1])} << 8);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

// Inserts an APP1 Exif segment (big-endian TIFF, one IFD entry: Orientation) after SOI.
inline std::string WithExifOrientation(const std::string& jpeg, int orientation) {
  std::string tiff("MM\0\x2A\0\0\0\x08", 8);
  tiff += std::string("\0\x01", 2);                    // one entry
  tiff += std::string("\x01\x12\0\x03\0\0\0\x01", 8);  // 0x0112 SHORT x1
  tiff += std::string("\0", 1) + static_cast<char>(orientation) + std::string("\0\0", 2);
  tiff += std::string("\0\0\0\0", 4);  // no next IFD
  const std::string payload = std::string("Exif\0\0", 6) + tiff;
  const size_t len = payload.size() + 2;
  std::string seg = "\xFF\xE1";
  seg += static_cast<char>(len >> 8);
  seg += static_cast<char>(len & 0xFF);
  return jpeg.substr(0, 2) + seg + payload + jpeg.substr(2);
}

}  // namespace ekyc::input::test
