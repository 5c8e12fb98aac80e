// DocReader: locate → rectify → orient → OCR words → type/side → fields → QR/MRZ cross-checks.
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <opencv2/imgproc.hpp>
#include <regex>
#include <set>

#include "doc/doc.h"
#include "doc/fields.h"
#include "doc/id_confidence.h"
#include "doc/locate.h"
#include "doc/syllable.h"
#include "doc/text.h"
#include "vn/vn.h"

namespace ekyc::doc {
namespace {

constexpr double kId1Aspect = 85.6 / 53.98;
constexpr double kPassportAspect = 125.0 / 88.0;
// Confidence from which one reading of a valid ID number is taken without further readings.
constexpr double kIdSettledConfidence = 0.5;

// ------------------------------------------------------------------------------------------ OCR
struct Word {
  std::string text;
  cv::Rect box;
  float conf = 0;  // 0-100
};

struct Token {
  std::string key;  // folded, alphanumeric only
  int word = 0;     // index into Segment::words
};

// A run of words on one text line with no large horizontal gap (our own grouping: Tesseract
// merges the photo column and the field column into one line).
struct Segment {
  std::vector<Word> words;
  std::vector<Token> tokens;
  cv::Rect box;
  std::string key;  // tokens joined by spaces
  int height() const { return box.height; }
};

std::vector<Token> Tokenize(const std::vector<Word>& words) {
  std::vector<Token> out;
  for (int i = 0; i < static_cast<int>(words.size()); ++i) {
    std::string f = FoldKey(words[i].text);
    std::string cur;
    for (char c : f) {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        cur.push_back(c);
      } else if (!cur.empty()) {
        out.push_back({cur, i});
        cur.clear();
      }
    }
    if (!cur.empty()) out.push_back({cur, i});
  }
  return out;
}

void Finalize(Segment* s) {
  s->box = s->words.front().box;
  for (const auto& w : s->words) s->box |= w.box;
  s->tokens = Tokenize(s->words);
  s->key.clear();
  for (const auto& t : s->tokens) s->key += (s->key.empty() ? "" : " ") + t.key;
}

std::vector<Segment> BuildSegments(std::vector<Word> words) {
  std::sort(words.begin(), words.end(), [](const Word& a, const Word& b) {
    return a.box.y + a.box.height / 2 < b.box.y + b.box.height / 2;
  });
  // Cluster into lines by vertical centre overlap with the line's running centre.
  std::vector<std::vector<Word>> lines;
  std::vector<std::pair<double, double>> centre;  // (centre y, typical height) per line
  for (auto& w : words) {
    double cy = w.box.y + w.box.height / 2.0;
    int target = -1;
    for (int i = static_cast<int>(lines.size()) - 1; i >= 0; --i) {
      auto [lcy, lh] = centre[i];
      if (std::abs(lcy - cy) < 0.6 * std::min<double>(lh, w.box.height)) {
        target = i;
        break;
      }
      if (lcy < cy - 3 * std::max<double>(lh, w.box.height)) break;
    }
    if (target < 0) {
      lines.push_back({w});
      centre.emplace_back(cy, w.box.height);
    } else {
      auto& c = centre[target];
      double n = static_cast<double>(lines[target].size());
      c.first = (c.first * n + cy) / (n + 1);
      c.second = (c.second * n + w.box.height) / (n + 1);
      lines[target].push_back(w);
    }
  }
  std::vector<Segment> segs;
  for (auto& line : lines) {
    std::sort(line.begin(), line.end(),
              [](const Word& a, const Word& b) { return a.box.x < b.box.x; });
    int h = 0;
    for (auto& w : line) h = std::max(h, w.box.height);
    Segment cur;
    for (auto& w : line) {
      if (!cur.words.empty() && w.box.x - cur.words.back().box.br().x > 2.2 * h) {
        Finalize(&cur);
        segs.push_back(std::move(cur));
        cur = Segment();
      }
      cur.words.push_back(w);
    }
    if (!cur.words.empty()) {
      Finalize(&cur);
      segs.push_back(std::move(cur));
    }
  }
  // A word whose box is taller (a descender: `dạng:`) can start a line of its own when the line
  // before it was pulled up by a neighbouring column ("Ngón trỏ trái" beside "Đặc điểm nhân"):
  // a label's last word, alone with its colon, that continues a segment on the right and
  // overlaps it vertically by half a line is joined to it, and so is a lone word that fills a gap
  // between two words of a segment at its height. (Joining any continuation on the right also
  // merged wrapped values with their neighbours: tried, 6 fields lost on 4 seeds.)
  auto label_tail = [](const Segment& s) {
    return s.words.size() == 1 && !s.words.front().text.empty() &&
           s.words.front().text.back() == ':';
  };
  auto has_colon = [](const Segment& s) {
    return std::any_of(s.words.begin(), s.words.end(),
                       [](const Word& w) { return w.text.find(':') != std::string::npos; });
  };
  for (bool merged = true; merged;) {
    merged = false;
    for (size_t i = 0; i < segs.size() && !merged; ++i) {
      for (size_t j = 0; j < segs.size() && !merged; ++j) {
        if (i == j || segs[j].words.size() != 1) continue;
        const cv::Rect& a = segs[i].box;
        const cv::Rect& b = segs[j].box;
        const int h = std::min(a.height, b.height);
        const int gap = b.x - a.br().x;
        const int overlap = std::min(a.br().y, b.br().y) - std::max(a.y, b.y);
        const bool tail = label_tail(segs[j]) && !has_colon(segs[i]) && gap >= -h / 2 &&
                          gap <= 2.2 * std::max(a.height, b.height) && 2 * overlap >= h;
        // A word that sits in a gap between two words of a segment, at its height (`quán` and
        // `origin:` of "Quê quán / Place of origin:" each put on a line of their own).
        bool in_gap = false;
        const auto& ws = segs[i].words;
        for (size_t k = 0; k + 1 < ws.size() && !in_gap; ++k) {
          const int slack = h / 2;
          in_gap = ws[k].box.br().x <= b.x + slack && b.br().x <= ws[k + 1].box.x + slack &&
                   5 * overlap >= 3 * h;
        }
        if (!tail && !in_gap) continue;
        for (auto& w : segs[j].words) segs[i].words.push_back(std::move(w));
        std::sort(segs[i].words.begin(), segs[i].words.end(),
                  [](const Word& x, const Word& y) { return x.box.x < y.box.x; });
        Finalize(&segs[i]);
        segs.erase(segs.begin() + static_cast<std::ptrdiff_t>(j));
        merged = true;
      }
    }
  }
  segs.erase(
      std::remove_if(segs.begin(), segs.end(), [](const Segment& s) { return s.key.empty(); }),
      segs.end());
  std::sort(segs.begin(), segs.end(), [](const Segment& a, const Segment& b) {
    return a.box.y != b.box.y ? a.box.y < b.box.y : a.box.x < b.box.x;
  });
  return segs;
}

std::vector<Word> RunOcr(tesseract::TessBaseAPI* api, const cv::Mat& gray,
                         tesseract::PageSegMode psm) {
  api->SetPageSegMode(psm);
  api->SetImage(gray.data, gray.cols, gray.rows, 1, static_cast<int>(gray.step));
  api->SetSourceResolution(300);
  std::vector<Word> out;
  if (api->Recognize(nullptr) != 0) return out;
  std::unique_ptr<tesseract::ResultIterator> it(api->GetIterator());
  if (!it) return out;
  do {
    std::unique_ptr<char[]> txt(it->GetUTF8Text(tesseract::RIL_WORD));
    if (!txt) continue;
    Word w;
    w.text = FixLookAlikeLetters(ToNfc(txt.get()));
    if (Trim(w.text).empty()) continue;
    int x1, y1, x2, y2;
    it->BoundingBox(tesseract::RIL_WORD, &x1, &y1, &x2, &y2);
    w.box = cv::Rect(x1, y1, x2 - x1, y2 - y1);
    w.conf = it->Confidence(tesseract::RIL_WORD);
    bool alnum = false;
    for (char c : FoldKey(w.text)) alnum |= std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (!alnum && w.conf < 60) continue;  // specks, photo edges, guilloche
    out.push_back(std::move(w));
  } while (it->Next(tesseract::RIL_WORD));
  // Blobs much taller than text (emblem, photo, chip) are not words.
  if (out.size() >= 5) {
    std::vector<int> hs;
    for (auto& w : out) hs.push_back(w.box.height);
    std::nth_element(hs.begin(), hs.begin() + hs.size() / 2, hs.end());
    int med = hs[hs.size() / 2];
    out.erase(std::remove_if(out.begin(), out.end(),
                             [&](const Word& w) { return w.box.height > 2.5 * med; }),
              out.end());
  }
  return out;
}

// ------------------------------------------------------------------------------ label matching
struct Match {
  int seg = -1;
  int first_tok = 0, end_tok = 0;  // token range [first, end)
  int dist = 0;
  size_t len = 0;
};

int Allowed(size_t len) {
  return len < 6 ? 0 : static_cast<int>(len / 6);
}

std::string WithoutSpaces(std::string s) {
  std::erase(s, ' ');
  return s;
}

// Finds `label` (folded, space-separated) as a run of whole tokens in `seg`. Words the page
// pass glued together ("Nơithườngtrú:") also match, one edit dearer than the spaced form.
bool MatchIn(const Segment& seg, int si, const std::string& label, bool at_start, Match* out) {
  bool found = false;
  const int n = static_cast<int>(seg.tokens.size());
  int label_words = static_cast<int>(std::count(label.begin(), label.end(), ' ')) + 1;
  const std::string glued_label = WithoutSpaces(label);
  for (int i = 0; i < (at_start ? std::min(n, 1) : n); ++i) {
    std::string joined;
    for (int j = i; j < n && j < i + label_words + 2; ++j) {
      joined += (j > i ? " " : "") + seg.tokens[j].key;
      if (joined.size() > label.size() + 4) break;
      int d = EditDistance(joined, label);
      if (label_words > 1 && j - i + 1 < label_words)
        d = std::min(d, EditDistance(WithoutSpaces(joined), glued_label) + 1);
      if (d <= Allowed(label.size()) && (!found || d < out->dist)) {
        *out = {si, i, j + 1, d, label.size()};
        found = true;
      }
    }
  }
  return found;
}

enum class Kind { kId, kDate, kName, kSex, kText, kAddress, kNationality };

struct FieldSpec {
  const char* field;
  std::vector<const char*> labels;  // folded variants, longest first
  Kind kind;
  int max_lines = 1;      // value lines (addresses wrap)
  bool below = false;     // value starts on the line below the label
  bool at_start = false;  // short label: must be the first token of its segment
};

std::vector<FieldSpec> SpecsFor(DocType t, Side s) {
  using K = Kind;
  if (t == DocType::kPassport) {
    return {{"id", {"SO HO CHIEU PASSPORT NO", "SO HO CHIEU"}, K::kId},
            {"ho", {"HO SURNAME"}, K::kName, 1, false, true},
            {"chu_dem_va_ten", {"CHU DEM VA TEN GIVEN NAMES", "CHU DEM VA TEN"}, K::kName},
            {"quoc_tich", {"QUOC TICH NATIONALITY", "QUOC TICH"}, K::kNationality},
            {"ngay_sinh", {"NGAY SINH DATE OF BIRTH", "NGAY SINH"}, K::kDate},
            {"noi_sinh", {"NOI SINH PLACE OF BIRTH", "NOI SINH"}, K::kText},
            {"gioi_tinh", {"GIOI TINH SEX", "GIOI TINH"}, K::kSex},
            {"so_dinh_danh", {"SO DINH DANH PERSONAL NO", "SO DINH DANH"}, K::kId},
            {"ngay_cap", {"NGAY CAP DATE OF ISSUE", "NGAY CAP"}, K::kDate},
            {"ngay_het_han", {"CO GIA TRI DEN DATE OF EXPIRY", "CO GIA TRI DEN"}, K::kDate},
            {"noi_cap", {"NOI CAP PLACE OF ISSUE", "NOI CAP"}, K::kText}};
  }
  if (s == Side::kFront) {
    switch (t) {
      case DocType::kCccdChip:
        return {{"id", {"SO NO"}, K::kId, 1, false, true},
                {"ho_ten", {"HO VA TEN FULL NAME", "HO VA TEN"}, K::kName, 1, true},
                {"ngay_sinh", {"NGAY SINH DATE OF BIRTH", "NGAY SINH"}, K::kDate},
                {"gioi_tinh", {"GIOI TINH SEX", "GIOI TINH"}, K::kSex},
                {"quoc_tich", {"QUOC TICH NATIONALITY", "QUOC TICH"}, K::kNationality},
                {"nguyen_quan", {"QUE QUAN PLACE OF ORIGIN", "QUE QUAN"}, K::kAddress, 2},
                {"ho_khau_thuong_tru",
                 {"NOI THUONG TRU PLACE OF RESIDENCE", "NOI THUONG TRU"},
                 K::kAddress,
                 2},
                {"ngay_het_han", {"CO GIA TRI DEN", "DATE OF EXPIRY"}, K::kDate, 3, true}};
      case DocType::kCanCuoc:
        return {
            {"id",
             {"SO DINH DANH CA NHAN PERSONAL IDENTIFICATION NUMBER", "SO DINH DANH CA NHAN"},
             K::kId,
             1,
             true},
            {"ho_ten",
             {"HO CHU DEM VA TEN KHAI SINH FULL NAME", "HO CHU DEM VA TEN KHAI SINH"},
             K::kName,
             1,
             true},
            {"ngay_sinh", {"NGAY THANG NAM SINH DATE OF BIRTH", "NGAY THANG NAM SINH"}, K::kDate},
            {"gioi_tinh", {"GIOI TINH SEX", "GIOI TINH"}, K::kSex},
            {"quoc_tich", {"QUOC TICH NATIONALITY", "QUOC TICH"}, K::kNationality}};
      case DocType::kCccd2016:
        return {{"id", {"SO"}, K::kId, 1, false, true},
                {"ho_ten", {"HO VA TEN"}, K::kName},
                {"ngay_sinh", {"NGAY SINH"}, K::kDate},
                {"gioi_tinh", {"GIOI TINH"}, K::kSex},
                {"quoc_tich", {"QUOC TICH"}, K::kNationality},
                {"nguyen_quan", {"QUE QUAN"}, K::kAddress, 2},
                {"ho_khau_thuong_tru", {"NOI THUONG TRU"}, K::kAddress, 2},
                {"ngay_het_han", {"CO GIA TRI DEN"}, K::kDate, 2, true}};
      case DocType::kCmnd12:
        return {{"id", {"SO"}, K::kId, 1, false, true},
                {"ho_ten", {"HO VA TEN KHAI SINH"}, K::kName},
                {"ngay_sinh", {"NGAY THANG NAM SINH"}, K::kDate},
                {"gioi_tinh", {"GIOI TINH"}, K::kSex},
                {"dan_toc", {"DAN TOC"}, K::kText},
                {"nguyen_quan", {"QUE QUAN"}, K::kAddress, 2},
                {"ho_khau_thuong_tru", {"NOI THUONG TRU"}, K::kAddress, 2},
                {"ngay_het_han", {"CO GIA TRI DEN"}, K::kDate, 2, true}};
      case DocType::kCmnd9:
        return {{"id", {"SO"}, K::kId, 1, false, true},
                {"ho_ten", {"HO TEN"}, K::kName},
                {"ngay_sinh", {"SINH NGAY"}, K::kDate},
                {"nguyen_quan", {"NGUYEN QUAN"}, K::kAddress, 2},
                {"ho_khau_thuong_tru", {"NOI DKHK THUONG TRU", "NOI DKHK"}, K::kAddress, 2}};
      default:
        return {};
    }
  }
  switch (t) {
    case DocType::kCccdChip:
      return {{"di_hinh",
               {"DAC DIEM NHAN DANG PERSONAL IDENTIFICATION", "DAC DIEM NHAN DANG"},
               K::kText,
               2,
               true},
              {"ngay_cap", {"NGAY THANG NAM DATE MONTH YEAR", "NGAY THANG NAM"}, K::kDate}};
    case DocType::kCanCuoc:
      return {{"ho_khau_thuong_tru",
               {"NOI CU TRU PLACE OF RESIDENCE", "NOI CU TRU"},
               K::kAddress,
               2,
               true},
              {"noi_dang_ky_khai_sinh",
               {"NOI DANG KY KHAI SINH PLACE OF BIRTH", "NOI DANG KY KHAI SINH"},
               K::kAddress,
               2,
               true},
              {"ngay_cap", {"NGAY THANG NAM CAP DATE OF ISSUE", "NGAY THANG NAM CAP"}, K::kDate},
              {"ngay_het_han",
               {"NGAY THANG NAM HET HAN DATE OF EXPIRY", "NGAY THANG NAM HET HAN"},
               K::kDate}};
    case DocType::kCccd2016:
    case DocType::kCmnd12:
      return {{"di_hinh", {"DAC DIEM NHAN DANG"}, K::kText, 2, true}};
    case DocType::kCmnd9:
      return {{"dan_toc", {"DAN TOC"}, K::kText},
              {"ton_giao", {"TON GIAO"}, K::kText},
              {"di_hinh", {"DAU VET RIENG VA DI HINH"}, K::kText, 2, true}};
    default:
      return {};
  }
}

// ---------------------------------------------------------------------------- value cleaning
std::string CleanText(const std::string& raw) {
  return Trim(CollapseSpaces(raw), ",.:;-_|/\\'\"`~!*");
}

// English half of bilingual labels, which OCR sometimes garbles so that it is left in front of
// the value ("Place øf origin Xã ...").
const char* EnglishLabel(const std::string& field) {
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
  auto it = kEn.find(field);
  return it == kEn.end() ? nullptr : it->second;
}

std::string StripEnglishLabel(const std::string& text, const std::string& field) {
  const char* en = EnglishLabel(field);
  if (en == nullptr) return text;
  std::string eng = en;
  std::vector<std::string> words;
  for (auto& w : Split(CollapseSpaces(text), ' '))
    if (!w.empty()) words.push_back(w);
  int eng_words = static_cast<int>(std::count(eng.begin(), eng.end(), ' ')) + 1;
  for (int k = std::min<int>(static_cast<int>(words.size()) - 1, eng_words + 1); k >= 1; --k) {
    std::string prefix;
    for (int i = 0; i < k; ++i) {
      for (char c : FoldKey(words[i])) {
        if (std::isalnum(static_cast<unsigned char>(c))) prefix.push_back(c);
      }
      if (i + 1 < k) prefix.push_back(' ');
    }
    if (EditDistance(prefix, eng) <= std::max<int>(1, static_cast<int>(eng.size() * 0.35))) {
      std::string rest;
      for (size_t i = k; i < words.size(); ++i) rest += (rest.empty() ? "" : " ") + words[i];
      return Trim(rest, ":/.,");
    }
  }
  return text;
}

// Identifying marks start with one of a few standard words; the tone mark under "Sẹo" is
// often lost by OCR ("Seo" is not a word used there).
std::string FixMarkHead(const std::string& v) {
  std::vector<std::string> words = Split(v, ' ');
  if (words.empty()) return v;
  std::string k = FoldKey(words[0]);
  if (k == "SEO" && words[0] != "Sẹo" && words[0] != "SẸO") words[0] = "Sẹo";
  std::string out;
  for (auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// ---------------------------------------------------------------------------- classification
struct Keyword {
  const char* key;
};

// The folded keys of all segments, for PageHas.
std::string PageText(const std::vector<Segment>& segs) {
  std::string page;
  for (const auto& sg : segs) page += sg.key + " | ";
  return page;
}

bool PageHas(const std::string& page, const std::string& key) {
  return BestSubstringDistance(page, key) <= Allowed(key.size());
}

struct Signals {
  std::string page;  // folded keys of all segments, " | "-joined
  bool mrz_td1 = false, mrz_td3 = false, qr = false;
  int qr_fields = 0;
};

std::pair<DocType, Side> Classify(const Signals& s, double* conf) {
  const std::string& p = s.page;
  auto has = [&](const char* k) { return PageHas(p, k); };
  *conf = 0.95;
  if (s.mrz_td3 || has("HO CHIEU PASSPORT") || has("PASSPORT NO"))
    return {DocType::kPassport, Side::kFront};
  bool english = has("FULL NAME") || has("DATE OF BIRTH") || has("NATIONALITY") ||
                 has("PLACE OF") || has("IDENTIFICATION") || has("INDEX FINGER") ||
                 has("SOCIALIST REPUBLIC");
  bool cancuoc_back = has("NOI CU TRU") || has("NOI DANG KY KHAI SINH") || has("BO CONG AN") ||
                      has("MINISTRY OF PUBLIC SECURITY") || has("NGAY THANG NAM HET HAN");
  bool chip_back = has("CUC TRUONG CUC CANH SAT") || has("DIRECTOR GENERAL") || has("NGON TRO") ||
                   has("DAC DIEM NHAN DANG") || has("DATE MONTH YEAR");
  if (s.mrz_td1) {
    *conf = 0.99;
    if (cancuoc_back || (s.qr && !has("CUC TRUONG"))) return {DocType::kCanCuoc, Side::kBack};
    return {DocType::kCccdChip, Side::kBack};
  }
  if (cancuoc_back && english) return {DocType::kCanCuoc, Side::kBack};
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
  // Weak evidence only.
  *conf = 0.5;
  if (has("HO VA TEN") || has("NGAY SINH") || has("QUE QUAN"))
    return {DocType::kCccd2016, Side::kFront};
  *conf = 0.0;
  return {DocType::kUnknown, Side::kUnknown};
}

// Known title/label keywords read on the page. The back-side labels (identifying marks, issuer,
// fingerprint boxes) keep an upright back above the "outline may be wrong" threshold of 3, which
// otherwise cost CMND 12 / CCCD 2016 backs a full-page pass of the whole photo.
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

// Known issuers (closed vocabulary): key to find → printed form.
std::string FindIssuer(const std::vector<Segment>& segs, DocType type) {
  const std::string page = PageText(segs);
  if (type == DocType::kPassport) {
    if (PageHas(page, "CUC QUAN LY XUAT NHAP CANH")) return "CỤC QUẢN LÝ XUẤT NHẬP CẢNH";
    return {};
  }
  if (PageHas(page, "QUAN LY HANH CHINH VE TRAT TU XA HOI"))
    return "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI";
  if (PageHas(page, "DKQL CU TRU VA DLQG VE DAN CU"))
    return "CỤC TRƯỞNG CỤC CẢNH SÁT ĐKQL CƯ TRÚ VÀ DLQG VỀ DÂN CƯ";
  if (type == DocType::kCanCuoc && PageHas(page, "BO CONG AN")) return "BỘ CÔNG AN";
  // Provincial police director: the issuer line (+ the province on the next line for CMND 12).
  for (size_t i = 0; i < segs.size(); ++i) {
    Match m;
    if (MatchIn(segs[i], static_cast<int>(i), "GIAM DOC CONG AN", false, &m) ||
        MatchIn(segs[i], static_cast<int>(i), "GIAM DOC CA", false, &m)) {
      std::string text;
      for (const auto& w : segs[i].words) text += (text.empty() ? "" : " ") + w.text;
      std::string rest;
      int first_word = segs[i].tokens[m.first_tok].word;
      for (size_t w = first_word; w < segs[i].words.size(); ++w)
        rest += (rest.empty() ? "" : " ") + segs[i].words[w].text;
      std::string out = CleanText(ToUpper(rest));
      std::string key = FoldKey(out);
      if ((key == "GIAM DOC CONG AN" || EditDistance(key, "GIAM DOC CONG AN") <= 2) &&
          i + 1 < segs.size()) {
        out += " " + CleanText(ToUpper([&] {
                 std::string t;
                 for (const auto& w : segs[i + 1].words) t += (t.empty() ? "" : " ") + w.text;
                 return t;
               }()));
      }
      return out;
    }
  }
  return {};
}

// "Ngày 12 tháng 03 năm 2010" → 12/03/2010.
std::string FindVietnameseIssueDate(const std::vector<Segment>& segs) {
  static const std::regex kRe(R"(NGAY\s*(\S{1,2})\s*THANG\s*(\S{1,2})\s*NAM\s*(\S{4}))");
  for (const auto& s : segs) {
    std::smatch m;
    if (std::regex_search(s.key, m, kRe)) {
      std::string d = CleanDate(m[1].str() + "/" + m[2].str() + "/" + m[3].str());
      if (!d.empty()) return d;
    }
  }
  return {};
}

// ----------------------------------------------------------------------------- field extraction
struct Span {
  int seg, from_word, to_word;
};

struct Extracted {
  std::string text;
  double conf = 0;
  std::vector<Span> spans;  // where the value's words are, for re-recognition
  cv::Rect label_line;      // the label and whatever follows it on its segment (empty: no label)
  std::string label_text;   // the words of label_line as read by the page pass
};

// Lines that start another block: never a continuation of the value above them.
bool IsStopLine(const std::string& key) {
  static const char* kStops[] = {
      "NGAY",        "CUC TRUONG",     "GIAM DOC",   "NGON TRO",    "DIRECTOR",  "BO CONG AN",
      "CO GIA TRI",  "DATE OF",        "DAC DIEM",   "DAU VET",     "DAN TOC",   "TON GIAO",
      "HO VA TEN",   "HO TEN",         "SINH NGAY",  "GIOI TINH",   "QUOC TICH", "QUE QUAN",
      "NGUYEN QUAN", "NOI THUONG TRU", "NOI CU TRU", "NOI DANG KY", "NOI DKHK",  "SO DINH DANH"};
  for (const char* k : kStops) {
    if (key.rfind(k, 0) == 0) return true;
  }
  return false;
}

// The segment's key from word `from_word` on.
std::string KeyFrom(const Segment& s, int from_word) {
  std::string key;
  for (const auto& t : s.tokens)
    if (t.word >= from_word) key += (key.empty() ? "" : " ") + t.key;
  return key;
}

std::string WordsText(const Segment& s, int from_word, int to_word) {
  std::string t;
  for (int i = from_word; i < to_word && i < static_cast<int>(s.words.size()); ++i)
    t += (t.empty() ? "" : " ") + s.words[i].text;
  return t;
}

bool HasAlnum(const std::string& text) {
  for (char c : FoldKey(text)) {
    if (std::isalnum(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

// Mean confidence and number of the words with letters or digits in [from_word, to_word).
double AlnumConf(const Segment& s, int from_word, int to_word, int* count) {
  double sum = 0;
  int n = 0;
  for (int i = from_word; i < to_word && i < static_cast<int>(s.words.size()); ++i) {
    if (!HasAlnum(s.words[i].text)) continue;
    sum += s.words[i].conf;
    ++n;
  }
  *count = n;
  return n ? sum / n / 100.0 : 0;
}

int AlnumWords(const std::string& text) {
  int n = 0;
  for (const auto& w : Split(CollapseSpaces(text), ' ')) n += HasAlnum(w) ? 1 : 0;
  return n;
}

double WordsConf(const Segment& s, int from_word, int to_word) {
  double sum = 0;
  int n = 0;
  for (int i = from_word; i < to_word && i < static_cast<int>(s.words.size()); ++i, ++n)
    sum += s.words[i].conf;
  return n ? sum / n / 100.0 : 0;
}

// Mean confidence (0-100) of the words with letters or digits of a page reading, and their count.
double ReadingConfidence(const std::vector<Segment>& segs, int* words) {
  double sum = 0;
  int n = 0;
  for (const auto& sg : segs) {
    for (const auto& w : sg.words) {
      if (!HasAlnum(w.text)) continue;
      sum += w.conf;
      ++n;
    }
  }
  *words = n;
  return n ? sum / n : 0;
}

class FieldExtractor {
 public:
  FieldExtractor(const std::vector<Segment>& segs, const std::vector<FieldSpec>& specs)
      : segs_(segs), specs_(specs) {
    // Best match per field, then every label start is a value boundary.
    for (size_t f = 0; f < specs_.size(); ++f) {
      Match best;
      bool found = false;
      for (const char* label : specs_[f].labels) {
        for (size_t si = 0; si < segs_.size(); ++si) {
          Match m;
          if (MatchIn(segs_[si], static_cast<int>(si), label, specs_[f].at_start, &m)) {
            // Inside a line a short label must be read exactly: with one edit allowed, `QUE QUAN`
            // was found in the residence `…, Phường Tân Quý, Quận …` (`QUY QUAN`).
            if (m.first_tok > 0 && m.dist > 0 && std::strlen(label) < 12) continue;
            // Prefer lower distance, then longer label.
            if (!found || m.dist < best.dist || (m.dist == best.dist && m.len > best.len)) {
              best = m;
              found = true;
            }
          }
        }
        if (found && best.dist == 0) break;
      }
      if (found) matches_[specs_[f].field] = best;
    }
    InferMissingLabels();
  }

  // A short label the page pass garbled ("Họ tên:" read as "nọ te:") leaves its value unread.
  // When the next field's label was found, one of the lines above it in the same column (at most
  // the field's line count) is this field's first line: the nearest whose label ends at a word
  // ending with ':' within the label's length.
  void InferMissingLabels() {
    for (size_t f = 0; f + 1 < specs_.size(); ++f) {
      const FieldSpec& spec = specs_[f];
      if (matches_.count(spec.field) || spec.below) continue;
      auto next = matches_.find(specs_[f + 1].field);
      if (next == matches_.end() || next->second.seg == 0) continue;
      const int k = next->second.seg;
      const int h = std::max(12, segs_[k].box.height);
      // The label line is one of the field's value lines above the next label (a wrapped address
      // puts its last line in between), in the same column; marks read on the portrait are not.
      int lines = 0;
      int top = segs_[k].box.y;
      for (int si = k - 1; si >= 0 && lines < spec.max_lines; --si) {
        const Segment& seg = segs_[si];
        if (seg.box.br().y > segs_[k].box.y + segs_[k].box.height / 4) continue;
        if (std::abs(seg.box.x - segs_[k].box.x) > 2 * h) continue;
        if (IsLabelSegment(si) || top - seg.box.br().y > 2 * h) break;
        ++lines;
        top = seg.box.y;
        if (auto m = LabelEndingInColon(si, spec)) {
          matches_[spec.field] = *m;
          break;
        }
      }
    }
  }

  // The label of `spec` inferred on segment `si`: its words up to the first one ending in ':'
  // within the label's length, when a value follows.
  std::optional<Match> LabelEndingInColon(int si, const FieldSpec& spec) const {
    const Segment& seg = segs_[si];
    std::string shortest = spec.labels.back();
    int label_words = static_cast<int>(std::count(shortest.begin(), shortest.end(), ' ')) + 1;
    for (int w = 0; w <= label_words && w < static_cast<int>(seg.words.size()) - 1; ++w) {
      if (seg.words[w].text.back() != ':') continue;
      Match m;
      m.seg = si;
      m.first_tok = 0;
      m.end_tok = static_cast<int>(seg.tokens.size());
      for (int t = 0; t < static_cast<int>(seg.tokens.size()); ++t) {
        if (seg.tokens[t].word > w) {
          m.end_tok = t;
          break;
        }
      }
      m.dist = Allowed(shortest.size()) + 1;
      m.len = shortest.size();
      if (m.end_tok > 0 && m.end_tok < static_cast<int>(seg.tokens.size())) return m;
      return std::nullopt;
    }
    return std::nullopt;
  }

  std::optional<Match> LabelOf(const std::string& field) const {
    auto it = matches_.find(field);
    if (it == matches_.end()) return std::nullopt;
    return it->second;
  }

  bool IsLabelSegment(int si) const {
    for (const auto& [f, m] : matches_)
      if (m.seg == si) return true;
    return false;
  }

  // A line below a label, from its first word in the label's column on.
  struct Line {
    int seg;
    int from_word;
  };

  // Segments below the label box `lab` (in segment `ref`) and roughly left-aligned with it.
  // Words lying wholly left of the label's column are dropped first: the page pass glues marks
  // read on the portrait to a wrapped value's last line ("à. Ngãi"), which would otherwise
  // shift that line out of the column and lose it, or add their text to the value.
  std::vector<Line> Below(int ref, cv::Rect lab, int count) const {
    std::vector<Line> out;
    int x = lab.x;
    int last_bottom = lab.br().y;
    int h = std::max(12, lab.height);
    for (size_t i = 0; i < segs_.size() && static_cast<int>(out.size()) < count; ++i) {
      const Segment& s = segs_[i];
      if (static_cast<int>(i) == ref) continue;
      int from = 0;
      const int n = static_cast<int>(s.words.size());
      while (from < n && s.words[from].box.br().x <= x) ++from;
      if (from == n) continue;
      cv::Rect box = s.words[from].box;
      for (int w = from; w < n; ++w) box |= s.words[w].box;
      if (box.y + box.height / 2 <= last_bottom) continue;
      if (box.y - last_bottom > 1.6 * h) break;
      if (std::abs(box.x - x) > 3 * h) continue;
      out.push_back({static_cast<int>(i), from});
      last_bottom = box.br().y;
    }
    return out;
  }

  // Segments continuing segment `si`'s text line to its right (gaps under 6 line heights), in
  // order; none that is a label or starts a block.
  std::vector<int> SameLineRight(int si) const {
    const Segment& s = segs_[si];
    double cy = s.box.y + s.box.height / 2.0;
    std::vector<int> cand;
    for (size_t j = 0; j < segs_.size(); ++j) {
      const Segment& t = segs_[j];
      if (static_cast<int>(j) == si || t.box.x < s.box.br().x - 4) continue;
      if (std::abs(t.box.y + t.box.height / 2.0 - cy) > 0.5 * std::max(s.box.height, t.box.height))
        continue;
      cand.push_back(static_cast<int>(j));
    }
    std::sort(cand.begin(), cand.end(),
              [&](int a, int b) { return segs_[a].box.x < segs_[b].box.x; });
    std::vector<int> out;
    int right = s.box.br().x;
    for (int j : cand) {
      const Segment& t = segs_[j];
      if (t.box.x - right > 6 * std::max(12, s.box.height) || IsLabelSegment(j) ||
          IsStopLine(t.key)) {
        break;
      }
      out.push_back(j);
      right = t.box.br().x;
    }
    return out;
  }

  Extracted Value(const FieldSpec& spec) const {
    auto lm = LabelOf(spec.field);
    if (!lm) return {};
    const Segment& seg = segs_[lm->seg];
    // Value words: after the label up to the next label in the same segment.
    int from_word = lm->end_tok < static_cast<int>(seg.tokens.size())
                        ? seg.tokens[lm->end_tok].word
                        : static_cast<int>(seg.words.size());
    if (lm->end_tok > 0 && lm->end_tok < static_cast<int>(seg.tokens.size()) &&
        seg.tokens[lm->end_tok].word == seg.tokens[lm->end_tok - 1].word) {
      from_word = seg.tokens[lm->end_tok].word + 1;  // label glued to the value: drop that word
    }
    int to_word = static_cast<int>(seg.words.size());
    for (const auto& [f, m] : matches_) {
      if (m.seg == lm->seg && m.first_tok >= lm->end_tok) {
        to_word = std::min(to_word, seg.tokens[m.first_tok].word);
      }
    }
    Extracted e;
    int lines = 0;
    double conf_sum = 0;
    int conf_n = 0;
    if (from_word < to_word) {
      e.spans.push_back({lm->seg, from_word, to_word});
      e.text = WordsText(seg, from_word, to_word);
      conf_sum += WordsConf(seg, from_word, to_word);
      ++conf_n;
      ++lines;
    }
    cv::Rect label_box = seg.words[seg.tokens[lm->first_tok].word].box;
    for (int t = lm->first_tok; t < lm->end_tok; ++t)
      label_box |= seg.words[seg.tokens[t].word].box;
    e.label_line = label_box;
    for (int w = seg.tokens[lm->first_tok].word; w < to_word; ++w) e.label_line |= seg.words[w].box;
    e.label_text = WordsText(seg, seg.tokens[lm->first_tok].word, to_word);
    if (lines == 0 && !spec.below && to_word == static_cast<int>(seg.words.size())) {
      // A value in a larger font than its label can land in a line group of its own: take the
      // segment just right of the label on the same text line.
      double cy = label_box.y + label_box.height / 2.0;
      for (size_t i = 0; i < segs_.size(); ++i) {
        const Segment& s = segs_[i];
        double scy = s.box.y + s.box.height / 2.0;
        int gap = s.box.x - label_box.br().x;
        if (static_cast<int>(i) == lm->seg || IsLabelSegment(static_cast<int>(i)) ||
            std::abs(scy - cy) > 0.6 * std::max(label_box.height, s.box.height) || gap < -4 ||
            gap > 6 * std::max(12, label_box.height)) {
          continue;
        }
        int n = static_cast<int>(s.words.size());
        e.spans.push_back({static_cast<int>(i), 0, n});
        e.text = WordsText(s, 0, n);
        conf_sum += WordsConf(s, 0, n);
        ++conf_n;
        ++lines;
        break;
      }
    }
    if (lines < spec.max_lines &&
        (spec.below || lines > 0 || spec.kind == Kind::kAddress || e.text.empty())) {
      int want = spec.max_lines - lines;
      if (spec.kind == Kind::kDate && e.text.empty()) want = std::max(want, 3);
      for (const Line& below : Below(lm->seg, label_box, want)) {
        const int si = below.seg;
        const Segment& s = segs_[si];
        const int n = static_cast<int>(s.words.size());
        std::string line = WordsText(s, below.from_word, n);
        if (spec.kind == Kind::kDate) {
          if (CleanDate(line).empty() && !PageHas(FoldKey(line), "KHONG THOI HAN")) continue;
        } else if (IsLabelSegment(si) || IsStopLine(KeyFrom(s, below.from_word))) {
          break;
        }
        e.spans.push_back({si, below.from_word, n});
        e.text += (e.text.empty() ? "" : " ") + line;
        conf_sum += WordsConf(s, below.from_word, n);
        ++conf_n;
        if (spec.kind == Kind::kAddress) {
          // A wrapped line can fall apart into segments at wide word gaps ("Tỉnh Bà" |
          // "Rịa - Vũng" | "Tàu"): the rest of that text line, left to right.
          for (int j : SameLineRight(si)) {
            const Segment& sj = segs_[j];
            int n = static_cast<int>(sj.words.size());
            e.spans.push_back({j, 0, n});
            e.text += " " + WordsText(sj, 0, n);
            conf_sum += WordsConf(sj, 0, n);
            ++conf_n;
          }
        }
        if (spec.kind == Kind::kDate || spec.kind == Kind::kName || spec.kind == Kind::kId) break;
      }
    }
    e.conf = conf_n ? conf_sum / conf_n : 0;
    return e;
  }

 private:
  const std::vector<Segment>& segs_;
  const std::vector<FieldSpec>& specs_;
  std::map<std::string, Match> matches_;
};

Field MakeField(std::string value, double conf, std::string source) {
  Field f;
  if (value.empty()) return f;
  f.value = std::move(value);
  f.confidence = std::clamp(conf, 0.0, 1.0);
  f.source = std::move(source);
  return f;
}

void SetField(DocResult* r, const std::string& name, Field f) {
  for (auto& [n, v] : r->fields) {
    if (n == name) {
      v = std::move(f);
      return;
    }
  }
  r->fields.emplace_back(name, std::move(f));
}

Field* GetMutable(DocResult* r, const std::string& name) {
  for (auto& [n, v] : r->fields)
    if (n == name) return &v;
  return nullptr;
}

std::string SexFromMrz(const std::string& s) {
  return s == "M" ? "Nam" : s == "F" ? "Nữ" : "";
}

// Same value up to case and accents (+ a small OCR tolerance for long text).
bool Agrees(const std::string& a, const std::string& b, int tolerance = 0) {
  std::string ka = FoldKey(a), kb = FoldKey(b);
  return EditDistance(ka, kb) <= tolerance;
}

// An accent-free machine value (MRZ names) checks the letters, not the tone marks OCR gets wrong:
// of the passport names whose letters agreed with the MRZ, 225 of 254 were exact on nine synthetic
// sets (2026-11-26, docs/doc.md), so agreement is worth about this much, not 0.99. Taken alone,
// the accent-free value is the printed name only when that has no diacritics.
constexpr double kAccentFreeAgreementConfidence = 0.85;
constexpr double kAccentFreeAloneConfidence = 0.3;

// Cross-checks a field against a machine-readable value: agreement raises confidence, a
// disagreement takes the machine value (error-checked by QR ECC / MRZ check digits).
void CrossCheck(DocResult* r, const std::string& name, const std::string& machine_value,
                const std::string& source, bool machine_trusted, bool accent_free_machine = false) {
  if (machine_value.empty()) return;
  Field* f = GetMutable(r, name);
  if (f == nullptr || !f->present()) {
    if (machine_trusted && !accent_free_machine)
      SetField(r, name, MakeField(machine_value, 0.95, source));
    else if (machine_trusted)
      SetField(r, name, MakeField(machine_value, kAccentFreeAloneConfidence, source));
    return;
  }
  if (Agrees(f->value, machine_value)) {
    // Same letters: the error-checked machine value also settles the tone marks and case that
    // OCR gets wrong (accent-free MRZ names keep the printed accents, unchecked).
    if (machine_trusted && !accent_free_machine) f->value = machine_value;
    f->confidence =
        std::max(f->confidence, accent_free_machine ? kAccentFreeAgreementConfidence : 0.99);
    f->source = "ocr+" + source;
  } else if (machine_trusted && !accent_free_machine) {
    f->value = machine_value;
    f->confidence = 0.95;
    f->source = source;
  } else if (machine_trusted) {
    // Accent-free machine text (MRZ names): keep the printed accents, lower confidence.
    f->confidence = std::min(f->confidence, 0.5);
  }
}

cv::Rect PortraitSlot(DocType t, Side s, cv::Size card) {
  if (s != Side::kFront) return {};
  auto r = [&](double x, double y, double w, double h) {
    return cv::Rect(static_cast<int>(x * card.width), static_cast<int>(y * card.height),
                    static_cast<int>(w * card.width), static_cast<int>(h * card.height));
  };
  switch (t) {
    case DocType::kCccdChip:
      return r(0.03, 0.38, 0.21, 0.43);
    case DocType::kCanCuoc:
      return r(0.03, 0.46, 0.20, 0.41);
    case DocType::kCccd2016:
      return r(0.03, 0.30, 0.21, 0.43);
    case DocType::kCmnd12:
    case DocType::kCmnd9:
      return r(0.03, 0.29, 0.20, 0.42);
    case DocType::kPassport:
      return r(0.02, 0.17, 0.22, 0.40);
    default:
      return {};
  }
}

// Grey image for OCR: the darkest channel keeps coloured ink (red ID numbers, blue titles) dark
// and pastel backgrounds/guilloche light; dividing by a blurred background evens out lighting.
cv::Mat TextGray(const cv::Mat& bgr, double scale = 1.0) {
  std::vector<cv::Mat> ch;
  cv::split(bgr, ch);
  cv::Mat m = cv::min(cv::min(ch[0], ch[1]), ch[2]);
  cv::Mat bg;
  int k = static_cast<int>(std::lround(31 * scale)) | 1;
  cv::morphologyEx(m, bg, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {k, k}));
  cv::GaussianBlur(bg, bg, {0, 0}, 8 * scale);
  cv::Mat out;
  cv::divide(m, bg, out, 255.0);
  return out;
}

cv::Rect SpanBox(const std::vector<Segment>& segs, const Span& sp) {
  const Segment& sg = segs[sp.seg];
  cv::Rect box = sg.words[sp.from_word].box;
  for (int w = sp.from_word; w < sp.to_word; ++w) box |= sg.words[w].box;
  return box;
}

// Where the ID number and the bottom-left expiry date sit on the upright, rectified card (card
// fractions, from the layouts of vn-identity-reference.md as our generator draws them). Used only
// when the label pass did not yield a valid value: real cards may shift, so the boxes are generous
// and the value read there must still pass the format and ID-rule checks.
cv::Rect ValueTemplate(DocType t, Side s, const std::string& field, cv::Size card) {
  if (s != Side::kFront) return {};
  auto r = [&](double x, double y, double w, double h) {
    return cv::Rect(static_cast<int>(x * card.width), static_cast<int>(y * card.height),
                    static_cast<int>(w * card.width), static_cast<int>(h * card.height));
  };
  if (field == "id") {
    switch (t) {
      case DocType::kCccdChip:
        return r(0.34, 0.405, 0.38, 0.08);
      case DocType::kCccd2016:
        return r(0.30, 0.279, 0.42, 0.079);
      case DocType::kCmnd12:
        return r(0.28, 0.267, 0.42, 0.076);
      case DocType::kCmnd9:
        return r(0.28, 0.273, 0.42, 0.079);
      case DocType::kCanCuoc:
        return r(0.25, 0.489, 0.37, 0.076);
      default:
        return {};
    }
  }
  if (field == "ngay_het_han") {
    switch (t) {
      case DocType::kCccdChip:
        return r(0.03, 0.877, 0.23, 0.05);
      case DocType::kCccd2016:
        return r(0.03, 0.784, 0.23, 0.052);
      case DocType::kCmnd12:
        return r(0.03, 0.752, 0.23, 0.052);
      default:
        return {};
    }
  }
  return {};
}

int RotationOf(const std::vector<cv::Point2f>& c) {
  double ang = std::atan2(c[1].y - c[0].y, c[1].x - c[0].x) * 180.0 / CV_PI;
  int r = static_cast<int>(std::lround(ang / 90.0)) * 90;
  return ((r % 360) + 360) % 360;
}

}  // namespace

// ----------------------------------------------------------------------------------- public
ClassInfo ClassOf(DocType type, Side side) {
  bool front = side == Side::kFront;
  switch (type) {
    case DocType::kCmnd9:
      return {front ? 0 : 1, "CMND",
              front ? "CHỨNG MINH NHÂN DÂN - MẶT TRƯỚC" : "CHỨNG MINH NHÂN DÂN - MẶT SAU"};
    case DocType::kCccd2016:
      return {front ? 2 : 3, "CCCD",
              front ? "CĂN CƯỚC CÔNG DÂN - MẶT TRƯỚC" : "CĂN CƯỚC CÔNG DÂN - MẶT SAU"};
    case DocType::kCccdChip:
      return {front ? 4 : 5, "CCCD_CHIP",
              front ? "CĂN CƯỚC CÔNG DÂN GẮN CHIP - MẶT TRƯỚC"
                    : "CĂN CƯỚC CÔNG DÂN GẮN CHIP - MẶT SAU"};
    case DocType::kCmnd12:
      return {
          front ? 6 : 7, "CMND_12",
          front ? "CHỨNG MINH NHÂN DÂN 12 SỐ - MẶT TRƯỚC" : "CHỨNG MINH NHÂN DÂN 12 SỐ - MẶT SAU"};
    case DocType::kCanCuoc:
      return {front ? 8 : 9, "CAN_CUOC", front ? "CĂN CƯỚC - MẶT TRƯỚC" : "CĂN CƯỚC - MẶT SAU"};
    case DocType::kPassport:
      return {10, "PASSPORT", "HỘ CHIẾU - TRANG THÔNG TIN"};
    default:
      return {-1, "UNKNOWN", "N/A"};
  }
}

const char* DocTypeName(DocType type) {
  switch (type) {
    case DocType::kCmnd9:
      return "CMND9";
    case DocType::kCmnd12:
      return "CMND12";
    case DocType::kCccd2016:
      return "CCCD2016";
    case DocType::kCccdChip:
      return "CCCD_CHIP";
    case DocType::kCanCuoc:
      return "CAN_CUOC";
    case DocType::kPassport:
      return "PASSPORT";
    default:
      return "UNKNOWN";
  }
}

std::string Unidecode(const std::string& utf8) {
  return StripAccents(utf8);
}

const Field* DocResult::Get(const std::string& name) const {
  for (const auto& [n, v] : fields)
    if (n == name) return &v;
  return nullptr;
}

nlohmann::json DocResult::ToJson() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, f] : fields) {
    out[name] = {{"value", f.value},
                 {"confidence", std::round(f.confidence * 1000) / 1000},
                 {"value_unidecode", f.present() ? Unidecode(f.value) : "N/A"}};
  }
  ClassInfo c = ClassOf(type, side);
  out["class_name"] = {{"value", c.name},
                       {"confidence", std::round(class_confidence * 1000) / 1000},
                       {"normalized", {{"value", c.value}, {"code", c.code}}}};
  if (mrz) {
    out["mrz"] = {{"format", mrz->format},
                  {"lines", mrz->lines},
                  {"checks_ok", mrz->checks_ok},
                  {"failed_checks", mrz->failed_checks},
                  {"repaired_chars", mrz->repaired_chars},
                  {"document_number", mrz->document_number},
                  {"personal_number", mrz->personal_number},
                  {"birth_date", mrz->birth_date},
                  {"expiry_date", mrz->expiry_date},
                  {"sex", mrz->sex},
                  {"nationality", mrz->nationality},
                  {"surname", mrz->surname},
                  {"given_names", mrz->given_names}};
  }
  if (qr) {
    out["qr"] = {{"raw", qr->raw},
                 {"id", qr->id},
                 {"old_id", qr->old_id},
                 {"name", qr->name},
                 {"birth_date", qr->birth_date},
                 {"sex", qr->sex},
                 {"address", qr->address},
                 {"issue_date", qr->issue_date},
                 {"expiry_date", qr->expiry_date},
                 {"field_count", qr->field_count}};
  }
  nlohmann::json corners_json = nlohmann::json::array();
  for (const auto& p : corners)
    corners_json.push_back({std::round(p.x * 10) / 10, std::round(p.y * 10) / 10});
  out["card"] = {{"rotation", rotation},
                 {"located", card_located},
                 {"corners", corners_json},
                 {"type", DocTypeName(type)},
                 {"side", side == Side::kFront  ? "front"
                          : side == Side::kBack ? "back"
                                                : "unknown"}};
  return out;
}

struct DocReader::Impl {
  DocReaderOptions options;
  tesseract::TessBaseAPI vie;
  tesseract::TessBaseAPI eng;

  Result<DocResult> Read(const cv::Mat& image, bool check_rotate);
  std::optional<MrzData> ReadMrz(const cv::Mat& gray, bool passport_like);
  // Re-reads one value line alone (PSM 7), upscaled to ~44 px text height with a white border:
  // more accurate diacritics than the full-page pass.
  std::string ReadLine(const cv::Mat& gray, cv::Rect box, double* conf, double top_pad = 0.25);
  // Reads a region that may hold several lines (PSM 6), upscaled by `scale`: one reading
  // (text, mean word confidence in [0, 1]) per line found, top to bottom.
  std::vector<Reading> ReadBlock(const cv::Mat& gray, cv::Rect box, double scale);
  // One line image already cut and scaled: white border, PSM 7.
  std::string ReadLineImage(const cv::Mat& up, double* conf);
};

std::vector<Reading> DocReader::Impl::ReadBlock(const cv::Mat& gray, cv::Rect box, double scale) {
  box &= cv::Rect(0, 0, gray.cols, gray.rows);
  if (box.width < 8 || box.height < 8) return {};
  cv::Mat up, bordered;
  cv::resize(gray(box), up, {}, scale, scale, cv::INTER_CUBIC);
  cv::copyMakeBorder(up, bordered, 12, 12, 12, 12, cv::BORDER_CONSTANT, cv::Scalar(255));
  std::vector<Reading> out;
  for (const Segment& sg : BuildSegments(RunOcr(&vie, bordered, tesseract::PSM_SINGLE_BLOCK))) {
    int n = static_cast<int>(sg.words.size());
    out.push_back({WordsText(sg, 0, n), WordsConf(sg, 0, n)});
  }
  return out;
}

static cv::Rect PadLineBox(cv::Rect box, double top_pad, cv::Size bounds) {
  // Word boxes from the page pass often exclude stacked tone marks (the tilde over Ễ, the hook
  // over Ổ): name re-reads reach higher above the box (top_pad 0.45). Small text under a label
  // line reads worse with more of that line in the crop, so the default stays 0.25.
  int pad_top = std::max(3, static_cast<int>(box.height * top_pad));
  int pad_y = std::max(3, box.height / 4), pad_x = std::max(4, box.height / 2);
  return cv::Rect(box.x - pad_x, box.y - pad_top, box.width + 2 * pad_x,
                  box.height + pad_top + pad_y) &
         cv::Rect(0, 0, bounds.width, bounds.height);
}

std::string DocReader::Impl::ReadLine(const cv::Mat& gray, cv::Rect box, double* conf,
                                      double top_pad) {
  box = PadLineBox(box, top_pad, gray.size());
  if (box.width < 4 || box.height < 4) return {};
  double scale = std::clamp(52.0 / box.height, 1.0, 4.0);
  cv::Mat up;
  cv::resize(gray(box), up, {}, scale, scale, cv::INTER_CUBIC);
  return ReadLineImage(up, conf);
}

std::string DocReader::Impl::ReadLineImage(const cv::Mat& up, double* conf) {
  cv::Mat bordered;
  cv::copyMakeBorder(up, bordered, 12, 12, 12, 12, cv::BORDER_CONSTANT, cv::Scalar(255));
  std::vector<Word> words = RunOcr(&vie, bordered, tesseract::PSM_SINGLE_LINE);
  std::string text;
  double sum = 0;
  int n = 0;
  for (const auto& w : words) {
    text += (text.empty() ? "" : " ") + w.text;
    // Punctuation specks read from the background pattern carry low confidences that say
    // nothing about the value's letters: only words with letters or digits count.
    if (HasAlnum(w.text)) {
      sum += w.conf;
      ++n;
    }
  }
  *conf = n == 0 ? 0 : sum / n / 100.0;
  return text;
}

DocReader::DocReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DocReader::~DocReader() {
  if (impl_) {
    impl_->vie.End();
    impl_->eng.End();
  }
}

Result<std::unique_ptr<DocReader>> DocReader::Create(const DocReaderOptions& options) {
  namespace fs = std::filesystem;
  for (const char* lang : {"vie", "eng"}) {
    if (!fs::exists(fs::path(options.tessdata_dir) / (std::string(lang) + ".traineddata"))) {
      return FailedPrecondition("doc.tessdata_missing",
                                std::string("Tesseract model ") + lang +
                                    ".traineddata not found in " + options.tessdata_dir +
                                    " (install tesseract-ocr-" +
                                    (std::string(lang) == "vie" ? "vie" : "eng") + ")");
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  for (auto* api : {&impl->vie, &impl->eng}) {
    api->SetVariable("debug_file", "/dev/null");
  }
  if (impl->vie.Init(options.tessdata_dir.c_str(), "vie", tesseract::OEM_LSTM_ONLY) != 0 ||
      impl->eng.Init(options.tessdata_dir.c_str(), "eng", tesseract::OEM_LSTM_ONLY) != 0) {
    return FailedPrecondition("doc.tesseract_init",
                              "Tesseract could not load its models from " + options.tessdata_dir);
  }
  impl->eng.SetVariable("tessedit_char_whitelist", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<");
  impl->eng.SetVariable("load_system_dawg", "0");
  impl->eng.SetVariable("load_freq_dawg", "0");
  return std::unique_ptr<DocReader>(new DocReader(std::move(impl)));
}

Result<DocResult> DocReader::Read(const cv::Mat& image, bool check_rotate) {
  return impl_->Read(image, check_rotate);
}

std::optional<MrzData> DocReader::Impl::ReadMrz(const cv::Mat& gray, bool passport_like) {
  // The MRZ sits in the bottom third of the card; eng + whitelist (no OCR-B model is packaged).
  int top = static_cast<int>(gray.rows * (passport_like ? 0.72 : 0.62));
  cv::Mat band = gray(cv::Rect(0, top, gray.cols, gray.rows - top));
  // Two readings: as rectified, then (only when check digits fail or a Vietnamese name word cannot
  // be a syllable) enlarged ×1.5, where the generic model drops fewer characters from long filler
  // runs. Check digits pick the reading, then the name words: the name has no check digit.
  std::optional<MrzData> best;
  int best_bad_words = 0;
  for (double scale : {1.0, 1.5}) {
    if (best && best->checks_ok && best_bad_words == 0) break;
    cv::Mat img;
    if (scale == 1.0)
      img = band.clone();
    else
      cv::resize(band, img, {}, scale, scale, cv::INTER_CUBIC);
    // Tesseract's own line split: filler runs make word gaps too wide for our segment grouping.
    eng.SetPageSegMode(tesseract::PSM_SINGLE_BLOCK);
    eng.SetImage(img.data, img.cols, img.rows, 1, static_cast<int>(img.step));
    eng.SetSourceResolution(300);
    std::unique_ptr<char[]> txt(eng.GetUTF8Text());
    std::vector<std::string> lines;
    if (txt) {
      for (auto& l : Split(txt.get(), '\n')) {
        if (!Trim(l).empty()) lines.push_back(l);
      }
    }
    std::vector<std::string> mrz_lines = FindMrzLines(lines);
    if (mrz_lines.empty()) continue;
    auto parsed = ParseMrz(mrz_lines);
    if (!parsed.ok()) continue;
    const int bad_words = ImplausibleNameWords(*parsed);
    if (!best || parsed->failed_checks.size() < best->failed_checks.size() ||
        (parsed->failed_checks.size() == best->failed_checks.size() &&
         bad_words < best_bad_words)) {
      best = parsed.value();
      best_bad_words = bad_words;
    }
  }
  if (best && best_bad_words > 0) {
    if (auto undoubled = UndoubleNameVowels(*best)) best = std::move(undoubled);
  }
  return best;
}

Result<DocResult> DocReader::Impl::Read(const cv::Mat& image, bool check_rotate) {
  if (image.empty()) return InvalidArgument("image.empty", "the image is empty");
  if (image.depth() != CV_8U ||
      (image.channels() != 1 && image.channels() != 3 && image.channels() != 4)) {
    return InvalidArgument("image.format", "expected an 8-bit grayscale, BGR or BGRA image");
  }
  if (std::min(image.cols, image.rows) < 200) {
    return InvalidArgument("doc.image_too_small",
                           "the image is too small to read a card (" + std::to_string(image.cols) +
                               "x" + std::to_string(image.rows) +
                               " px; send at least 1000 px on the long side)");
  }
  cv::Mat bgr;
  if (image.channels() == 1)
    cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
  else if (image.channels() == 4)
    cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR);
  else
    bgr = image;

  EKYC_ASSIGN_OR_RETURN(CardQuad quad, LocateCard(bgr));
  const double aspect = quad.aspect < 1.5 ? kPassportAspect : kId1Aspect;
  const int width = options.card_width;

  struct Attempt {
    std::vector<cv::Point2f> corners;
    double aspect = 0;  // of the rectified card: ID-1 or passport page
    cv::Mat card, gray;
    std::vector<Segment> segs;
    int score = -1;
    double conf = 0;  // mean confidence (0-100) of the words with letters or digits
    int words = 0;    // number of those words
    // Upside-down text is still read as words, but with low confidence (mean 35-57 on our
    // generated sets against 78-96 upright): a confident reading with at least one known label
    // is upright, and the second full-page pass on the card turned 180 degrees is not needed.
    bool LooksUpright() const { return score >= 1 && words >= 8 && conf >= 70; }
  };
  auto attempt = [&](std::vector<cv::Point2f> corners, double target_aspect) {
    Attempt a;
    a.corners = std::move(corners);
    a.aspect = target_aspect;
    a.card = Rectify(bgr, a.corners, width, target_aspect);
    a.gray = TextGray(a.card);
    a.segs = BuildSegments(RunOcr(&vie, a.gray, tesseract::PSM_AUTO));
    a.score = OrientationScore(a.segs);
    a.conf = ReadingConfidence(a.segs, &a.words);
    return a;
  };
  Attempt best = attempt(quad.corners, aspect);
  if (check_rotate && best.score < 4 && !best.LooksUpright()) {
    std::vector<cv::Point2f> flipped = {quad.corners[2], quad.corners[3], quad.corners[0],
                                        quad.corners[1]};
    Attempt other = attempt(flipped, aspect);
    if (other.score > best.score) best = std::move(other);
  }
  // The outline found may be an inner box (MRZ band, photo frame, background curves): try the
  // whole image as the card when the reading found few labels, or whenever the image has a
  // card's aspect (a crop). Confident readings of an inner box happen: a quad of guilloche curves
  // cut the label column off a clean card (mean confidence >= 88, 2 of 5 fields lost). The whole
  // image wins on more labels only (winning ties on confidence lost 2 fields of phone photos,
  // whose whole image is a scene). The outline is also doubted when its shape contradicts the
  // document read inside it and the image itself may be the document: a passport page read from
  // an ID-1-shaped box (the page above its MRZ band) or a card read from a passport-shaped one;
  // the whole image then wins ties.
  const std::string page = PageText(best.segs);
  const bool reads_passport = PageHas(page, "PASSPORT") || PageHas(page, "HO CHIEU");
  const bool shape_mismatch =
      quad.maybe_crop && best.score >= 3 && reads_passport != (best.aspect < 1.5);
  // A card photographed on a background has a margin on every side; an inner box of a crop
  // shares at least one of the crop's edges. Only such outlines cost a second page pass when
  // their reading is confident (a 7:5 phone photo has a passport page's aspect).
  const float edge = 0.02F * static_cast<float>(std::max(bgr.cols, bgr.rows));
  const bool touches_edge =
      std::any_of(quad.corners.begin(), quad.corners.end(), [&](const cv::Point2f& c) {
        return c.x < edge || c.y < edge || c.x > static_cast<float>(bgr.cols) - edge ||
               c.y > static_cast<float>(bgr.rows) - edge;
      });
  const bool doubt_outline =
      best.score < 3 || (quad.maybe_crop && (best.conf < 88 || touches_edge));
  if (doubt_outline && quad.located) {
    // The whole image is rectified at its own aspect class, not the doubted outline's (a false
    // outline of background curves has any aspect).
    const double image_aspect = static_cast<double>(std::max(bgr.cols, bgr.rows)) /
                                std::max(1, std::min(bgr.cols, bgr.rows));
    const double whole_aspect =
        std::abs(image_aspect - kPassportAspect) < std::abs(image_aspect - kId1Aspect)
            ? kPassportAspect
            : kId1Aspect;
    // Same orientation as the best reading so far (the whole image's corners start top-left),
    // when that reading found any label; a reading with none says nothing about orientation,
    // so the image is read upright and, if still unsure, turned 180 degrees.
    std::vector<cv::Point2f> whole_corners = WholeImageCorners(bgr);
    const std::vector<cv::Point2f> turned = {whole_corners[2], whole_corners[3], whole_corners[0],
                                             whole_corners[1]};
    const bool orientation_known = best.score > 0;
    if (orientation_known &&
        cv::norm(whole_corners[0] - best.corners[0]) > cv::norm(whole_corners[2] - best.corners[0]))
      whole_corners = turned;
    // On a shape mismatch only an image shaped like the document read is worth a reading, and
    // it wins ties: the outline's labels are inside it too, and the outline cut the rest.
    const bool whole_fits = !shape_mismatch || reads_passport == (whole_aspect < 1.5);
    if (whole_fits) {
      Attempt whole = attempt(whole_corners, whole_aspect);
      if (!orientation_known && check_rotate && whole.score < 4 && !whole.LooksUpright()) {
        Attempt other = attempt(turned, whole_aspect);
        if (other.score > whole.score) whole = std::move(other);
      }
      // An MRZ band that only the whole image shows (an inner box of a passport page or a chip
      // card back that stops above it) is worth as much as a label: the MRZ is the side's
      // strongest evidence.
      auto mrz_text = [](const Attempt& a) {
        return std::any_of(a.segs.begin(), a.segs.end(), [](const Segment& sg) {
          return std::any_of(sg.words.begin(), sg.words.end(),
                             [](const Word& w) { return w.text.find("<<") != std::string::npos; });
        });
      };
      const bool adds_mrz = whole.score >= best.score && !mrz_text(best) && mrz_text(whole);
      if (whole.score > best.score || (shape_mismatch && whole.score == best.score) || adds_mrz) {
        best = std::move(whole);
        quad.located = false;
      }
    }
  }
  if (best.score <= 0) {
    return NotFound(
        "doc.unreadable",
        "no identity-document text could be read: check that the photo shows one side of a "
        "Vietnamese ID card or passport, in focus and without glare");
  }

  DocResult r;
  r.corners = best.corners;
  r.card_located = quad.located;
  r.rotation = RotationOf(best.corners);
  r.card = best.card;

  Signals sig;
  sig.page = PageText(best.segs);
  // QR: the chip CCCD front has it top right, the 2024 card back top right.
  auto qr = DecodeQr(best.gray, cv::Rect(best.gray.cols * 6 / 10, 0, best.gray.cols * 4 / 10,
                                         best.gray.rows * 6 / 10));
  if (qr.ok()) {
    auto payload = ParseQrPayload(qr->text);
    if (payload.ok()) {
      r.qr = payload.value();
      sig.qr = true;
      sig.qr_fields = r.qr->field_count;
    }
  }
  bool mrz_likely = sig.page.find("IDVNM") != std::string::npos || PageHas(sig.page, "P VNM") ||
                    sig.page.find("VNM") != std::string::npos || PageHas(sig.page, "PASSPORT") ||
                    PageHas(sig.page, "CUC TRUONG") || PageHas(sig.page, "BO CONG AN") ||
                    PageHas(sig.page, "NOI CU TRU") || PageHas(sig.page, "DAC DIEM NHAN DANG") ||
                    PageHas(sig.page, "NGON TRO");
  bool vn_only_back = PageHas(sig.page, "TON GIAO") || PageHas(sig.page, "GIAM DOC");
  if (mrz_likely && !vn_only_back) {
    r.mrz = ReadMrz(best.gray, best.aspect < 1.5);
    if (r.mrz) {
      sig.mrz_td1 = r.mrz->format == "TD1";
      sig.mrz_td3 = r.mrz->format == "TD3";
    }
  }
  auto [type, side] = Classify(sig, &r.class_confidence);
  r.type = type;
  r.side = side;
  if (type == DocType::kUnknown) {
    return NotFound(
        "doc.unknown_type",
        "the document type could not be recognised (supported: CMND 9/12 digits, CCCD, chip "
        "CCCD, Căn cước 2024, passport data page)");
  }
  r.portrait = PortraitSlot(type, side, r.card.size());

  // Printed fields.
  std::vector<FieldSpec> specs = SpecsFor(type, side);
  FieldExtractor ex(best.segs, specs);
  const int id_len = type == DocType::kCmnd9 ? 9 : 12;
  const bool bilingual =
      type == DocType::kCccdChip || type == DocType::kCanCuoc || type == DocType::kPassport;
  cv::Mat plain;  // plain grey card, made on first use
  auto plain_gray = [&]() -> const cv::Mat& {
    if (plain.empty()) cv::cvtColor(best.card, plain, cv::COLOR_BGR2GRAY);
    return plain;
  };
  std::vector<IdCandidate>
      id_cands;  // ID hypotheses (front sides), resolved once DOB and sex are read
  std::vector<cv::Rect>
      id_lines;  // ID lines to re-read alone, only if the page pass gave no valid ID
  // On the QR side the decoded QR replaces the printed ID, name and residence whatever the OCR
  // says (docs/doc.md, cross-checks): re-reading those lines alone would be wasted work.
  const bool qr_side = (type == DocType::kCccdChip && side == Side::kFront) ||
                       (type == DocType::kCanCuoc && side == Side::kBack);
  auto qr_settles = [&](const std::string& field) {
    if (!r.qr || !qr_side) return false;
    return (field == "id" && !r.qr->id.empty()) || (field == "ho_ten" && !r.qr->name.empty()) ||
           (field == "ho_khau_thuong_tru" && !r.qr->address.empty());
  };
  // The accent-free MRZ spelling of a passport name field, when the MRZ passed its checks.
  const bool passport = type == DocType::kPassport;  // (lambdas cannot capture `type` in clang 14)
  auto mrz_name_of = [&](const std::string& field) -> std::string {
    if (!r.mrz || !r.mrz->checks_ok || !passport) return {};
    if (field == "ho") return r.mrz->surname;
    if (field == "chu_dem_va_ten") return r.mrz->given_names;
    return {};
  };
  for (const auto& spec : specs) {
    Extracted e = ex.Value(spec);
    if (const std::string mrz_name = mrz_name_of(spec.field);
        e.spans.empty() && !mrz_name.empty() && !e.label_line.empty()) {
      // The page pass read the label but no word after it (a short surname in a larger font):
      // read where the value must be, right of the label on its baseline, taller than the label.
      const int h = e.label_line.height;
      const int bottom = e.label_line.br().y + h / 6;
      const int top = bottom - (h * 8) / 5;
      cv::Rect box(e.label_line.br().x + h / 3, top, 12 * h, bottom - top);
      box &= cv::Rect(0, 0, best.gray.cols, best.gray.rows);
      if (box.width > h && box.height > 4) {
        // Several crops: the line above a short surname sits close, and with the usual room for
        // stacked tone marks its strokes can spoil the reading.
        std::vector<Reading> hyps;
        for (double pad : {0.45, 0.15, 0.0}) {
          double cr = 0;
          std::string tr = ReadLine(best.gray, box, &cr, pad);
          hyps.push_back({tr, cr});
        }
        double c = 0;
        std::string t = VoteName(hyps, &c, mrz_name);
        if (FoldKey(t) == FoldKey(mrz_name)) {  // kept only when it spells the MRZ's letters
          e.text = t;
          e.conf = c;
        }
      }
    }
    if (!e.spans.empty() && !qr_settles(spec.field) &&
        (spec.kind == Kind::kName || spec.kind == Kind::kAddress || spec.kind == Kind::kText)) {
      std::string text;
      double conf_sum = 0;
      for (const Span& sp : e.spans) {
        const Segment& sg = best.segs[sp.seg];
        cv::Rect box = sg.words[sp.from_word].box;
        for (int w = sp.from_word; w < sp.to_word; ++w) box |= sg.words[w].box;
        int n_orig = 0;
        double c = AlnumConf(sg, sp.from_word, sp.to_word, &n_orig);
        std::string t = WordsText(sg, sp.from_word, sp.to_word);
        // Hypotheses: the page pass and the line alone (seen larger, without neighbours). Names,
        // whose errors are tone marks that confidences do not reveal, also get the line on the
        // plain grey card and a per-word vote of the three; other values keep the most confident
        // reading that lost no word (the re-read wins ties within 0.03).
        if (spec.kind == Kind::kName) {
          std::vector<Reading> hyps = {{t, c}};
          const std::pair<const cv::Mat*, double> reads[] = {
              {&best.gray, 0.45}, {&plain_gray(), 0.45}, {&best.gray, 0.3}};
          for (const auto& [img, top] : reads) {
            double cr = 0;
            std::string tr = ReadLine(*img, box, &cr, top);
            hyps.push_back({tr, cr});
          }
          const std::string mrz_name = mrz_name_of(spec.field);
          t = VoteName(hyps, &c, mrz_name);
        } else {
          double cr = 0;
          std::string tr = ReadLine(best.gray, box, &cr);
          if (!Trim(tr).empty() && AlnumWords(tr) >= n_orig && cr + 0.03 >= c) {
            t = tr;
            c = cr;
          }
        }
        text += (text.empty() ? "" : " ") + t;
        conf_sum += c;
      }
      e.text = text;
      e.conf = conf_sum / e.spans.size();
    }
    if (bilingual) e.text = StripEnglishLabel(e.text, spec.field);
    if (bilingual && EnglishLabel(spec.field) != nullptr)
      e.text = StripLabelTail(e.text, EnglishLabel(spec.field));
    if (bilingual && spec.kind != Kind::kText) {
      // A garbled English label part left in front of the value ("Natiooaty: Việt Nam").
      size_t colon = e.text.find(':');
      if (colon != std::string::npos && colon < 32 && (spec.kind != Kind::kAddress || colon < 24)) {
        std::string before = FoldKey(e.text.substr(0, colon));
        bool digits = std::any_of(before.begin(), before.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        });
        if (!digits) e.text = e.text.substr(colon + 1);
      }
    }
    std::string v;
    double conf = e.conf;
    switch (spec.kind) {
      case Kind::kId:
        if (type == DocType::kPassport && std::string(spec.field) == "id") {
          std::string t;
          for (char c : FoldKey(e.text))
            if (std::isalnum(static_cast<unsigned char>(c))) t.push_back(c);
          if (t.size() >= 8) {
            v = std::string(1, t[0]);
            for (size_t i = 1; i < 8; ++i) v.push_back(ToDigit(t[i]));
          }
          if (v.size() != 8 || !std::isalpha(static_cast<unsigned char>(v[0]))) v.clear();
        } else {
          v = CleanId(e.text, id_len);
          id_cands.push_back({v, conf});
          if (!e.label_text.empty()) id_cands.push_back({CleanId(e.label_text, id_len), conf});
          for (const std::string* t : {&e.text, &e.label_text}) {
            for (auto& w : IdWindows(*t, id_len)) id_cands.push_back({w, conf * 0.9, true});
          }
          // More hypotheses, each line re-read alone: the value words and the label line (a value
          // glued to "Số:" is dropped with the label word).
          // (A digits-only whitelist does restrict the LSTM output, but on these bold digits it
          // read 7 as 2 and 3 as 5 far more often than the plain model: not used.)
          if (!qr_settles(spec.field)) {
            if (!e.spans.empty()) id_lines.push_back(SpanBox(best.segs, e.spans.front()));
            if (!e.label_line.empty()) id_lines.push_back(e.label_line);
          }
          if (static_cast<int>(v.size()) != id_len) conf *= 0.5;
        }
        break;
      case Kind::kDate: {
        bool incomplete = false;
        v = CleanDate(e.text, &incomplete);
        if (v.empty() && PageHas(FoldKey(e.text), "KHONG THOI HAN")) v = "Không thời hạn";
        if (!v.empty() && !incomplete) break;
        // No valid date in the page pass, or one with a lost digit (`3/07/1969`): the value box
        // re-read alone, then the template box (the label may be unread or the value missed by
        // the page layout analysis). A padded page value is kept, less trusted, only when no
        // re-read is complete.
        const std::string padded = v;
        v.clear();
        std::vector<cv::Rect> boxes;
        if (!e.spans.empty()) boxes.push_back(SpanBox(best.segs, e.spans.front()));
        if (cv::Rect tb = ValueTemplate(type, side, spec.field, best.gray.size()); !tb.empty())
          boxes.push_back(tb);
        for (size_t b = 0; b < boxes.size(); ++b) {
          double c = 0;
          // Template boxes are tight: no extra room above (the label line sits there).
          bool is_template = b + 1 == boxes.size() && (e.spans.empty() || boxes.size() == 2);
          std::string t = ReadLine(best.gray, boxes[b], &c, is_template ? 0.15 : 0.45);
          bool short_read = false;
          std::string d = CleanDate(t, &short_read);
          if (d.empty() && PageHas(FoldKey(t), "KHONG THOI HAN")) d = "Không thời hạn";
          if (!d.empty() && !short_read) {
            v = d;
            conf = c * 0.9;
            break;
          }
        }
        if (v.empty() && !padded.empty()) {
          v = padded;
          conf *= 0.6;
        }
        break;
      }
      case Kind::kName:
        v = CleanName(e.text);
        break;
      case Kind::kSex: {
        std::string k = FoldKey(e.text);
        bool passport = type == DocType::kPassport;
        if (k.rfind("NAM", 0) == 0 || (passport && k.find("/M") != std::string::npos))
          v = passport ? "NAM" : "Nam";
        else if (k.rfind("NU", 0) == 0 || k.rfind("N", 0) == 0)
          v = passport ? "NỮ" : "Nữ";
        break;
      }
      case Kind::kNationality: {
        std::string k = FoldKey(e.text);
        if (k.rfind("VIET", 0) == 0)
          v = type == DocType::kPassport ? "VIỆT NAM" : "Việt Nam";
        else
          v = CleanText(e.text);
        break;
      }
      case Kind::kText:
        v = CleanText(e.text);
        if (std::string(spec.field) == "di_hinh") v = FixMarkHead(v);
        break;
      case Kind::kAddress:
        v = DropTrailingNoise(CapitalizeAddress(CleanText(DropSpeckTokens(e.text))));
        break;
    }
    SetField(&r, spec.field, MakeField(v, conf, "ocr"));
  }
  // Issue date and issuer on back sides / passport.
  if (side == Side::kBack &&
      (type == DocType::kCmnd9 || type == DocType::kCmnd12 || type == DocType::kCccd2016)) {
    std::string d = FindVietnameseIssueDate(best.segs);
    SetField(&r, "ngay_cap", MakeField(d, 0.85, "ocr"));
  }
  if (side == Side::kBack || type == DocType::kPassport) {
    std::string issuer = FindIssuer(best.segs, type);
    if (!issuer.empty())
      SetField(&r, "noi_cap", MakeField(issuer, 0.9, "ocr"));
    else if (!r.Get("noi_cap"))
      SetField(&r, "noi_cap", Field());
  }
  if (type == DocType::kPassport) {
    const Field* ho = r.Get("ho");
    const Field* ten = r.Get("chu_dem_va_ten");
    if (ho && ten && ho->present() && ten->present()) {
      SetField(&r, "ho_ten",
               MakeField(ho->value + " " + ten->value, std::min(ho->confidence, ten->confidence),
                         "ocr"));
    } else {
      SetField(&r, "ho_ten", Field());
    }
  }
  // ID: the first hypothesis that follows the ID rules against the DOB and sex read on this side
  // (province code, century/sex digit, birth year), else the first of the right length.
  if (!id_cands.empty()) {
    const Field* dob_f = r.Get("ngay_sinh");
    const Field* sex_f = r.Get("gioi_tinh");
    std::optional<vn::Date> dob;
    if (dob_f && dob_f->present()) dob = vn::ParseDate(dob_f->value);
    int sex = sex_f && sex_f->present() ? vn::ParseSex(sex_f->value) : -1;
    // The lines re-read alone come right after the page-pass hypotheses; when one of those
    // already follows the ID rules it is picked whatever the re-reads say, so they are skipped.
    auto valid_pick = [&] {
      int k = PickId(id_cands, id_len, dob, sex);
      return k >= 0 && !id_cands[k].window && vn::ValidateId(id_cands[k].value, dob, sex).real;
    };
    // Lines that are mostly digits (the label unread, or the value in a line group of its own)
    // are ID lines too. Letters of other lines map to look-alike digits ("SOCIALIST" -> 12
    // "digits"), so lines of words are never taken as numbers.
    for (const auto& sg : best.segs) {
      std::string line = WordsText(sg, 0, static_cast<int>(sg.words.size()));
      if (line.find_first_of("/-") != std::string::npos || !LooksLikeIdLine(line, id_len)) continue;
      id_cands.push_back(
          {CleanId(line, id_len), WordsConf(sg, 0, static_cast<int>(sg.words.size())) * 0.8});
      for (auto& w : IdWindows(line, id_len))
        id_cands.push_back({w, id_cands.back().conf * 0.9, true});
      if (std::find(id_lines.begin(), id_lines.end(), sg.box) == id_lines.end())
        id_lines.push_back(sg.box);
    }
    auto reread = [&](const cv::Rect& box, double top_pad) {
      double c = 0;
      std::string t = ReadLine(best.gray, box, &c, top_pad);
      id_cands.push_back({CleanId(t, id_len), c});
      for (auto& w : IdWindows(t, id_len)) id_cands.push_back({w, c * 0.9, true});
    };
    if (!valid_pick()) {
      for (const cv::Rect& box : id_lines) reread(box, 0.25);
    }
    // A digit at either end of the number is often outside the page pass's word box (the box
    // ends where that reading stopped: 11 digits read for 12): the lines again, one line height
    // wider on each side.
    if (!valid_pick()) {
      for (const cv::Rect& box : id_lines)
        reread(cv::Rect(box.x - box.height, box.y, box.width + 2 * box.height, box.height), 0.25);
    }
    // Last, the per-type template box (the number missed by the page layout analysis, or its
    // line garbled next to the label): read as one line, as before, then as a block at three
    // scales (the generous box also holds parts of the lines above and below, which a
    // single-line reading can turn into noise). On 9-digit CMNDs, whose rules check only the
    // prefix, the block readings are always made and PickId counts them as independent
    // readings: a digit misread by the page pass ("249483456") still has a valid prefix.
    // A valid number from one low-confidence reading is not settled either: a digit misread as
    // another digit keeps the rules (only the province, century/sex and year digits are checked),
    // so the block is read at every scale and PickId counts the readings (seed 53: `3`→`5` twice,
    // `1`→`4`, each from a single reading with confidence 0.31-0.44).
    auto settled = [&] {
      if (!valid_pick()) return false;
      const int k = PickId(id_cands, id_len, dob, sex);
      return id_cands[k].conf >= kIdSettledConfidence;
    };
    if (cv::Rect tb = ValueTemplate(type, side, "id", best.gray.size()); !tb.empty()) {
      const bool weak_rules = id_len == 9;
      if (!valid_pick()) {
        double c = 0;
        std::string t = ReadLine(best.gray, tb, &c, 0.15);
        if (LooksLikeIdLine(t, id_len)) id_cands.push_back({CleanId(t, id_len), c * 0.8});
      }
      for (double scale : {1.0, 2.0, 1.5}) {
        if (!weak_rules && settled()) break;
        for (const Reading& line : ReadBlock(best.gray, tb, scale)) {
          if (!LooksLikeIdLine(line.text, id_len)) continue;
          id_cands.push_back({CleanId(line.text, id_len), line.conf * 0.8});
          for (auto& w : IdWindows(line.text, id_len))
            id_cands.push_back({w, line.conf * 0.7, true});
        }
      }
    }
    // On a passport the 12-digit number the rules check is the personal number; `id` is the
    // passport number (a letter and 7 digits), read and checked on its own above.
    Field* id = GetMutable(&r, type == DocType::kPassport ? "so_dinh_danh" : "id");
    int pick_index = PickId(id_cands, id_len, dob, sex);
    const IdCandidate* pick = pick_index < 0 ? nullptr : &id_cands[pick_index];
    bool rules_ok = pick && vn::ValidateId(pick->value, dob, sex).real;
    if (id && pick) {
      bool agrees = id->present() && id->value == pick->value;
      *id = MakeField(pick->value,
                      std::max(agrees ? id->confidence : 0.0, pick->conf) * (rules_ok ? 1.0 : 0.8),
                      "ocr");
    }
  }
  // Cross-checks with machine-readable data.
  if (r.qr) {
    const QrPayload& q = *r.qr;
    if (qr_side) {
      CrossCheck(&r, "id", q.id, "qr", true);
      CrossCheck(&r, "ho_ten", ToUpper(q.name), "qr", true);
      CrossCheck(&r, "ngay_sinh", q.birth_date, "qr", true);
      CrossCheck(&r, "gioi_tinh", q.sex, "qr", true);
      // The QR carries the residence as printed; a disagreement is an OCR error.
      CrossCheck(&r, "ho_khau_thuong_tru", q.address, "qr", true);
      CrossCheck(&r, "ngay_cap", q.issue_date, "qr", true);
      if (!q.expiry_date.empty()) CrossCheck(&r, "ngay_het_han", q.expiry_date, "qr", true);
    }
  }
  if (r.mrz) {
    const MrzData& m = *r.mrz;
    bool ok = m.checks_ok;
    if (type == DocType::kPassport) {
      CrossCheck(&r, "id", m.document_number, "mrz", ok);
      CrossCheck(&r, "so_dinh_danh", m.personal_number, "mrz", ok);
      CrossCheck(&r, "ngay_sinh", m.birth_date, "mrz", ok);
      CrossCheck(&r, "ngay_het_han", m.expiry_date, "mrz", ok);
      CrossCheck(&r, "gioi_tinh", m.sex == "M" ? "NAM" : m.sex == "F" ? "NỮ" : "", "mrz", ok);
      CrossCheck(&r, "ho_ten", m.surname + " " + m.given_names, "mrz", ok, true);
    } else if (side == Side::kBack) {
      CrossCheck(&r, "id", m.personal_number, "mrz", ok);
      CrossCheck(&r, "ngay_sinh", m.birth_date, "mrz", ok);
      CrossCheck(&r, "gioi_tinh", SexFromMrz(m.sex), "mrz", ok);
      CrossCheck(&r, "ngay_het_han", m.expiry_date, "mrz", ok);
      if (!r.Get("ho_ten"))
        CrossCheck(&r, "ho_ten", m.surname + " " + m.given_names, "mrz", ok, true);
    }
  }
  // One confidence per character of the ID numbers (validate.idconf), once their values settled.
  for (const char* name : {"id", "so_dinh_danh"}) {
    if (Field* f = GetMutable(&r, name); f != nullptr && f->present())
      f->char_confidences = IdCharConfidences(f->value, f->confidence, f->source, id_cands);
  }
  return r;
}

}  // namespace ekyc::doc
