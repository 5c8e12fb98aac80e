// DG1: the MRZ exactly as printed on the document (ICAO 9303-10, tag 0x61 / 0x5F1F).
#include "chip/chip.h"
#include "chip/tlv.h"

namespace ekyc::chip {

Result<Dg1> ParseDg1(std::string_view bytes, const Limits& limits) {
  constexpr const char* kWhat = "dg1";
  if (bytes.size() > limits.max_dg1)
    return InvalidArgument("chip.dg1_too_large",
                           "DG1 is larger than " + std::to_string(limits.max_dg1) + " bytes");
  EKYC_ASSIGN_OR_RETURN(Tlv root, ReadSingle(bytes, 0x61, kWhat));
  EKYC_ASSIGN_OR_RETURN(auto kids, Children(root, kWhat, 4));
  EKYC_ASSIGN_OR_RETURN(Tlv mrz, FindChild(kids, 0x5F1F, kWhat));
  Dg1 d;
  d.mrz = std::string(mrz.value);
  for (char c : d.mrz) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '<'))
      return Malformed(kWhat, "the MRZ holds a character outside A-Z, 0-9 and '<'");
  }
  size_t width = 0;
  if (d.mrz.size() == 90) {
    width = 30;  // TD1: ID cards
  } else if (d.mrz.size() == 88) {
    width = 44;  // TD3: passports
  } else if (d.mrz.size() == 72) {
    width = 36;  // TD2
  } else {
    return Malformed(
        kWhat, "MRZ of " + std::to_string(d.mrz.size()) + " characters (TD1 90, TD2 72, TD3 88)");
  }
  for (size_t i = 0; i < d.mrz.size(); i += width) d.lines.push_back(d.mrz.substr(i, width));
  return d;
}

}  // namespace ekyc::chip
