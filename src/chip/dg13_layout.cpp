// The DG13 layout table: what each field tag of the Vietnamese DG13 holds, as the project found it.
// DG13 is not defined by ICAO (9303-10 leaves it to the issuing state: "optional details") and
// Vietnam has published no specification; this table comes from public readers of real cards
// (docs/chip.md, "DG13", lists the sources and how far each entry is confirmed). Field names are
// the vendor's where one exists (docs/doc.md), project names otherwise.
#include "chip/chip.h"

namespace ekyc::chip {

namespace {
constexpr const char* kThree =
    "three public readers of real cards agree (two by byte pattern, one by fixed offsets), and a "
    "public document profile";
constexpr const char* kTwo =
    "two public readers of real cards (one by byte pattern, one by offsets)";
}  // namespace

const std::vector<Dg13FieldSpec>& Dg13Layout() {
  static const std::vector<Dg13FieldSpec> kLayout = {
      {1, {"id"}, Dg13ValueType::kText, "personal identification number (12 digits)", kThree},
      {2, {"ho_ten"}, Dg13ValueType::kText, "full name, with diacritics", kThree},
      {3, {"ngay_sinh"}, Dg13ValueType::kDate, "date of birth, dd/mm/yyyy", kThree},
      {4, {"gioi_tinh"}, Dg13ValueType::kText, "sex: Nam / Nữ", kThree},
      {5, {"quoc_tich"}, Dg13ValueType::kText, "nationality: Việt Nam", kThree},
      {6, {"dan_toc"}, Dg13ValueType::kText, "ethnicity, e.g. Kinh", kThree},
      {7, {"ton_giao"}, Dg13ValueType::kText, "religion, e.g. Không", kThree},
      {8, {"nguyen_quan"}, Dg13ValueType::kText, "place of origin (quê quán)", kThree},
      {9, {"ho_khau_thuong_tru"}, Dg13ValueType::kText, "place of residence", kThree},
      {10, {"di_hinh"}, Dg13ValueType::kText, "identifying marks (đặc điểm nhân dạng)", kThree},
      {11, {"ngay_cap"}, Dg13ValueType::kDate, "date of issue, dd/mm/yyyy", kThree},
      {12,
       {"ngay_het_han"},
       Dg13ValueType::kDate,
       "date of expiry, dd/mm/yyyy (a UTF8String, so 'Không thời hạn' fits)",
       kThree},
      {13,
       {"ho_ten_cha", "ho_ten_me"},
       Dg13ValueType::kTextList,
       "father's and mother's names, each in its own SEQUENCE",
       kThree},
      {14,
       {},
       Dg13ValueType::kNone,
       "seen empty (the tag alone) on real cards; meaning unknown, values ignored",
       kTwo},
      {15,
       {"so_cmnd_cu"},
       Dg13ValueType::kText,
       "old ID number (9-digit CMND); empty when the holder had none",
       "one reader names it (a 9-character value); another card had it empty; a public profile "
       "puts the old number under 16 instead"},
      {16,
       {},
       Dg13ValueType::kText,
       "an earlier or other document number of unknown definition; kept in the chip report, not "
       "output as a field",
       "one card had 12 digits here (read as 'old number'), another 16 characters (unnamed); a "
       "public profile calls it the old ID number"},
  };
  return kLayout;
}

}  // namespace ekyc::chip
