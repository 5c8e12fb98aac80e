#include "doc/classify.h"

#include "doc/labels.h"
#include "doc/params.h"

namespace ekyc::doc {

std::pair<DocType, Side> Classify(const Signals& s, double* conf) {
  const ClassifyParams& p = kClassify;
  const std::string& pg = s.page;
  auto has = [&](const char* k) { return PageHas(pg, k); };
  *conf = p.strong_conf;
  if (s.mrz_td3 || has("HO CHIEU PASSPORT") || has("PASSPORT NO"))
    return {DocType::kPassport, Side::kFront};
  bool english = has("FULL NAME") || has("DATE OF BIRTH") || has("NATIONALITY") ||
                 has("PLACE OF") || has("IDENTIFICATION") || has("INDEX FINGER") ||
                 has("SOCIALIST REPUBLIC");
  const int cancuoc_back_labels = has("NOI CU TRU") + has("NOI DANG KY KHAI SINH") +
                                  has("BO CONG AN") + has("MINISTRY OF PUBLIC SECURITY") +
                                  has("NGAY THANG NAM HET HAN");
  const bool cancuoc_back = cancuoc_back_labels > 0;
  bool chip_back = has("CUC TRUONG CUC CANH SAT") || has("DIRECTOR GENERAL") || has("NGON TRO") ||
                   has("DAC DIEM NHAN DANG") || has("DATE MONTH YEAR");
  if (s.mrz_td1) {
    *conf = p.mrz_conf;
    if (cancuoc_back || (s.qr && !has("CUC TRUONG"))) return {DocType::kCanCuoc, Side::kBack};
    return {DocType::kCccdChip, Side::kBack};
  }
  if (cancuoc_back && english) return {DocType::kCanCuoc, Side::kBack};
  // Its labels are printed on no other side: two of them say so without the English sub-labels,
  // the smallest print, which a phone photo can lose.
  if (cancuoc_back_labels >= p.cancuoc_back_labels) return {DocType::kCanCuoc, Side::kBack};
  bool cong_dan = has("CAN CUOC CONG DAN");
  bool cmnd = has("CHUNG MINH NHAN DAN");
  if (s.qr && s.qr_fields == 7 && !cancuoc_back) return {DocType::kCccdChip, Side::kFront};
  if (cong_dan && (has("CITIZEN IDENTITY") || english)) return {DocType::kCccdChip, Side::kFront};
  if (has("SO DINH DANH CA NHAN") || has("HO CHU DEM VA TEN KHAI SINH") ||
      (has("IDENTITY CARD") && !cong_dan)) {
    return {DocType::kCanCuoc, Side::kFront};
  }
  if (cong_dan) return {DocType::kCccd2016, Side::kFront};
  if (cmnd) {
    if (has("GIAY CHUNG MINH") || has("NOI DKHK") || has("NGUYEN QUAN"))
      return {DocType::kCmnd9, Side::kFront};
    return {DocType::kCmnd12, Side::kFront};
  }
  if (chip_back && english) return {DocType::kCccdChip, Side::kBack};
  if (has("TON GIAO") || has("DAU VET RIENG")) return {DocType::kCmnd9, Side::kBack};
  if (has("GIAM DOC CONG AN") || has("DAC DIEM NHAN DANG")) {
    if (has("CUC TRUONG") || has("DAC DIEM NHAN DANG")) {
      // "nhân dạng" (CCCD 2016) vs "nhận dạng" (CMND 12) fold alike; the issuer decides.
      return has("GIAM DOC") ? std::pair{DocType::kCmnd12, Side::kBack}
                             : std::pair{DocType::kCccd2016, Side::kBack};
    }
    return {DocType::kCmnd12, Side::kBack};
  }
  if (has("CUC TRUONG")) return {DocType::kCccd2016, Side::kBack};
  *conf = p.weak_conf;
  if (has("HO VA TEN") || has("NGAY SINH") || has("QUE QUAN"))
    return {DocType::kCccd2016, Side::kFront};
  *conf = 0.0;
  return {DocType::kUnknown, Side::kUnknown};
}

// Known title/label keywords. The back-side labels (identifying marks, issuer, fingerprint boxes)
// keep an upright back above the "outline may be wrong" threshold, which otherwise cost CMND 12 /
// CCCD 2016 backs a full-page pass of the whole photo.
int OrientationScore(const std::vector<Segment>& segs) {
  static const char* kKeys[] = {
      "CONG HOA XA HOI", "VIET NAM",   "DOC LAP",    "HANH PHUC",  "CAN CUOC",  "CHUNG MINH",
      "HO VA TEN",       "NGAY SINH",  "GIOI TINH",  "QUOC TICH",  "QUE QUAN",  "THUONG TRU",
      "DAC DIEM",        "NGON TRO",   "CUC TRUONG", "NOI CU TRU", "DAN TOC",   "TON GIAO",
      "HO CHIEU",        "PASSPORT",   "FULL NAME",  "DATE OF",    "IDENTITY",  "NGAY THANG NAM",
      "NGUYEN QUAN",     "BO CONG AN", "PLACE OF",   "DINH DANH",  "NHAN DANG", "GIAM DOC",
      "CANH SAT",        "TRO TRAI",   "TRO PHAI",   "DAU VET"};
  const std::string page = PageText(segs);
  int score = 0;
  for (const char* k : kKeys) score += PageHas(page, k) ? 1 : 0;
  return score;
}

bool MrzLikely(const std::string& page) {
  const bool mrz_text = page.find("IDVNM") != std::string::npos || PageHas(page, "P VNM") ||
                        page.find("VNM") != std::string::npos || PageHas(page, "PASSPORT") ||
                        PageHas(page, "CUC TRUONG") || PageHas(page, "BO CONG AN") ||
                        PageHas(page, "NOI CU TRU") || PageHas(page, "DAC DIEM NHAN DANG") ||
                        PageHas(page, "NGON TRO");
  // Backs printed in Vietnamese only (CMND) carry no MRZ.
  const bool vn_only_back = PageHas(page, "TON GIAO") || PageHas(page, "GIAM DOC");
  return mrz_text && !vn_only_back;
}

}  // namespace ekyc::doc
