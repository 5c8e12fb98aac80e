// DG2: the holder's portrait. ICAO 9303-10 wraps an ISO/IEC 19794-5 (2005, version "010") facial
// record in a CBEFF biometric information template; the image inside is JPEG or JPEG 2000.
#include <cstring>

#include "chip/chip.h"
#include "chip/tlv.h"

namespace ekyc::chip {
namespace {

constexpr const char* kWhat = "dg2";

uint32_t Be32(std::string_view s, size_t at) {
  return (uint32_t(uint8_t(s[at])) << 24) | (uint32_t(uint8_t(s[at + 1])) << 16) |
         (uint32_t(uint8_t(s[at + 2])) << 8) | uint32_t(uint8_t(s[at + 3]));
}
uint16_t Be16(std::string_view s, size_t at) {
  return static_cast<uint16_t>((uint8_t(s[at]) << 8) | uint8_t(s[at + 1]));
}

// ISO/IEC 19794-5:2005 sizes.
constexpr size_t kGeneralHeader = 14;  // 'FAC\0', version, record length, number of images
constexpr size_t kFacialHeader = 20;   // block length ... pose angle uncertainty
constexpr size_t kFeaturePoint = 8;
constexpr size_t kImageInfo = 12;  // image type, data type, width, height, ...

Result<Dg2> ParseFacialRecord(std::string_view rec, Dg2 d) {
  if (rec.size() < kGeneralHeader + kFacialHeader + kImageInfo)
    return Malformed(kWhat, "facial record shorter than its fixed headers");
  if (std::memcmp(rec.data(), "FAC\0", 4) != 0)
    return Malformed(kWhat, "facial record does not start with 'FAC'");
  if (std::memcmp(rec.data() + 4, "010\0", 4) != 0)
    return Malformed(kWhat, "facial record version is not ISO/IEC 19794-5:2005 ('010')");
  const uint32_t record_length = Be32(rec, 8);
  if (record_length > rec.size() || record_length < kGeneralHeader + kFacialHeader + kImageInfo)
    return Malformed(kWhat, "facial record length does not fit the data block");
  if (Be16(rec, 12) < 1) return Malformed(kWhat, "facial record holds no image");
  std::string_view face = rec.substr(kGeneralHeader, record_length - kGeneralHeader);
  const uint32_t block = Be32(face, 0);
  const size_t points = Be16(face, 4);
  const size_t fixed = kFacialHeader + points * kFeaturePoint + kImageInfo;
  if (block > face.size() || block <= fixed)
    return Malformed(kWhat, "facial information block length does not fit the record");
  std::string_view info = face.substr(kFacialHeader + points * kFeaturePoint, kImageInfo);
  const auto data_type = static_cast<uint8_t>(info[1]);
  d.declared_width = Be16(info, 2);
  d.declared_height = Be16(info, 4);
  std::string_view image = face.substr(fixed, block - fixed);
  static const char kJp2Signature[] = "\x00\x00\x00\x0C\x6A\x50\x20\x20\x0D\x0A\x87\x0A";
  if (image.size() >= 3 && uint8_t(image[0]) == 0xFF && uint8_t(image[1]) == 0xD8 &&
      uint8_t(image[2]) == 0xFF) {
    d.kind = ImageKind::kJpeg;
  } else if (image.size() >= 12 && std::memcmp(image.data(), kJp2Signature, 12) == 0) {
    d.kind = ImageKind::kJpeg2000;
  } else if (image.size() >= 4 && uint8_t(image[0]) == 0xFF && uint8_t(image[1]) == 0x4F &&
             uint8_t(image[2]) == 0xFF && uint8_t(image[3]) == 0x51) {
    d.kind = ImageKind::kJpeg2000Codestream;
  } else {
    return Malformed(kWhat, "the image is neither JPEG nor JPEG 2000");
  }
  // Image data type: 0 JPEG, 1 JPEG 2000. A mismatch with the bytes is reported: the record is
  // inconsistent, and whoever made it did not follow the standard.
  const bool says_jpeg = data_type == 0;
  if (says_jpeg != (d.kind == ImageKind::kJpeg))
    return Malformed(kWhat, "the image data type does not match the image bytes");
  d.image = std::string(image);
  return d;
}

}  // namespace

const char* ImageKindName(ImageKind kind) {
  switch (kind) {
    case ImageKind::kJpeg:
      return "jpeg";
    case ImageKind::kJpeg2000:
      return "jpeg2000";
    case ImageKind::kJpeg2000Codestream:
      return "jpeg2000-codestream";
  }
  return "unknown";
}

Result<Dg2> ParseDg2(std::string_view bytes, const Limits& limits) {
  if (bytes.size() > limits.max_dg2)
    return InvalidArgument("chip.dg2_too_large",
                           "DG2 is larger than " + std::to_string(limits.max_dg2) + " bytes");
  EKYC_ASSIGN_OR_RETURN(Tlv root, ReadSingle(bytes, 0x75, kWhat));
  EKYC_ASSIGN_OR_RETURN(auto top, Children(root, kWhat, 4));
  EKYC_ASSIGN_OR_RETURN(Tlv group, FindChild(top, 0x7F61, kWhat));
  EKYC_ASSIGN_OR_RETURN(auto kids, Children(group, kWhat, 16));
  EKYC_ASSIGN_OR_RETURN(Tlv count, FindChild(kids, 0x02, kWhat));
  if (count.value.size() != 1 || uint8_t(count.value[0]) < 1)
    return Malformed(kWhat, "number of biometric instances missing or zero");
  Dg2 d;
  d.instances = uint8_t(count.value[0]);
  EKYC_ASSIGN_OR_RETURN(Tlv bit, FindChild(kids, 0x7F60, kWhat));
  EKYC_ASSIGN_OR_RETURN(auto parts, Children(bit, kWhat, 8));
  for (const auto& p : parts) {
    if (p.tag == 0x5F2E || p.tag == 0x7F2E) return ParseFacialRecord(p.value, std::move(d));
  }
  return Malformed(kWhat, "no biometric data block (0x5F2E)");
}

}  // namespace ekyc::chip
