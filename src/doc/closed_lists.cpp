#include "doc/closed_lists.h"

#include <map>

#include "doc/text.h"
#include "vn/vn.h"

namespace ekyc::doc {

namespace {

// A value this many folded letters long or more may be one letter off an entry.
constexpr size_t kMinLettersForEdit = 4;

// The 54 groups in the statistics office's order, then printed variants of their names.
constexpr const char* kEthnicGroups[] = {
    "Kinh", "Tày", "Thái", "Hoa", "Khơ-me", "Mường", "Nùng", "Hmông", "Dao", "Gia-rai", "Ngái",
    "Ê-đê", "Ba-na", "Xơ-đăng", "Sán Chay", "Cơ-ho", "Chăm", "Sán Dìu", "Hrê", "Mnông", "Ra-glai",
    "Xtiêng", "Bru-Vân Kiều", "Thổ", "Giáy", "Cơ-tu", "Gié-Triêng", "Mạ", "Khơ-mú", "Co", "Tà-ôi",
    "Chơ-ro", "Kháng", "Xinh-mun", "Hà Nhì", "Chu-ru", "Lào", "La Chí", "La Ha", "Phù Lá", "La Hủ",
    "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn", "Cờ Lao", "Cống", "Bố Y", "Si La", "Pu Péo", "Brâu",
    "Ơ-đu", "Rơ-măm",
    // variants
    "Mông", "H'Mông", "Khmer", "Stiêng", "Raglay", "Giẻ Triêng", "Co Lao", "Ê Đê", "Ba Na",
    "Gia Rai", "Xơ Đăng", "Cơ Ho", "Cơ Tu", "Tà Ôi", "Chơ Ro", "Chu Ru", "Khơ Mú", "Xinh Mun"};

// The religions the state recognises, in the forms cards print, and "none".
constexpr const char* kReligions[] = {"Không",
                                      "Phật giáo",
                                      "Công giáo",
                                      "Thiên chúa giáo",
                                      "Tin lành",
                                      "Cao đài",
                                      "Hòa hảo",
                                      "Phật giáo Hòa Hảo",
                                      "Hồi giáo",
                                      "Bà-la-môn",
                                      "Tịnh độ cư sĩ Phật hội Việt Nam",
                                      "Bửu sơn kỳ hương",
                                      "Minh sư đạo",
                                      "Minh lý đạo",
                                      "Tứ ân hiếu nghĩa",
                                      "Baha'i",
                                      "Cơ đốc Phục lâm",
                                      "Mặc môn"};

template <size_t N>
std::string RespellFrom(const std::string& value, const char* const (&list)[N]) {
  const std::string letters = FoldLetters(value);
  if (letters.empty()) return value;
  const std::string upper = vn::TextTools::Upper(CollapseSpaces(Trim(value)));
  // The first entry with the value's letters; else the first spelling of each other set of
  // letters one edit away (variants of one name share their letters).
  const char* same = nullptr;
  std::map<std::string, const char*> near;
  for (const char* entry : list) {
    const std::string key = FoldLetters(entry);
    if (key == letters) {
      if (vn::TextTools::Upper(entry) == upper) return value;
      if (same == nullptr) same = entry;
    } else if (letters.size() >= kMinLettersForEdit && EditDistance(key, letters) == 1) {
      near.emplace(key, entry);
    }
  }
  const char* pick = same != nullptr ? same : near.size() == 1 ? near.begin()->second : nullptr;
  if (pick == nullptr) return value;
  return MostlyUppercase(value) ? vn::TextTools::Upper(pick) : std::string(pick);
}

}  // namespace

std::string RespellEthnicGroup(const std::string& value) {
  return RespellFrom(value, kEthnicGroups);
}

std::string RespellReligion(const std::string& value) {
  return RespellFrom(value, kReligions);
}

}  // namespace ekyc::doc
