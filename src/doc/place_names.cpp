#include "doc/place_names.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <map>
#include <set>

#include "doc/text.h"

namespace ekyc::doc {

namespace {

// A matched unit's name may take the official spelling when its letters differ by this many edits,
// if it is long enough (folded letters) that one edit cannot turn it into another plausible name.
constexpr int kMatchedUnitLetterEdits = 1;
constexpr size_t kMinLettersForEdits = 5;

// The unit of `units` with `code`; nullptr when none.
const vn::Unit* ByCode(const std::vector<vn::Unit>& units, int code) {
  if (code < 0) return nullptr;
  for (const vn::Unit& u : units)
    if (u.code == code) return &u;
  return nullptr;
}

// Type words that open a unit's part of an address, folded, with their spelling: two-word types
// first.
const std::map<std::string, std::string>& TwoWordTypes() {
  static const std::map<std::string, std::string> k = {{"THANHPHO", "thành phố"},
                                                       {"THIXA", "thị xã"},
                                                       {"THITRAN", "thị trấn"},
                                                       {"DACKHU", "đặc khu"}};
  return k;
}
const std::map<std::string, std::string>& OneWordTypes() {
  static const std::map<std::string, std::string> k = {{"TINH", "tỉnh"},     {"TP", ""},
                                                       {"QUAN", "quận"},     {"HUYEN", "huyện"},
                                                       {"PHUONG", "phường"}, {"XA", "xã"}};
  return k;
}

// Every word capitalised ("Na Ư", "Ái Tử"), or every word in capitals ("ÁI TỬ").
bool CaseConsistent(const std::string& name) {
  bool all_title = true, all_upper = true;
  for (const std::string& w : Split(name, ' ')) {
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(w);
    for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1)) {
      const UChar32 c = u.char32At(i);
      if (!u_isalpha(c)) continue;
      if (u_islower(c)) all_upper = false;
      if (i == 0 ? u_islower(c) : u_isupper(c)) all_title = false;
    }
  }
  return all_title || all_upper;
}

// The type words `words[0..n)` spelled as the type `spelling` (its words in order), each in its
// printed case; "" spelling (an abbreviation) keeps them as read.
std::string SpellType(const std::vector<std::string>& words, size_t n,
                      const std::string& spelling) {
  const std::vector<std::string> official = Split(spelling, ' ');
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (!out.empty()) out += ' ';
    out += spelling.empty() || official.size() != n ? words[i] : InCaseOf(words[i], official[i]);
  }
  return out;
}

// One comma part respelled (see RespellUnits); `part` without the comma. `letter_edits`: letters
// the name may differ by (after folding) and still take the official spelling.
std::string RespellPart(const std::string& part, const std::vector<std::string>& names,
                        int letter_edits) {
  const std::vector<std::string> words = Split(CollapseSpaces(Trim(part)), ' ');
  size_t skip = 0;
  std::string type_spelling;
  if (words.size() > 2 && TwoWordTypes().count(FoldLetters(words[0] + words[1]))) {
    skip = 2;
    type_spelling = TwoWordTypes().at(FoldLetters(words[0] + words[1]));
  } else if (words.size() > 1 && OneWordTypes().count(FoldLetters(words[0]))) {
    skip = 1;
    type_spelling = OneWordTypes().at(FoldLetters(words[0]));
  }
  std::string name;
  for (size_t i = skip; i < words.size(); ++i) name += (name.empty() ? "" : " ") + words[i];
  const std::string type = SpellType(words, skip, type_spelling);
  const std::string letters = FoldLetters(name);
  if (letters.empty()) return part;
  // Names with the part's letters; the part is kept when it spells one of them (either tone
  // placement), and respelled only when exactly one has its letters. A unit the normaliser
  // matched may also differ by `letter_edits` letters (a glyph dropped, doubled or misread):
  // the normaliser found no closer unit, so the printed name is the official one.
  const std::string read_upper = vn::TextTools::Upper(name);
  std::set<std::string> same_letters;
  std::string spelled;
  for (const std::string& official : names) {
    const std::string official_letters = FoldLetters(official);
    if (official_letters != letters && (official_letters.size() < kMinLettersForEdits ||
                                        EditDistance(official_letters, letters) > letter_edits))
      continue;
    const std::string upper = vn::TextTools::Upper(official);
    if (read_upper == upper || read_upper == OtherTonePlacement(upper)) {
      // Spelled right: kept as printed, unless its case is mixed within a word ("ÁI Tử").
      spelled = CaseConsistent(name) || read_upper != upper ? name : official;
      break;
    }
    same_letters.insert(official);
  }
  if (spelled.empty()) {
    if (same_letters.size() != 1) return part;
    const std::string& official = *same_letters.begin();
    spelled = MostlyUppercase(name) ? vn::TextTools::Upper(official) : official;
  }
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
    out += unit.empty() ? parts[i] : RespellPart(parts[i], {unit}, kMatchedUnitLetterEdits);
  }
  return out;
}

std::string RespellAsOneOf(const std::string& text, const std::vector<std::string>& names) {
  return RespellPart(text, names, 0);
}

}  // namespace ekyc::doc
