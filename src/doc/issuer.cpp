#include "doc/issuer.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <string_view>

#include "doc/fields.h"
#include "doc/labels.h"
#include "doc/params.h"
#include "doc/text.h"
#include "vn/vn.h"

namespace ekyc::doc {

namespace {

// The national authorities, as each document type prints them.
constexpr const char* kImmigration = "CỤC QUẢN LÝ XUẤT NHẬP CẢNH";
constexpr const char* kPoliceAdministration =
    "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI";
constexpr const char* kPoliceRegistration = "CỤC TRƯỞNG CỤC CẢNH SÁT ĐKQL CƯ TRÚ VÀ DLQG VỀ DÂN CƯ";
constexpr const char* kMinistry = "BỘ CÔNG AN";
// CCCD 2016 cards name the registration department until this day (yyyymmdd), the
// administration department after it; on the day itself either may be printed.
constexpr int kRegistrationRenamed = 20181010;

// A provincial title's words: folded key (letters only) and canonical spelling.
struct Part {
  const char* key;
  const char* text;
};
constexpr const char* kTitleKey = "GIAMDOC";
constexpr const char* kTitle = "GIÁM ĐỐC";
constexpr Part kHeads[] = {{"CONGAN", "CÔNG AN"}, {"CA", "CA"}};
constexpr Part kUnits[] = {{"", ""}, {"TINH", "TỈNH"}, {"THANHPHO", "THÀNH PHỐ"}, {"TP", "TP."}};

// The text of the line under segment `si` (a two-line title's second line), its segments left to
// right; empty when there is none.
std::string NextLineText(const std::vector<Segment>& segs, int si) {
  const IssuerParams& p = kIssuer;
  const cv::Rect& title = segs[si].box;
  const int h = std::max(1, title.height);
  const int reach = static_cast<int>(p.next_line_reach * h);
  const int left = title.x - reach, right = title.br().x + reach;
  std::vector<int> parts;
  for (size_t j = 0; j < segs.size(); ++j) {
    const cv::Rect& b = segs[j].box;
    if (static_cast<int>(j) == si || b.y < title.y + h / 2 ||
        b.y > title.br().y + p.next_line_depth * h || b.br().x < left || b.x > right)
      continue;
    parts.push_back(static_cast<int>(j));
  }
  std::sort(parts.begin(), parts.end(),
            [&](int a, int b) { return segs[a].box.x < segs[b].box.x; });
  std::string text;
  for (int j : parts) {
    if (!text.empty()) text += ' ';
    text += WordsText(segs[j], 0, static_cast<int>(segs[j].words.size()));
  }
  return text;
}

// dd/mm/yyyy → yyyymmdd; 0 when not a valid date.
int DateKey(const std::string& dmy) {
  int d = 0, m = 0, y = 0;
  if (!IsValidDmy(dmy) || std::sscanf(dmy.c_str(), "%d/%d/%d", &d, &m, &y) != 3) return 0;
  return y * 10000 + m * 100 + d;
}

}  // namespace

std::string ParseProvincialIssuer(const std::string& read, const ProvinceNames& provinces) {
  const IssuerParams& p = kIssuer;
  const std::string key = FoldLetters(read);
  int best_d = INT_MAX;
  const std::string* best_province = nullptr;
  const Part* best_head = nullptr;
  const Part* best_unit = nullptr;
  bool ambiguous = false;
  for (const std::string& province : provinces) {
    const std::string pk = FoldLetters(province);
    if (pk.empty()) continue;
    const int n = static_cast<int>(pk.size());
    const int allowed = std::min(1 + n / p.province_chars_per_edit, (n - 1) / 2);
    for (const Part& head : kHeads) {
      for (const Part& unit : kUnits) {
        const int d = EditDistance(key, std::string(kTitleKey) + head.key + unit.key + pk);
        if (d > allowed || d > best_d) continue;
        if (d == best_d && best_province != nullptr) {
          if (FoldLetters(*best_province) != pk) ambiguous = true;
          continue;
        }
        best_d = d;
        best_province = &province;
        best_head = &head;
        best_unit = &unit;
        ambiguous = false;
      }
    }
  }
  if (best_province == nullptr || ambiguous) return {};
  // A title read without its province must not become one whose name looks like the title's last
  // word ("CÔNG AN" as "CA LONG AN"): the province has to explain the text clearly better.
  int title_only = INT_MAX;
  for (const Part& head : kHeads)
    for (const Part& unit : kUnits)
      title_only =
          std::min(title_only, EditDistance(key, std::string(kTitleKey) + head.key + unit.key));
  if (title_only <= best_d + 1) return {};
  const std::string official = vn::TextTools::Upper(*best_province);
  const std::string other = OtherTonePlacement(official);
  const std::string name =
      (other != official && vn::TextTools::Upper(read).find(other) != std::string::npos) ? other
                                                                                         : official;
  std::string out = std::string(kTitle) + " " + best_head->text + " ";
  if (*best_unit->text) out += std::string(best_unit->text) + " ";
  return out + name;
}

std::string FindIssuer(const std::vector<Segment>& segs, DocType type,
                       const ProvinceNames& provinces) {
  const std::string page = PageText(segs);
  if (type == DocType::kPassport) {
    // The department's distinctive words: a value read in pieces still holds them.
    return PageHas(page, "XUAT NHAP CANH") ? kImmigration : std::string();
  }
  if (PageHas(page, "QUAN LY HANH CHINH VE TRAT TU XA HOI")) return kPoliceAdministration;
  if (PageHas(page, "DKQL CU TRU VA DLQG VE DAN CU")) return kPoliceRegistration;
  if (type == DocType::kCanCuoc && PageHas(page, "BO CONG AN")) return kMinistry;
  // Provincial police director: the title, on one line or two (the province on the next).
  for (size_t i = 0; i < segs.size(); ++i) {
    Match m;
    if (!MatchIn(segs[i], static_cast<int>(i), "GIAM DOC", false, &m)) continue;
    const int first_word = segs[i].tokens[m.first_tok].word;
    const std::string text = CleanText(vn::TextTools::Upper(
        WordsText(segs[i], first_word, static_cast<int>(segs[i].words.size()))));
    const bool title_alone = EditDistance(FoldLetters(text), std::string(kTitleKey) + "CONGAN") <=
                             kIssuer.title_line_edits;
    if (!title_alone) {
      const std::string parsed = ParseProvincialIssuer(text, provinces);
      if (!parsed.empty()) return parsed;
    }
    const std::string next = NextLineText(segs, static_cast<int>(i));
    const std::string joined =
        next.empty() ? text : text + " " + CleanText(vn::TextTools::Upper(next));
    if (!next.empty()) {
      const std::string parsed = ParseProvincialIssuer(joined, provinces);
      if (!parsed.empty()) return parsed;
    }
    // Not the grammar with a listed province (cut short, or no list): as read.
    return title_alone ? joined : text;
  }
  return {};
}

std::string IssuerOfDocumentType(DocType type, const std::string& issue_dmy) {
  switch (type) {
    case DocType::kCanCuoc:
      return kMinistry;
    case DocType::kCccdChip:
      return kPoliceAdministration;
    case DocType::kCccd2016: {
      const int issued = DateKey(issue_dmy);
      if (issued == 0 || issued == kRegistrationRenamed) return {};
      return issued < kRegistrationRenamed ? kPoliceRegistration : kPoliceAdministration;
    }
    default:
      return {};
  }
}

}  // namespace ekyc::doc
