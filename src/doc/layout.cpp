#include "doc/layout.h"

#include <map>

namespace ekyc::doc {
namespace {

using K = FieldKind;

// The English half of a bilingual label, by field: OCR sometimes garbles it so that it is left in
// front of the value ("Place øf origin Xã ...").
const std::map<std::string, const char*>& EnglishLabels() {
  static const std::map<std::string, const char*> kEn = {
      {"id", "PERSONAL IDENTIFICATION NUMBER"},
      {"ho_ten", "FULL NAME"},
      {"ngay_sinh", "DATE OF BIRTH"},
      {"gioi_tinh", "SEX"},
      {"quoc_tich", "NATIONALITY"},
      {"nguyen_quan", "PLACE OF ORIGIN"},
      {"ho_khau_thuong_tru", "PLACE OF RESIDENCE"},
      {"noi_dang_ky_khai_sinh", "PLACE OF BIRTH"},
      {"ngay_cap", "DATE OF ISSUE"},
      {"ngay_het_han", "DATE OF EXPIRY"},
      {"di_hinh", "PERSONAL IDENTIFICATION"},
      {"noi_sinh", "PLACE OF BIRTH"},
      {"noi_cap", "PLACE OF ISSUE"},
      {"ho", "SURNAME"},
      {"chu_dem_va_ten", "GIVEN NAMES"},
      {"so_dinh_danh", "PERSONAL NO"}};
  return kEn;
}

FieldSpec F(const char* field, FieldKind kind, std::vector<const char*> labels, int max_lines = 1,
            bool below = false, bool at_start = false, RelRect value_box = {}) {
  FieldSpec s{field, kind, std::move(labels)};
  s.max_lines = max_lines;
  s.below = below;
  s.at_start = at_start;
  s.value_box = value_box;
  return s;
}

SideLayout Bilingual(SideLayout l) {
  l.bilingual = true;
  for (auto& f : l.fields) {
    auto it = EnglishLabels().find(f.field);
    if (it != EnglishLabels().end()) f.english = it->second;
  }
  return l;
}

// Portrait slots and value boxes: card fractions from the layouts of vn-identity-reference.md.
// The boxes are generous: real cards shift, and a value read there must still pass its checks.
std::map<std::pair<DocType, Side>, SideLayout> BuildLayouts() {
  std::map<std::pair<DocType, Side>, SideLayout> m;
  const Side kF = Side::kFront, kB = Side::kBack;

  SideLayout passport;
  passport.fields = {
      F("id", K::kId, {"SO HO CHIEU PASSPORT NO", "SO HO CHIEU"}),
      F("ho", K::kName, {"HO SURNAME"}, 1, false, true),
      F("chu_dem_va_ten", K::kName, {"CHU DEM VA TEN GIVEN NAMES", "CHU DEM VA TEN"}),
      F("quoc_tich", K::kNationality, {"QUOC TICH NATIONALITY", "QUOC TICH"}),
      F("ngay_sinh", K::kDate, {"NGAY SINH DATE OF BIRTH", "NGAY SINH"}),
      F("noi_sinh", K::kText, {"NOI SINH PLACE OF BIRTH", "NOI SINH"}),
      F("gioi_tinh", K::kSex, {"GIOI TINH SEX", "GIOI TINH"}),
      F("so_dinh_danh", K::kId, {"SO DINH DANH PERSONAL NO", "SO DINH DANH"}),
      F("ngay_cap", K::kDate, {"NGAY CAP DATE OF ISSUE", "NGAY CAP"}),
      F("ngay_het_han", K::kDate, {"CO GIA TRI DEN DATE OF EXPIRY", "CO GIA TRI DEN"}),
      F("noi_cap", K::kText, {"NOI CAP PLACE OF ISSUE", "NOI CAP"})};
  for (FieldSpec& f : passport.fields)  // a passport prints every value in capitals
    f.capitals = f.kind == K::kName || f.kind == K::kText || f.kind == K::kNationality;
  passport.portrait = {0.02, 0.17, 0.22, 0.40};
  m[{DocType::kPassport, kF}] = Bilingual(passport);

  SideLayout chip_front;
  chip_front.fields = {F("id", K::kId, {"SO NO"}, 1, false, true, {0.34, 0.405, 0.38, 0.08}),
                       F("ho_ten", K::kName, {"HO VA TEN FULL NAME", "HO VA TEN"}, 1, true),
                       F("ngay_sinh", K::kDate, {"NGAY SINH DATE OF BIRTH", "NGAY SINH"}),
                       F("gioi_tinh", K::kSex, {"GIOI TINH SEX", "GIOI TINH"}),
                       F("quoc_tich", K::kNationality, {"QUOC TICH NATIONALITY", "QUOC TICH"}),
                       F("nguyen_quan", K::kAddress, {"QUE QUAN PLACE OF ORIGIN", "QUE QUAN"}, 2),
                       F("ho_khau_thuong_tru", K::kAddress,
                         {"NOI THUONG TRU PLACE OF RESIDENCE", "NOI THUONG TRU"}, 2),
                       F("ngay_het_han", K::kDate, {"CO GIA TRI DEN", "DATE OF EXPIRY"}, 3, true,
                         false, {0.03, 0.877, 0.23, 0.05})};
  chip_front.portrait = {0.03, 0.38, 0.21, 0.43};
  chip_front.qr_side = true;
  m[{DocType::kCccdChip, kF}] = Bilingual(chip_front);

  SideLayout cancuoc_front;
  cancuoc_front.fields = {
      F("id", K::kId,
        {"SO DINH DANH CA NHAN PERSONAL IDENTIFICATION NUMBER", "SO DINH DANH CA NHAN"}, 1, true,
        false, {0.25, 0.489, 0.37, 0.076}),
      F("ho_ten", K::kName,
        {"HO CHU DEM VA TEN KHAI SINH FULL NAME", "HO CHU DEM VA TEN KHAI SINH"}, 1, true),
      F("ngay_sinh", K::kDate, {"NGAY THANG NAM SINH DATE OF BIRTH", "NGAY THANG NAM SINH"}),
      F("gioi_tinh", K::kSex, {"GIOI TINH SEX", "GIOI TINH"}),
      F("quoc_tich", K::kNationality, {"QUOC TICH NATIONALITY", "QUOC TICH"})};
  cancuoc_front.portrait = {0.03, 0.46, 0.20, 0.41};
  m[{DocType::kCanCuoc, kF}] = Bilingual(cancuoc_front);

  SideLayout cccd_front;
  cccd_front.fields = {
      F("id", K::kId, {"SO"}, 1, false, true, {0.30, 0.279, 0.42, 0.079}),
      F("ho_ten", K::kName, {"HO VA TEN"}),
      F("ngay_sinh", K::kDate, {"NGAY SINH"}),
      F("gioi_tinh", K::kSex, {"GIOI TINH"}),
      F("quoc_tich", K::kNationality, {"QUOC TICH"}),
      F("nguyen_quan", K::kAddress, {"QUE QUAN"}, 2),
      F("ho_khau_thuong_tru", K::kAddress, {"NOI THUONG TRU"}, 2),
      F("ngay_het_han", K::kDate, {"CO GIA TRI DEN"}, 2, true, false, {0.03, 0.784, 0.23, 0.052})};
  cccd_front.portrait = {0.03, 0.30, 0.21, 0.43};
  m[{DocType::kCccd2016, kF}] = cccd_front;

  SideLayout cmnd12_front;
  cmnd12_front.fields = {
      F("id", K::kId, {"SO"}, 1, false, true, {0.28, 0.267, 0.42, 0.076}),
      F("ho_ten", K::kName, {"HO VA TEN KHAI SINH"}),
      F("ngay_sinh", K::kDate, {"NGAY THANG NAM SINH"}),
      F("gioi_tinh", K::kSex, {"GIOI TINH"}),
      F("dan_toc", K::kText, {"DAN TOC"}),
      F("nguyen_quan", K::kAddress, {"QUE QUAN"}, 2),
      F("ho_khau_thuong_tru", K::kAddress, {"NOI THUONG TRU"}, 2),
      F("ngay_het_han", K::kDate, {"CO GIA TRI DEN"}, 2, true, false, {0.03, 0.752, 0.23, 0.052})};
  cmnd12_front.portrait = {0.03, 0.29, 0.20, 0.42};
  m[{DocType::kCmnd12, kF}] = cmnd12_front;

  SideLayout cmnd9_front;
  cmnd9_front.fields = {
      F("id", K::kId, {"SO"}, 1, false, true, {0.28, 0.273, 0.42, 0.079}),
      F("ho_ten", K::kName, {"HO TEN"}), F("ngay_sinh", K::kDate, {"SINH NGAY"}),
      F("nguyen_quan", K::kAddress, {"NGUYEN QUAN"}, 2),
      F("ho_khau_thuong_tru", K::kAddress, {"NOI DKHK THUONG TRU", "NOI DKHK"}, 2)};
  cmnd9_front.portrait = {0.03, 0.29, 0.20, 0.42};
  cmnd9_front.id_digits = 9;
  m[{DocType::kCmnd9, kF}] = cmnd9_front;

  SideLayout chip_back;
  chip_back.fields = {
      // The value starts after the long bilingual label and wraps in the column left of the
      // fingerprints: up to three lines.
      F("di_hinh", K::kText, {"DAC DIEM NHAN DANG PERSONAL IDENTIFICATION", "DAC DIEM NHAN DANG"},
        3, true),
      F("ngay_cap", K::kDate, {"NGAY THANG NAM DATE MONTH YEAR", "NGAY THANG NAM"})};
  m[{DocType::kCccdChip, kB}] = Bilingual(chip_back);

  SideLayout cancuoc_back;
  cancuoc_back.fields = {
      F("ho_khau_thuong_tru", K::kAddress, {"NOI CU TRU PLACE OF RESIDENCE", "NOI CU TRU"}, 2,
        true),
      F("noi_dang_ky_khai_sinh", K::kAddress,
        {"NOI DANG KY KHAI SINH PLACE OF BIRTH", "NOI DANG KY KHAI SINH"}, 2, true),
      F("ngay_cap", K::kDate, {"NGAY THANG NAM CAP DATE OF ISSUE", "NGAY THANG NAM CAP"}),
      F("ngay_het_han", K::kDate,
        {"NGAY THANG NAM HET HAN DATE OF EXPIRY", "NGAY THANG NAM HET HAN"})};
  cancuoc_back.qr_side = true;
  m[{DocType::kCanCuoc, kB}] = Bilingual(cancuoc_back);

  SideLayout old_back;  // CCCD 2016 and CMND 12
  old_back.fields = {F("di_hinh", K::kText, {"DAC DIEM NHAN DANG"}, 2, true)};
  m[{DocType::kCccd2016, kB}] = old_back;
  m[{DocType::kCmnd12, kB}] = old_back;

  SideLayout cmnd9_back;
  cmnd9_back.fields = {F("dan_toc", K::kText, {"DAN TOC"}), F("ton_giao", K::kText, {"TON GIAO"}),
                       F("di_hinh", K::kText, {"DAU VET RIENG VA DI HINH"}, 2, true)};
  cmnd9_back.id_digits = 9;
  m[{DocType::kCmnd9, kB}] = cmnd9_back;
  // Every supported document prints names in capitals.
  for (auto& [side, layout] : m)
    for (FieldSpec& f : layout.fields)
      if (f.kind == K::kName) f.capitals = true;
  return m;
}

}  // namespace

cv::Rect RelRect::On(cv::Size card) const {
  return cv::Rect(static_cast<int>(x * card.width), static_cast<int>(y * card.height),
                  static_cast<int>(w * card.width), static_cast<int>(h * card.height));
}

const SideLayout& LayoutOf(DocType type, Side side) {
  static const auto kLayouts = BuildLayouts();
  static const SideLayout kNone;
  auto it = kLayouts.find({type, type == DocType::kPassport ? Side::kFront : side});
  return it == kLayouts.end() ? kNone : it->second;
}

bool StartsBlock(std::string_view key) {
  static const char* kStarts[] = {
      "NGAY",        "CUC TRUONG",     "GIAM DOC",   "NGON TRO",    "DIRECTOR",  "BO CONG AN",
      "CO GIA TRI",  "DATE OF",        "DAC DIEM",   "DAU VET",     "DAN TOC",   "TON GIAO",
      "HO VA TEN",   "HO TEN",         "SINH NGAY",  "GIOI TINH",   "QUOC TICH", "QUE QUAN",
      "NGUYEN QUAN", "NOI THUONG TRU", "NOI CU TRU", "NOI DANG KY", "NOI DKHK",  "SO DINH DANH"};
  for (const char* k : kStarts) {
    if (key.rfind(k, 0) == 0) return true;
  }
  return false;
}

}  // namespace ekyc::doc
