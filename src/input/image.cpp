// Image sniffing, header checks and decoding.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <limits>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "input/input.h"
#include "input/internal.h"

namespace ekyc::input {
namespace {

using internal::Be16;
using internal::Be32;
using internal::HumanBytes;
using internal::Le16;
using internal::Le24;
using internal::Le32;

constexpr const char* kWhatToSend = "send a JPEG or PNG photo (WebP and BMP also work)";

Status Truncated(const char* format) {
  return InvalidArgument("image.truncated",
                         std::string("The ") + format +
                             " file is incomplete (cut off before its end), probably an "
                             "interrupted upload or download: send the whole file again");
}

Status Corrupt(const char* format, const std::string& detail) {
  return InvalidArgument("image.corrupt", std::string("The ") + format + " file is damaged (" +
                                              detail + ") and cannot be decoded: " + kWhatToSend);
}

Status NotAnImage() {
  return InvalidArgument("image.not_an_image",
                         std::string("The data is not an image file this server recognises: ") +
                             kWhatToSend + ", its base64 text, or an http(s) URL to one");
}

// Text that is neither an http(s) URL nor base64 of an image.
Status TextNotImage(const std::string& detail) {
  return InvalidArgument("image.not_an_image", "The data is text, not an image file" + detail +
                                                   ": " + kWhatToSend +
                                                   ", its base64 text, or an http(s) URL to one");
}

// Base64 as clients send it: the alphabet, padding and line breaks, nothing else worth counting.
// One stray character in a long payload still counts as base64 (its position is worth reporting);
// prose with spaces and punctuation does not.
bool LooksLikeBase64(std::string_view text) {
  size_t alphabet = 0, other = 0;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n' || c == '\r' || c == '\t') continue;
    if (std::isalnum(c) || c == '+' || c == '/' || c == '-' || c == '_' || c == '=')
      ++alphabet;
    else
      ++other;
  }
  return alphabet >= 16 && other * 100 <= alphabet;
}

Result<ImageHeader> Dims(ImageFormat format, int64_t w, int64_t h, const char* name) {
  if (w <= 0 || h <= 0 || w > std::numeric_limits<int>::max() ||
      h > std::numeric_limits<int>::max()) {
    return Corrupt(name, "its header gives impossible dimensions " + std::to_string(w) + "x" +
                             std::to_string(h));
  }
  return ImageHeader{format, static_cast<int>(w), static_cast<int>(h)};
}

bool IsJpegSof(unsigned char m) {
  return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

// Walks the marker segments up to the first scan, reading the frame size from the SOF marker.
// A complete JPEG ends its entropy-coded data with EOI (FF D9); decoders silently fill a cut
// file with grey, so its absence after the first scan means truncation.
Result<ImageHeader> ParseJpeg(std::string_view b) {
  const auto* u = reinterpret_cast<const unsigned char*>(b.data());
  const size_t n = b.size();
  size_t pos = 2;
  int64_t w = -1, h = -1;
  size_t scan_start = 0;
  while (true) {
    if (pos >= n) return Truncated("JPEG");
    if (u[pos] != 0xFF) return Corrupt("JPEG", "a marker is missing where one was expected");
    while (pos < n && u[pos] == 0xFF) ++pos;  // fill bytes
    if (pos >= n) return Truncated("JPEG");
    const unsigned char m = u[pos++];
    if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;  // no length field
    if (m == 0xD9) return Corrupt("JPEG", "it ends before any image data");
    if (pos + 2 > n) return Truncated("JPEG");
    const size_t len = Be16(u + pos);
    if (len < 2) return Corrupt("JPEG", "a marker segment has an invalid length");
    const size_t seg = pos + 2;
    if (pos + len > n) return Truncated("JPEG");
    if (IsJpegSof(m)) {
      if (len < 8) return Corrupt("JPEG", "the frame header is too short");
      h = Be16(u + seg + 1);
      w = Be16(u + seg + 3);
      if (h == 0) return Corrupt("JPEG", "the frame header gives height 0 (DNL), not supported");
    }
    if (m == 0xDA) {
      scan_start = pos + len;
      break;
    }
    pos += len;
  }
  if (w < 0) return Corrupt("JPEG", "there is no frame header before the image data");
  // Byte stuffing guarantees FF D9 cannot occur inside entropy-coded data.
  bool has_eoi = false;
  for (size_t i = scan_start; i + 1 < n; ++i) {
    const void* hit = std::memchr(u + i, 0xFF, n - 1 - i);
    if (hit == nullptr) break;
    i = static_cast<size_t>(static_cast<const unsigned char*>(hit) - u);
    if (u[i + 1] == 0xD9) {
      has_eoi = true;
      break;
    }
  }
  if (!has_eoi) return Truncated("JPEG");
  return Dims(ImageFormat::kJpeg, w, h, "JPEG");
}

// IHDR gives the size; walking the chunks to IEND proves the file is complete.
Result<ImageHeader> ParsePng(std::string_view b) {
  const auto* u = reinterpret_cast<const unsigned char*>(b.data());
  const size_t n = b.size();
  if (n < 8 + 8 + 13) return Truncated("PNG");
  if (Be32(u + 8) != 13 || std::memcmp(u + 12, "IHDR", 4) != 0) {
    return Corrupt("PNG", "the first chunk is not a valid IHDR");
  }
  const int64_t w = Be32(u + 16), h = Be32(u + 20);
  size_t pos = 8;
  while (true) {
    if (pos + 12 > n) return Truncated("PNG");
    const uint32_t len = Be32(u + pos);
    if (len > 0x7FFFFFFFu) return Corrupt("PNG", "a chunk has an invalid length");
    if (n - pos - 12 < len) return Truncated("PNG");
    if (std::memcmp(u + pos + 4, "IEND", 4) == 0) break;
    pos += 12 + static_cast<size_t>(len);
  }
  return Dims(ImageFormat::kPng, w, h, "PNG");
}

Result<ImageHeader> ParseWebp(std::string_view b) {
  const auto* u = reinterpret_cast<const unsigned char*>(b.data());
  const size_t n = b.size();
  if (n < 12) return Truncated("WebP");
  const uint64_t riff_size = Le32(u + 4);
  if (riff_size < 4) return Corrupt("WebP", "the RIFF size is invalid");
  if (n < riff_size + 8) return Truncated("WebP");
  if (n < 30) return Truncated("WebP");
  const std::string_view fourcc = b.substr(12, 4);
  const unsigned char* d = u + 20;
  if (fourcc == "VP8 ") {
    if (d[3] != 0x9D || d[4] != 0x01 || d[5] != 0x2A) {
      return Corrupt("WebP", "the VP8 start code is missing");
    }
    return Dims(ImageFormat::kWebp, Le16(d + 6) & 0x3FFF, Le16(d + 8) & 0x3FFF, "WebP");
  }
  if (fourcc == "VP8L") {
    if (d[0] != 0x2F) return Corrupt("WebP", "the lossless signature is missing");
    const uint32_t bits = Le32(d + 1);
    return Dims(ImageFormat::kWebp, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, "WebP");
  }
  if (fourcc == "VP8X") {
    if (d[0] & 0x02) {
      return Unsupported("image.unsupported_format",
                         "This is an animated WebP, which is not supported: send a single still "
                         "photo as JPEG or PNG");
    }
    return Dims(ImageFormat::kWebp, int64_t{Le24(d + 4)} + 1, int64_t{Le24(d + 7)} + 1, "WebP");
  }
  return Corrupt("WebP", "the first chunk is not VP8, VP8L or VP8X");
}

Result<ImageHeader> ParseBmp(std::string_view b) {
  const auto* u = reinterpret_cast<const unsigned char*>(b.data());
  const size_t n = b.size();
  const uint32_t dib = Le32(u + 14);
  if (n < 14 + static_cast<size_t>(dib)) return Truncated("BMP");
  const uint32_t pixel_offset = Le32(u + 10);
  int64_t w = 0, h = 0;
  int bpp = 0;
  uint32_t compression = 0;
  if (dib == 12) {
    w = Le16(u + 18);
    h = Le16(u + 20);
    bpp = Le16(u + 24);
  } else {
    w = static_cast<int32_t>(Le32(u + 18));
    h = static_cast<int32_t>(Le32(u + 22));
    bpp = Le16(u + 28);
    compression = Le32(u + 30);
  }
  if (h < 0) h = -h;  // negative height = top-down rows
  if (pixel_offset > n) return Truncated("BMP");
  // Uncompressed rows have a known size, so a short file is detectable.
  if ((compression == 0 || compression == 3) && w > 0 && bpp > 0 && bpp <= 32) {
    const uint64_t row = ((static_cast<uint64_t>(w) * bpp + 31) / 32) * 4;
    const uint64_t avail = n - pixel_offset;
    if (row > 0 && static_cast<uint64_t>(h) > avail / row) return Truncated("BMP");
  }
  return Dims(ImageFormat::kBmp, w, h, "BMP");
}

double Megapixels(int64_t p) {
  return static_cast<double>(p) / 1e6;
}

std::string Fmt1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// Any decoded Mat -> 8-bit BGR. Alpha is composited over white so transparent areas do not
// turn black (what a person sees in a viewer is what we analyse).
Result<cv::Mat> ToBgr8(const cv::Mat& in) {
  cv::Mat m = in;
  if (m.depth() == CV_16U) {
    m.convertTo(m, CV_8U, 1.0 / 257.0);
  } else if (m.depth() != CV_8U) {
    cv::Mat tmp;
    double lo = 0, hi = 0;
    cv::minMaxLoc(m.reshape(1), &lo, &hi);
    m.convertTo(tmp, CV_8U, hi > lo ? 255.0 / (hi - lo) : 1.0,
                hi > lo ? -lo * 255.0 / (hi - lo) : 0);
    m = tmp;
  }
  cv::Mat out;
  switch (m.channels()) {
    case 1:
      cv::cvtColor(m, out, cv::COLOR_GRAY2BGR);
      break;
    case 3:
      out = m;
      break;
    case 4: {
      out.create(m.rows, m.cols, CV_8UC3);
      for (int y = 0; y < m.rows; ++y) {
        const auto* s = m.ptr<cv::Vec4b>(y);
        auto* d = out.ptr<cv::Vec3b>(y);
        for (int x = 0; x < m.cols; ++x) {
          const int a = s[x][3];
          for (int c = 0; c < 3; ++c)
            d[x][c] = static_cast<uchar>((s[x][c] * a + 255 * (255 - a) + 127) / 255);
        }
      }
      break;
    }
    default:
      return Internal("input.internal", "The decoder returned an image with " +
                                            std::to_string(m.channels()) +
                                            " channels, which this server cannot convert");
  }
  return out;
}

bool IsTextByte(unsigned char c) {
  return (c >= 0x20 && c < 0x7F) || c == '\t' || c == '\r' || c == '\n';
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// "scheme://" per RFC 3986 (letter, then letters, digits, + - .).
bool HasUrlScheme(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  size_t i = 1;
  while (
      i < s.size() && i < 40 &&
      (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
    ++i;
  return s.substr(i, 3) == "://";
}

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Both alphabets at once: '+' and '-' are 62, '/' and '_' are 63; -1 = not base64.
constexpr std::array<int8_t, 256> kBase64Table = [] {
  std::array<int8_t, 256> t{};
  t.fill(-1);
  for (int i = 0; i < 26; ++i) t['A' + i] = static_cast<int8_t>(i);
  for (int i = 0; i < 26; ++i) t['a' + i] = static_cast<int8_t>(26 + i);
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<int8_t>(52 + i);
  t['+'] = t['-'] = 62;
  t['/'] = t['_'] = 63;
  return t;
}();

int Base64Value(unsigned char c) {
  return kBase64Table[c];
}

Status BadBase64(const std::string& detail) {
  return InvalidArgument("image.bad_base64",
                         "The image text is not valid base64 (" + detail +
                             "): send the file's bytes base64-encoded (optionally as a "
                             "data:image/jpeg;base64,... URL), an http(s) URL, or the file itself");
}

}  // namespace

const char* ImageFormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return "jpeg";
    case ImageFormat::kPng:
      return "png";
    case ImageFormat::kWebp:
      return "webp";
    case ImageFormat::kBmp:
      return "bmp";
    case ImageFormat::kUnknown:
      break;
  }
  return "unknown";
}

const char* SourceKindName(SourceKind kind) {
  switch (kind) {
    case SourceKind::kBytes:
      return "bytes";
    case SourceKind::kBase64:
      return "base64";
    case SourceKind::kDataUrl:
      return "data_url";
    case SourceKind::kUrl:
      return "url";
  }
  return "unknown";
}

InputPolicy InputPolicy::FromConfig(const Config& config) {
  InputPolicy p;
  p.max_bytes = config.max_image_bytes;
  p.max_pixels = config.max_image_pixels;
  p.url_timeout_ms = config.url_timeout_ms;
  p.url_connect_timeout_ms = std::min(p.url_connect_timeout_ms, config.url_timeout_ms);
  p.allow_private_urls = config.allow_private_urls;
  return p;
}

Result<ImageHeader> ReadImageHeader(std::string_view bytes) {
  if (bytes.empty()) {
    return InvalidArgument("image.empty",
                           std::string("The image is empty (0 bytes): ") + kWhatToSend);
  }
  const std::string kind = internal::DescribeContent(bytes);
  if (kind == internal::kJpegName) return ParseJpeg(bytes);
  if (kind == internal::kPngName) return ParsePng(bytes);
  if (kind == internal::kWebpName) return ParseWebp(bytes);
  if (kind == internal::kBmpName) return ParseBmp(bytes);
  if (!kind.empty()) {
    return Unsupported("image.unsupported_format",
                       "This is " + kind + ", not a supported image format: " + kWhatToSend);
  }
  return NotAnImage();
}

Result<Image> DecodeImageBytes(std::string_view bytes, const InputPolicy& policy) {
  const auto size = static_cast<int64_t>(bytes.size());
  if (size > policy.max_bytes) {
    return ResourceExhausted(
        "image.too_large", "The image is " + HumanBytes(size) + ", over the " +
                               HumanBytes(policy.max_bytes) + " limit: send a JPEG or PNG under " +
                               HumanBytes(policy.max_bytes) + " (resize or recompress it)");
  }
  EKYC_ASSIGN_OR_RETURN(ImageHeader header, ReadImageHeader(bytes));
  const int64_t pixels = int64_t{header.width} * header.height;
  if (pixels > policy.max_pixels) {
    return ResourceExhausted(
        "image.too_many_pixels",
        "The image is " + std::to_string(header.width) + "x" + std::to_string(header.height) +
            " pixels (" + Fmt1(Megapixels(pixels)) + " MP), over the " +
            Fmt1(Megapixels(policy.max_pixels)) +
            " MP limit: resize it (about 2000-4000 px on the long side is plenty)");
  }
  // JPEG: IMREAD_COLOR makes OpenCV (>= 3.1, checked for 4.6 by a test) apply the EXIF
  // orientation. PNG/WebP keep alpha for compositing; BMP drops its often-unused 4th byte.
  int flags = cv::IMREAD_COLOR;
  if (header.format == ImageFormat::kPng || header.format == ImageFormat::kWebp) {
    flags = cv::IMREAD_UNCHANGED;
  }
  cv::Mat decoded;
  try {
    const cv::Mat buf(1, static_cast<int>(bytes.size()), CV_8U,
                      const_cast<char*>(bytes.data()));  // imdecode only reads it
    decoded = cv::imdecode(buf, flags);
  } catch (const cv::Exception& e) {
    return Corrupt(ImageFormatName(header.format), "the decoder rejected it");
  }
  if (decoded.empty()) return Corrupt(ImageFormatName(header.format), "the decoder rejected it");
  EKYC_ASSIGN_OR_RETURN(cv::Mat bgr, ToBgr8(decoded));
  Image image;
  image.bgr = std::move(bgr);
  image.info.format = header.format;
  image.info.width = header.width;
  image.info.height = header.height;
  image.info.encoded_bytes = size;
  image.info.source = SourceKind::kBytes;
  return image;
}

Result<std::string> DecodeBase64(std::string_view text, int64_t max_decoded_bytes) {
  std::string_view payload = TrimAscii(text);
  if (StartsWithNoCase(payload, "data:")) {
    const size_t comma = payload.find(',');
    if (comma == std::string_view::npos)
      return BadBase64("the data: URL has no comma before the data");
    std::string_view meta = payload.substr(5, comma - 5);
    if (!(meta.size() >= 7 && StartsWithNoCase(meta.substr(meta.size() - 7), ";base64"))) {
      return BadBase64("the data: URL is not marked ;base64");
    }
    payload = payload.substr(comma + 1);
  }
  // First pass validates and counts, so the size limit is checked before allocating.
  int64_t digits = 0, padding = 0;
  for (size_t i = 0; i < payload.size(); ++i) {
    const auto c = static_cast<unsigned char>(payload[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (Base64Value(c) < 0) {
      std::string shown = (c >= 0x20 && c < 0x7F) ? std::string("'") + static_cast<char>(c) + "'"
                                                  : "byte " + std::to_string(c);
      return BadBase64(shown + " at position " + std::to_string(i) + " is not a base64 character");
    }
    if (padding > 0) return BadBase64("data continues after '=' padding");
    ++digits;
  }
  if (digits == 0) {
    return InvalidArgument("image.empty",
                           std::string("The base64 image text is empty: ") + kWhatToSend);
  }
  if (padding > 2 || digits % 4 == 1 || (padding > 0 && (digits + padding) % 4 != 0)) {
    return BadBase64("its length is not a whole number of base64 groups; it may be cut off");
  }
  const int64_t decoded_size = digits / 4 * 3 + (digits % 4 == 0 ? 0 : digits % 4 - 1);
  if (decoded_size > max_decoded_bytes) {
    return ResourceExhausted(
        "image.too_large", "The image is " + HumanBytes(decoded_size) + ", over the " +
                               HumanBytes(max_decoded_bytes) + " limit: send a JPEG or PNG under " +
                               HumanBytes(max_decoded_bytes) + " (resize or recompress it)");
  }
  std::string out;
  out.reserve(static_cast<size_t>(decoded_size));
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : payload) {
    const int v = Base64Value(c);
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

Result<Image> LoadImage(std::string_view content, const InputPolicy& policy) {
  if (content.empty()) {
    return InvalidArgument("image.empty", std::string("The image field is empty: ") + kWhatToSend +
                                              ", its base64 text, or an http(s) URL to one");
  }
  // Base64 and URLs are printable ASCII throughout; anything else is a file. The first 4 KiB
  // decide (a stray byte further on makes base64 decoding fail with its position).
  const size_t probe = std::min<size_t>(content.size(), 4096);
  const bool is_text =
      std::all_of(content.begin(), content.begin() + static_cast<std::ptrdiff_t>(probe),
                  [](char c) { return IsTextByte(static_cast<unsigned char>(c)); });
  if (!is_text) return DecodeImageBytes(content, policy);

  const std::string_view text = TrimAscii(content);
  if (text.empty()) {
    return InvalidArgument("image.empty", std::string("The image field holds only whitespace: ") +
                                              kWhatToSend + ", its base64 text, or an http(s) URL");
  }
  if (StartsWithNoCase(text, "http://") || StartsWithNoCase(text, "https://")) {
    EKYC_ASSIGN_OR_RETURN(std::string body, FetchUrl(text, policy));
    auto image = DecodeImageBytes(body, policy);
    if (!image.ok()) return image.status().WithContext("The image URL's content");
    image->info.source = SourceKind::kUrl;
    return image;
  }
  if (HasUrlScheme(text)) {
    return InvalidArgument("url.bad_scheme",
                           "Only http:// and https:// image URLs are accepted (got " +
                               std::string(text.substr(0, text.find(':'))) +
                               "://): use an http(s) URL or send the image itself");
  }
  // Text file formats (HTML, SVG, XML, a PDF header) get named. Magics made only of base64
  // characters ("GIF89a", "MZ", "OggS") are ambiguous in pure text and left to base64.
  if (Base64Value(static_cast<unsigned char>(text.front())) < 0 &&
      !internal::DescribeContent(text).empty()) {
    return DecodeImageBytes(text, policy);
  }
  const bool data_url = StartsWithNoCase(text, "data:");
  auto bytes = DecodeBase64(text, policy.max_bytes);
  if (!bytes.ok()) {
    // Broken base64 gets its position; any other text (a text file uploaded as the image, a
    // note typed into the field) is named for what it is.
    if (data_url || bytes.status().reason() != "image.bad_base64" || LooksLikeBase64(text))
      return bytes.status();
    return TextNotImage("");
  }
  auto image = DecodeImageBytes(*bytes, policy);
  if (!image.ok()) {
    if (image.status().reason() == "image.not_an_image" && !data_url)
      return TextNotImage(", and decoded as base64 it is not an image either");
    return image.status().WithContext("The base64-decoded data");
  }
  image->info.source = data_url ? SourceKind::kDataUrl : SourceKind::kBase64;
  return image;
}

}  // namespace ekyc::input
