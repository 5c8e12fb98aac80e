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
  // Names with the part's letters; the part is kept when it spells one of them (either tone
  // placement), and respelled only when exactly one has its letters.
  const std::string read_upper = vn::TextTools::Upper(name);
  std::set<std::string> same_letters;
  for (const std::string& official : names) {
    if (FoldLetters(official) != letters) continue;
    const std::string upper = vn::TextTools::Upper(official);
    if (read_upper == upper || read_upper == OtherTonePlacement(upper)) return part;
    same_letters.insert(official);
  }
  if (same_letters.size() != 1) return part;
  const std::string& official = *same_letters.begin();
  const std::string spelled = MostlyUppercase(name) ? vn::TextTools::Upper(official) : official;
  // Keep the part's leading space (after its comma).
  const std::string lead = part.substr(0, part.find_first_not_of(' '));
  return lead + (type.empty() ? spelled : type + " " + spelled);
}

}  // namespace

std::vector<std::string> MatchedUnitNames(const vn::AdminIndex& index,
                                          const vn::NormalizedAddress& address) {
  auto name = [](const vn::Unit* u) { return u != nullptr ? u->name : std::string(); };
  if (address.scheme == vn::AddressScheme::kOld3Level) {
    return {name(ByCode(index.old_communes, address.xa.code)),
            name(ByCode(index.old_districts, address.huyen.code)),
            name(ByCode(index.old_provinces, address.tinh.code))};
  }
  if (address.scheme == vn::AddressScheme::kNew2Level) {
    return {name(ByCode(index.new_communes, address.xa.code)),
            name(ByCode(index.new_provinces, address.tinh.code))};
  }
  return {};
}

std::string RespellUnits(const std::string& value, const std::vector<std::string>& units) {
  if (units.empty()) return value;
  const std::vector<std::string> parts = Split(value, ',');
  // The units are the address's last parts, in its order: the last part is the province's.
  // Each part is compared with its own level's unit only (a commune and its district can share
  // letters: "Thị trấn Cẩm Giang, Huyện Cẩm Giàng"); a street before them is not touched.
  const size_t first_unit = parts.size() > units.size() ? parts.size() - units.size() : 0;
  const size_t first_name = units.size() > parts.size() ? units.size() - parts.size() : 0;
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ',';
    const std::string& unit = i >= first_unit ? units[first_name + i - first_unit] : "";
    out += unit.empty() ? parts[i] : RespellPart(parts[i], {unit});
  }
  return out;
}

std::string RespellAsOneOf(const std::string& text, const std::vector<std::string>& names) {
  return RespellPart(text, names);
}

}  // namespace ekyc::doc
