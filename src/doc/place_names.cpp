#include "doc/place_names.h"

#include <set>

#include "doc/text.h"

namespace ekyc::doc {

namespace {

// The unit of `units` with `code`; nullptr when none.
const vn::Unit* ByCode(const std::vector<vn::Unit>& units, int code) {
  if (code < 0) return nullptr;
  for (const vn::Unit& u : units)
    if (u.code == code) return &u;
  return nullptr;
}

// Type words that open a unit's part of an address, folded: two-word types first.
const std::set<std::string>& TwoWordTypes() {
  static const std::set<std::string> k = {"THANHPHO", "THIXA", "THITRAN", "DACKHU"};
  return k;
}
const std::set<std::string>& OneWordTypes() {
  static const std::set<std::string> k = {"TINH", "TP", "QUAN", "HUYEN", "PHUONG", "XA"};
  return k;
}

// One comma part respelled (see RespellUnits); `part` without the comma.
std::string RespellPart(const std::string& part, const std::vector<std::string>& names) {
  const std::vector<std::string> words = Split(CollapseSpaces(Trim(part)), ' ');
  size_t skip = 0;
  if (words.size() > 2 && TwoWordTypes().count(FoldLetters(words[0] + words[1])))
    skip = 2;
  else if (words.size() > 1 && OneWordTypes().count(FoldLetters(words[0])))
    skip = 1;
  std::string type, name;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string& to = i < skip ? type : name;
    if (!to.empty()) to += ' ';
    to += words[i];
  }
  const std::string letters = FoldLetters(name);
  if (letters.empty()) return part;
  for (const std::string& official : names) {
    if (FoldLetters(official) != letters) continue;
    const std::string read_upper = vn::TextTools::Upper(name);
    const std::string upper = vn::TextTools::Upper(official);
    if (read_upper == upper || read_upper == OtherTonePlacement(upper)) return part;
    const std::string spelled = MostlyUppercase(name) ? upper : official;
    // Keep the part's leading space (after its comma).
    const std::string lead = part.substr(0, part.find_first_not_of(' '));
    return lead + (type.empty() ? spelled : type + " " + spelled);
  }
  return part;
}

}  // namespace

std::vector<std::string> MatchedUnitNames(const vn::AdminIndex& index,
                                          const vn::NormalizedAddress& address) {
  std::vector<const vn::Unit*> units;
  if (address.scheme == vn::AddressScheme::kOld3Level) {
    units = {ByCode(index.old_provinces, address.tinh.code),
             ByCode(index.old_districts, address.huyen.code),
             ByCode(index.old_communes, address.xa.code)};
  } else if (address.scheme == vn::AddressScheme::kNew2Level) {
    units = {ByCode(index.new_provinces, address.tinh.code),
             ByCode(index.new_communes, address.xa.code)};
  }
  std::vector<std::string> names;
  for (const vn::Unit* u : units)
    if (u != nullptr) names.push_back(u->name);
  return names;
}

std::string RespellUnits(const std::string& value, const std::vector<std::string>& names) {
  if (names.empty()) return value;
  const std::vector<std::string> parts = Split(value, ',');
  // Units are the address's last parts (commune, district, province); a street before them keeps
  // its spelling even when a unit shares its letters.
  const size_t first_unit = parts.size() > names.size() ? parts.size() - names.size() : 0;
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ',';
    out += i >= first_unit ? RespellPart(parts[i], names) : parts[i];
  }
  return out;
}

}  // namespace ekyc::doc
