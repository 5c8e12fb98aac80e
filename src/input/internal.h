// Helpers shared by the input module's translation units. Not part of the public API.
//
// Thread-safety: pure functions on their arguments.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace ekyc::input::internal {

// A human name for a recognised file type of any kind ("PDF document", "GIF image",
// "MP4/QuickTime video", "HTML page", ...), or "" when the magic bytes are not known.
std::string DescribeContent(std::string_view bytes);
// DescribeContent's names for the formats we decode.
inline constexpr const char* kJpegName = "a JPEG image";
inline constexpr const char* kPngName = "a PNG image";
inline constexpr const char* kWebpName = "a WebP image";
inline constexpr const char* kBmpName = "a BMP image";

// What a client should send instead of a video we cannot use.
inline constexpr const char* kVideoWhatToSend = "send an MP4, MOV or WebM video";
// video.undecodable, saying why; video.too_many_pixels for a frame of that size.
Status VideoUndecodable(const std::string& why);
Status VideoTooManyPixels(int64_t width, int64_t height);

// "12.3 MB" style size for messages.
std::string HumanBytes(int64_t bytes);

inline uint16_t Be16(const unsigned char* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
inline uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
inline uint16_t Le16(const unsigned char* p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}
inline uint32_t Le24(const unsigned char* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16);
}
inline uint32_t Le32(const unsigned char* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

}  // namespace ekyc::input::internal
