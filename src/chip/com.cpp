// EF.COM: LDS version, Unicode version and the list of data group tags present. The SOD does not
// sign it, so it is only compared with the SOD's list, never trusted.
#include "chip/chip.h"
#include "chip/lds.h"
#include "chip/tlv.h"

namespace ekyc::chip {

Result<Com> ParseCom(std::string_view bytes, const Limits& limits) {
  constexpr const char* kWhat = "com";
  if (bytes.size() > limits.max_com)
    return InvalidArgument("chip.com_too_large",
                           "COM is larger than " + std::to_string(limits.max_com) + " bytes");
  EKYC_ASSIGN_OR_RETURN(Tlv root, ReadSingle(bytes, kTagCom, kWhat));
  EKYC_ASSIGN_OR_RETURN(auto kids, Children(root, kWhat, 16));
  Com com;
  for (const auto& k : kids) {
    if (k.tag == 0x5F01) {
      com.lds_version = std::string(k.value);
    } else if (k.tag == 0x5F36) {
      com.unicode_version = std::string(k.value);
    } else if (k.tag == 0x5C) {
      for (unsigned char c : k.value) {
        int dg = DgOfTag(c);
        if (dg == 0) return Malformed(kWhat, "tag list names " + TagName(c) + ", not a data group");
        com.data_groups.push_back(dg);
      }
    }
  }
  for (char c : com.lds_version + com.unicode_version)
    if (c < '0' || c > '9') return Malformed(kWhat, "version is not digits");
  if (com.lds_version.size() != 4 || com.unicode_version.size() != 6)
    return Malformed(kWhat, "LDS version (4 digits) or Unicode version (6 digits) missing");
  return com;
}

}  // namespace ekyc::chip
