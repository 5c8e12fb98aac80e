// Decoding the DG2 portrait. The image's own header is read first (JPEG through the input
// module's header reader; JPEG 2000 boxes and the codestream's SIZ marker here) so a forged size
// is refused before a decoder allocates its pixels, and the bytes must be of the declared format
// only, so OpenCV's decoder choice (by signature) cannot hand them to another parser.
#include <opencv2/imgcodecs.hpp>

#include "chip/chip.h"
#include "input/input.h"

namespace ekyc::chip {
namespace {

uint32_t Be32(std::string_view s, size_t at) {
  return (uint32_t(uint8_t(s[at])) << 24) | (uint32_t(uint8_t(s[at + 1])) << 16) |
         (uint32_t(uint8_t(s[at + 2])) << 8) | uint32_t(uint8_t(s[at + 3]));
}
uint16_t Be16(std::string_view s, size_t at) {
  return static_cast<uint16_t>((uint8_t(s[at]) << 8) | uint8_t(s[at + 1]));
}

Status Undecodable(const std::string& why) {
  return InvalidArgument("chip.dg2_undecodable", "DG2 portrait: " + why);
}

struct Size {
  int64_t width = 0, height = 0, components = 0;
};

// SIZ marker of a JPEG 2000 codestream (ISO/IEC 15444-1 A.5.1): FF4F FF51 Lsiz Rsiz Xsiz Ysiz
// XOsiz YOsiz XTsiz YTsiz XTOsiz YTOsiz Csiz.
Result<Size> CodestreamSize(std::string_view cs) {
  if (cs.size() < 4 + 2 + 2 + 8 * 4 + 2)
    return Undecodable("JPEG 2000 codestream header truncated");
  if (uint8_t(cs[0]) != 0xFF || uint8_t(cs[1]) != 0x4F || uint8_t(cs[2]) != 0xFF ||
      uint8_t(cs[3]) != 0x51)
    return Undecodable("JPEG 2000 codestream does not start with SOC, SIZ");
  const uint32_t x = Be32(cs, 8), y = Be32(cs, 12), x0 = Be32(cs, 16), y0 = Be32(cs, 20);
  if (x <= x0 || y <= y0) return Undecodable("JPEG 2000 image area is empty");
  return Size{int64_t(x) - x0, int64_t(y) - y0, Be16(cs, 40)};
}

// A JP2 file: boxes [length(4) type(4) data], the first one the JPEG 2000 signature box
// (ISO/IEC 15444-1 I.5.1); the codestream is the 'jp2c' box.
Result<Size> Jp2Size(std::string_view f) {
  static constexpr std::string_view kSignatureBox(
      "\x00\x00\x00\x0C\x6A\x50\x20\x20\x0D\x0A\x87\x0A", 12);
  if (f.substr(0, kSignatureBox.size()) != kSignatureBox)
    return Undecodable("JPEG 2000 file does not start with its signature box");
  size_t at = 0;
  int boxes = 0;
  while (at + 8 <= f.size() && boxes++ < 64) {
    uint64_t len = Be32(f, at);
    std::string_view type = f.substr(at + 4, 4);
    size_t header = 8;
    if (len == 1) {  // 64-bit length
      if (at + 16 > f.size()) return Undecodable("JPEG 2000 box header truncated");
      len = (uint64_t(Be32(f, at + 8)) << 32) | Be32(f, at + 12);
      header = 16;
    } else if (len == 0) {
      len = f.size() - at;  // to the end of the file
    }
    if (len < header || len > f.size() - at) return Undecodable("JPEG 2000 box runs past the end");
    if (type == "jp2c") return CodestreamSize(f.substr(at + header, len - header));
    at += len;
  }
  return Undecodable("JPEG 2000 file without a codestream box");
}

// cv::imdecode gives the bytes to the first decoder whose signature they carry. Every decoder
// OpenCV 4.6 tries before its JPEG 2000 ones checks a prefix that JPEG 2000 data cannot have,
// except the DICOM reader (GDCM), which looks for "DICM" at offset 128: JPEG 2000 data with those
// bytes there would be parsed as DICOM, a large parser the portrait has no business reaching (it
// allocates whatever length the data claims). Such data are refused; a genuine JPEG 2000 file has
// them there only by a one-in-four-billion coincidence.
bool AnotherDecoderWouldClaim(std::string_view image) {
  return image.size() >= 132 && image.substr(128, 4) == "DICM";
}

}  // namespace

Result<cv::Mat> DecodePortrait(const Dg2& dg2, const Limits& limits) {
  Size size;
  if (dg2.kind == ImageKind::kJpeg) {
    auto h = input::ReadImageHeader(dg2.image);
    if (!h.ok()) return Undecodable(h.status().message());
    if (h->format != input::ImageFormat::kJpeg)
      return Undecodable("the image declared JPEG is of another format");
    size = {h->width, h->height, 3};
  } else {
    auto s = dg2.kind == ImageKind::kJpeg2000 ? Jp2Size(dg2.image) : CodestreamSize(dg2.image);
    if (!s.ok()) return s.status();
    size = *s;
    if (size.components < 1 || size.components > 4)
      return Undecodable("JPEG 2000 image with " + std::to_string(size.components) + " components");
    if (AnotherDecoderWouldClaim(dg2.image))
      return Undecodable("JPEG 2000 data carrying another format's signature");
  }
  if (size.width <= 0 || size.height <= 0) return Undecodable("image without pixels");
  if (size.width * size.height > limits.max_portrait_pixels) {
    return InvalidArgument("chip.dg2_too_many_pixels",
                           "DG2 portrait of " + std::to_string(size.width) + "x" +
                               std::to_string(size.height) + " pixels is over the limit");
  }
  std::vector<uchar> buf(dg2.image.begin(), dg2.image.end());
  cv::Mat bgr;
  try {
    bgr = cv::imdecode(buf, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    return Undecodable(std::string("decoder error: ") + e.what());
  }
  if (bgr.empty())
    return Undecodable(std::string("the ") + ImageKindName(dg2.kind) + " image does not decode");
  return bgr;
}

}  // namespace ekyc::chip
