// Size limits and the LDS file tags.
#include "chip/chip.h"
#include "chip/lds.h"

namespace ekyc::chip {

const Limits& DefaultLimits() {
  static const Limits kLimits;
  return kLimits;
}

size_t MaxBytesFor(int dg, const Limits& limits) {
  switch (dg) {
    case kComNumber:
      return limits.max_com;
    case kSodNumber:
      return limits.max_sod;
    case 1:
      return limits.max_dg1;
    case 2:
      return limits.max_dg2;
    case 13:
      return limits.max_dg13;
    case 14:
      return limits.max_dg14;
    case 15:
      return limits.max_dg15;
    default:
      return limits.max_other_dg;
  }
}

namespace {
// ICAO 9303-10 table of EF tags, DG1..DG16.
constexpr uint32_t kDgTags[17] = {0,    0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68,
                                  0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70};
}  // namespace

uint32_t DgTag(int dg) {
  return dg >= 1 && dg <= 16 ? kDgTags[dg] : 0;
}

int DgOfTag(uint32_t tag) {
  for (int dg = 1; dg <= 16; ++dg)
    if (kDgTags[dg] == tag) return dg;
  return 0;
}

std::string FileName(int dg) {
  if (dg == kComNumber) return "COM";
  if (dg == kSodNumber) return "SOD";
  return "DG" + std::to_string(dg);
}

}  // namespace ekyc::chip
