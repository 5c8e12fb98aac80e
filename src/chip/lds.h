// ICAO 9303-10 file tags of the LDS (internal).
#pragma once

#include <cstdint>
#include <string>

namespace ekyc::chip {

inline constexpr uint32_t kTagCom = 0x60;
inline constexpr uint32_t kTagSod = 0x77;
inline constexpr int kComNumber = 0;    // MaxBytesFor(): EF.COM
inline constexpr int kSodNumber = 100;  // MaxBytesFor(): EF.SOD

// The tag that opens data group `dg` (1..16); 0 for other numbers.
uint32_t DgTag(int dg);
// The data group a file tag opens (0x61 -> 1); 0 when it is not a data group tag.
int DgOfTag(uint32_t tag);
// "DG13"; "COM", "SOD" for 0 and 100.
std::string FileName(int dg);

}  // namespace ekyc::chip
