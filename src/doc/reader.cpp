// DocReader: the orchestrator of the reader's stages (one file each):
//   page.cpp      locate, rectify, read the page, orientation
//   qr.cpp / mrz_read.cpp   machine-readable zones
//   classify.cpp  type and side
//   missed_lines.cpp  lines the page pass missed   words.cpp  grouping, the portrait-column split
//   layout.cpp    the side's table: labels, kinds, value placement, portrait slot
//   labels.cpp    label matching          extract.cpp   value extraction
//   reread.cpp    per-field re-reading    id_resolve.cpp  ID resolution
//   fields.cpp    value cleaning          crosscheck.cpp  QR/MRZ cross-check
//   output.cpp    JSON output             recognizer.h / tesseract_recognizer.cpp  the recognisers
#include <opencv2/imgproc.hpp>

#include "doc/classify.h"
#include "doc/closed_lists.h"
#include "doc/crosscheck.h"
#include "doc/ctc_page_recognizer.h"
#include "doc/ctc_recognizer.h"
#include "doc/doc.h"
#include "doc/expiry_prior.h"
#include "doc/extract.h"
#include "doc/id_confidence.h"
#include "doc/id_resolve.h"
#include "doc/issuer.h"
#include "doc/labels.h"
#include "doc/layout.h"
#include "doc/locate.h"
#include "doc/mark_words.h"
#include "doc/missed_lines.h"
#include "doc/mrz_read.h"
#include "doc/page.h"
#include "doc/params.h"
#include "doc/place_names.h"
#include "doc/reread.h"
#include "doc/result_fields.h"
#include "doc/surnames.h"
#include "doc/syllable.h"
#include "doc/tesseract_recognizer.h"
#include "doc/text.h"
#include "vn/vn.h"

namespace ekyc::doc {
namespace {

Result<cv::Mat> ToBgr(const cv::Mat& image) {
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
  return bgr;
}

std::string BoxText(const cv::Rect& b) {
  return "[" + std::to_string(b.x) + "," + std::to_string(b.y) + " " + std::to_string(b.width) +
         "x" + std::to_string(b.height) + "]";
}

// The page pass's segments, as the label matcher and the extractor see them.
void TraceSegments(const std::vector<Segment>& segs, std::vector<std::string>* trace) {
  for (size_t i = 0; i < segs.size(); ++i) {
    const Segment& s = segs[i];
    trace->push_back("seg " + std::to_string(i) + " " + BoxText(s.box) + " \"" +
                     WordsText(s, 0, static_cast<int>(s.words.size())) + "\"");
  }
}

// One field's path: its label, the words taken, and the value after re-reading and cleaning.
std::string TraceField(const std::string& field, const std::optional<Match>& label,
                       const std::string& extracted, const Extracted& e, const std::string& value) {
  std::string line = "field " + field + ": label ";
  line += label ? "seg " + std::to_string(label->seg) + " " + BoxText(e.label_line) + " \"" +
                      e.label_text + "\""
                : std::string("not found");
  line += "; words";
  for (const Span& sp : e.spans)
    line += " seg " + std::to_string(sp.seg) + "[" + std::to_string(sp.from_word) + "," +
            std::to_string(sp.to_word) + ")";
  line += "; page \"" + extracted + "\"; re-read \"" + e.text + "\"; value \"" + value + "\"";
  return line;
}

// True when the page pass left a field of the side without its label or its label without a
// value, or a back without its issue date in words: a line it may have missed.
bool MissesText(const std::vector<Segment>& segs, const SideLayout& layout, DocType type,
                Side side) {
  const LabelMap labels(segs, layout.fields);
  const ValueExtractor extractor(segs, labels);
  for (const FieldSpec& spec : layout.fields)
    if (!labels.LabelOf(spec.field) || extractor.Value(spec).spans.empty()) return true;
  const bool words_date = side == Side::kBack && (type == DocType::kCmnd9 ||
                                                  type == DocType::kCmnd12 ||
                                                  type == DocType::kCccd2016);
  return words_date && FindVietnameseIssueDate(segs).empty() && IssueDateLine(segs).box.empty();
}

}  // namespace

struct DocReader::Impl {
  DocReaderOptions options;
  Recognizers rec;
  std::unique_ptr<MissedLineReader> missed;  // with a model set; else lines missed stay missed
  ProvinceNames provinces;  // from options.places: the provinces a provincial issuer names
  std::unique_ptr<vn::AddressNormalizer> addresses;  // with options.places: units respelled

  Result<DocResult> Read(const cv::Mat& image, bool check_rotate);
  Signals ReadMachineZones(const PageReading& page, DocResult* r);
  // Returns the ID hypotheses the reader weighed (for the per-digit confidences).
  std::vector<IdCandidate> ReadPrintedFields(const PageReading& page, const SideLayout& layout,
                                             DocResult* r);
  void ReadFixedTexts(const PageReading& page, DocResult* r);
  void FindBySpelling(const std::string& accent_free, const ValueExtractor& extractor,
                      FieldRereader& rereader, Extracted* e);
  std::string ReadIssueDateInWords(const PageReading& page, double* conf);
};

Result<DocResult> DocReader::Impl::Read(const cv::Mat& image, bool check_rotate) {
  EKYC_ASSIGN_OR_RETURN(cv::Mat bgr, ToBgr(image));
  EKYC_ASSIGN_OR_RETURN(PageReading page,
                        ReadCardPage(bgr, *rec.page, options.read_width, check_rotate));
  if (page.score <= 0) {
    return NotFound(
        "doc.unreadable",
        "no identity-document text could be read: check that the photo shows one side of a "
        "Vietnamese ID card or passport, in focus and without glare");
  }
  DocResult r;
  r.corners = page.corners;
  r.card_located = page.located;
  r.rotation = RotationOf(page.corners);
  r.card = options.card_width == options.read_width
               ? page.card
               : Rectify(bgr, page.corners, options.card_width, page.aspect);
  const Signals sig = ReadMachineZones(page, &r);
  std::tie(r.type, r.side) = Classify(sig, &r.class_confidence);
  if (r.type == DocType::kUnknown) {
    return NotFound(
        "doc.unknown_type",
        "the document type could not be recognised (supported: CMND 9/12 digits, CCCD, chip "
        "CCCD, Căn cước 2024, passport data page)");
  }
  const SideLayout& layout = LayoutOf(r.type, r.side);
  r.portrait = layout.portrait.On(r.card.size());
  int recovered = 0;
  if (missed && MissesText(page.segs, layout, r.type, r.side))
    recovered = missed->Recover(page.gray, *rec.line, &page.segs);
  if (!layout.portrait.empty()) {
    const cv::Rect slot = layout.portrait.On(page.gray.size());
    SplitAtColumn(&page.segs, slot.br().x, slot.y);
  }
  if (options.trace) {
    r.trace.push_back("lines recovered: " + std::to_string(recovered));
    TraceSegments(page.segs, &r.trace);
  }
  const std::vector<IdCandidate> id_readings = ReadPrintedFields(page, layout, &r);
  ReadFixedTexts(page, &r);
  CrossCheckMachineReadable(&r, layout.qr_side);
  // A surname read with a mark lost or wrong, or spelled only by the accent-free MRZ, gets the
  // marks of the one listed surname with its letters; a QR's name is exact as it is.
  for (const char* name : {"ho_ten", "ho"}) {
    Field* f = GetMutable(&r, name);
    if (f == nullptr || !f->present() || f->source.find("qr") != std::string::npos) continue;
    f->value = std::string_view(name) == "ho" ? RestoreSurname(f->value)
                                              : RestoreFullNameSurname(f->value);
  }
  // An address part whose letters are its matched unit's name but whose marks differ was misread;
  // it takes the official spelling (place_names.h). A QR's address is exact as it is.
  if (addresses) {
    for (const FieldSpec& spec : layout.fields) {
      Field* f = GetMutable(&r, spec.field);
      if (spec.kind != FieldKind::kAddress || f == nullptr || !f->present() ||
          f->source.find("qr") != std::string::npos)
        continue;
      f->value =
          RespellUnits(f->value, MatchedUnitNames(*options.places, addresses->Normalize(f->value)));
    }
  }
  // A passport's place of birth is a province's name.
  if (Field* f = GetMutable(&r, "noi_sinh"); f != nullptr && f->present())
    f->value = RespellAsOneOf(f->value, provinces);
  // One confidence per character of the ID numbers (validate.idconf), once their values settled.
  for (const char* name : {"id", "so_dinh_danh"}) {
    if (Field* f = GetMutable(&r, name); f != nullptr && f->present())
      f->char_confidences = IdCharConfidences(f->value, f->confidence, f->source, id_readings);
  }
  return r;
}

// QR (chip CCCD front and 2024 back, top right) and MRZ, when the page's text says the side may
// carry one: what they decode is the classifier's strongest evidence.
Signals DocReader::Impl::ReadMachineZones(const PageReading& page, DocResult* r) {
  Signals sig;
  sig.page = PageText(page.segs);
  const cv::Mat& g = page.gray;
  auto qr = DecodeQr(g, cv::Rect(g.cols * 6 / 10, 0, g.cols * 4 / 10, g.rows * 6 / 10));
  if (qr.ok()) {
    auto payload = ParseQrPayload(qr->text);
    if (payload.ok()) {
      r->qr = payload.value();
      sig.qr = true;
      sig.qr_fields = r->qr->field_count;
    }
  }
  if (MrzLikely(sig.page)) {
    r->mrz = ReadMrzBand(*rec.mrz, g, page.aspect < kPage.passport_aspect_below);
    if (r->mrz) {
      sig.mrz_td1 = r->mrz->format == "TD1";
      sig.mrz_td3 = r->mrz->format == "TD3";
    }
  }
  return sig;
}

std::vector<IdCandidate> DocReader::Impl::ReadPrintedFields(const PageReading& page,
                                                            const SideLayout& layout,
                                                            DocResult* r) {
  const bool passport = r->type == DocType::kPassport;
  LabelMap labels(page.segs, layout.fields);
  ValueExtractor extractor(page.segs, labels);
  FieldRereader rereader(rec, page.gray, page.card, page.segs);
  IdResolver ids(layout.id_digits);
  // On the QR side the decoded QR replaces the printed ID, name and residence whatever the OCR
  // says: re-reading those lines alone would be wasted work.
  auto qr_settles = [&](const std::string& f) {
    if (!r->qr || !layout.qr_side) return false;
    return (f == "id" && !r->qr->id.empty()) || (f == "ho_ten" && !r->qr->name.empty()) ||
           (f == "ho_khau_thuong_tru" && !r->qr->address.empty());
  };
  // The accent-free MRZ spelling of a passport name field, when the MRZ passed its checks.
  auto mrz_name_of = [&](const std::string& f) -> std::string {
    if (!r->mrz || !r->mrz->checks_ok || !passport) return {};
    return f == "ho" ? r->mrz->surname : f == "chu_dem_va_ten" ? r->mrz->given_names : "";
  };
  cv::Rect id_box;
  // An expiry read without a valid date: its text and confidence, for the renewal law below.
  std::string unread_expiry;
  double unread_expiry_conf = 0;
  for (const FieldSpec& spec : layout.fields) {
    const std::string field = spec.field;
    if (field == "id") id_box = spec.value_box.On(page.gray.size());
    Extracted e = extractor.Value(spec);
    // A date whose label was not read, printed in the portrait's column (a front's expiry under
    // the portrait): the print run moves it up or down, out of the layout's box, but it is the
    // only date in that column.
    if (e.spans.empty() && spec.kind == FieldKind::kDate) {
      const cv::Rect column = PortraitColumn(layout, spec, page.gray.size());
      if (!column.empty()) e = extractor.OnlyDateIn(column);
    }
    // A value found by its shape alone keeps what was found of its label.
    auto take_only_line = [&e](Extracted only) {
      if (only.spans.empty()) return;
      only.label_line = e.label_line;
      only.label_text = e.label_text;
      e = std::move(only);
    };
    // A nationality whose label was garbled past matching ("Quốc §ch"): the one line that is a
    // nationality value and nothing else.
    if (e.spans.empty() && spec.kind == FieldKind::kNationality)
      take_only_line(extractor.OnlyNationality());
    // A passport's place of birth whose label was garbled: the one line that is a province.
    if (e.spans.empty() && passport && field == "noi_sinh")
      take_only_line(extractor.OnlyLineAmong(provinces));
    const std::string extracted = options.trace ? e.text : std::string();
    const std::string mrz_name = mrz_name_of(field);
    if (e.spans.empty() && !mrz_name.empty() && !e.label_line.empty())
      rereader.ReadBesideLabel(mrz_name, &e);
    if (!mrz_name.empty() && FoldKey(CleanName(e.text)) != FoldKey(mrz_name))
      FindBySpelling(mrz_name, extractor, rereader, &e);
    if (!e.spans.empty() && !qr_settles(field) &&
        (spec.kind == FieldKind::kName || spec.kind == FieldKind::kAddress ||
         spec.kind == FieldKind::kText))
      rereader.RereadText(spec, mrz_name, &e);
    if (layout.bilingual && spec.english != nullptr)
      e.text = StripLabelTail(StripEnglishLabel(e.text, spec.english), spec.english);
    if (layout.bilingual && spec.kind != FieldKind::kText) {
      e.text = StripLabelBeforeColon(e.text, spec.kind == FieldKind::kAddress
                                                 ? kCleaning.address_colon_max_prefix
                                                 : kCleaning.label_colon_max_prefix);
    }
    std::string v;
    double conf = e.conf;
    switch (spec.kind) {
      case FieldKind::kId:
        if (passport && field == "id") {
          v = CleanPassportNumber(e.text);
        } else {
          v = ids.AddPageValue(e, conf, page.segs, !qr_settles(field));
          if (static_cast<int>(v.size()) != layout.id_digits) conf *= kId.short_factor;
        }
        break;
      case FieldKind::kDate: {
        bool incomplete = false;
        v = CleanDate(e.text, &incomplete);
        if (v.empty() && SaysNoExpiry(e.text)) v = "Không thời hạn";
        // "Không thời hạn" is printed nowhere else on a card: wherever the page pass put it (its
        // label lost or merged with other lines), it is the expiry.
        if (v.empty() && field == "ngay_het_han" && SaysNoExpiry(PageText(page.segs))) {
          v = "Không thời hạn";
          conf = kExtract.no_expiry_on_page_conf;
        }
        // No valid date in the page pass, or one with a lost digit: the re-reads. A complete page
        // date is checked on its own line (a misread digit still makes a valid date).
        if (v.empty() || incomplete)
          v = rereader.RereadDate(e, spec.value_box.On(page.gray.size()), v, &conf);
        else if (v != "Không thời hạn")
          v = rereader.ConfirmDate(e, v, &conf);
        if (v.empty() && field == "ngay_het_han") {
          unread_expiry = e.text;
          unread_expiry_conf = e.conf;
        }
        break;
      }
      case FieldKind::kName:
        v = CleanName(e.text);
        break;
      case FieldKind::kSex:
        v = CleanSex(e.text, passport);
        break;
      case FieldKind::kNationality:
        v = CleanNationality(e.text, passport);
        break;
      case FieldKind::kText:
        v = CleanText(e.text);
        if (field == "dan_toc") v = RespellEthnicGroup(v);
        if (field == "ton_giao") v = RespellReligion(v);
        if (field == "di_hinh")
          v = DropMarkNoise(
              RespellMarkWords(NormalizeMarkDistances(FixMarkHead(RepairEchoedLetters(v)))));
        break;
      case FieldKind::kAddress:
        v = CleanAddress(e.text);
        break;
    }
    SetField(r, field, MakeField(v, conf, "ocr"));
    if (options.trace) r->trace.push_back(TraceField(field, labels.LabelOf(field), extracted, e, v));
  }
  if (!ids.wanted()) return {};
  // On a passport the 12-digit number the rules check is the personal number; `id` is the
  // passport number (a letter and 7 digits), read and checked on its own above.
  const Field* dob_f = r->Get("ngay_sinh");
  const Field* sex_f = r->Get("gioi_tinh");
  std::optional<vn::Date> dob;
  if (dob_f && dob_f->present()) dob = vn::ParseDate(dob_f->value);
  const int sex = sex_f && sex_f->present() ? vn::ParseSex(sex_f->value) : -1;
  bool rules_ok = false;
  auto pick = ids.Resolve(page.segs, rereader, id_box, dob, sex, &rules_ok);
  Field* id = GetMutable(r, passport ? "so_dinh_danh" : "id");
  if (id && pick) {
    const bool agrees = id->present() && id->value == pick->value;
    *id = MakeField(pick->value,
                    std::max(agrees ? id->confidence : 0.0, pick->conf) *
                        (rules_ok ? 1.0 : kId.unchecked_factor),
                    "ocr");
  }
  // A sex unread (a glyph or two the vocabulary does not hold) is the one the checked 12-digit
  // number encodes: its century digit agreed with the birth year, its parity is the sex.
  Field* sex_field = GetMutable(r, "gioi_tinh");
  const int id_sex = id != nullptr && id->present() ? vn::IdSex(id->value) : -1;
  if (sex < 0 && rules_ok && !passport && sex_field != nullptr && id_sex >= 0)
    *sex_field =
        MakeField(id_sex == 0 ? "Nam" : "Nữ", id->confidence * kId.sex_from_id_factor, "ocr");
  // The birth date is trusted when the chosen ID number's birth-year digits agree with it; then
  // the front's expiry is one of the renewal law's few dates.
  if (dob && rules_ok && r->side == Side::kFront) {
    Field* expiry = GetMutable(r, "ngay_het_han");
    CorrectExpiryYear(r->type, *dob, expiry);
    if (expiry != nullptr && !expiry->present() && !unread_expiry.empty()) {
      if (auto d = LawfulExpiryInMonth(r->type, *dob, unread_expiry))
        *expiry = MakeField(d->ToString(), unread_expiry_conf * kExpiryPrior.completed_conf, "ocr");
    }
  }
  return ids.candidates();
}

// A passport name whose label was not read, or read with the sub-label's words in it: the words
// that spell the checked MRZ's name are the printed name, wherever they are; when its line was not
// read at all, the gap under its label.
void DocReader::Impl::FindBySpelling(const std::string& accent_free,
                                     const ValueExtractor& extractor, FieldRereader& rereader,
                                     Extracted* e) {
  Extracted spelled = extractor.Spelled(accent_free, MrzNameEdits(accent_free));
  if (!spelled.spans.empty()) {
    spelled.label_line = e->label_line;
    spelled.label_text = e->label_text;
    *e = std::move(spelled);
  } else if (!e->label_line.empty()) {
    rereader.ReadUnderLabel(accent_free, e);
  }
}

// "Ngày .. tháng .. năm .." of CMND and CCCD 2016 backs: from the page, else from its line
// followed across the segments a slanted line falls into, else re-read.
std::string DocReader::Impl::ReadIssueDateInWords(const PageReading& page, double* conf) {
  std::string date = FindVietnameseIssueDate(page.segs);
  *conf = kExtract.words_date_conf;
  const TextLine line = date.empty() ? IssueDateLine(page.segs) : TextLine{};
  // The line broken into segments (slanted): its parts' text, left to right.
  if (!line.box.empty()) date = ParseVietnameseIssueDate(line.text);
  if (date.empty() && !line.box.empty()) {
    // A digit or a word lost: each part re-read alone, then the whole line with room on both
    // sides for a part the page pass did not see.
    FieldRereader rereader(rec, page.gray, page.card, page.segs);
    const RereadParams& p = kReread;
    std::string parts;
    for (const cv::Rect& b : line.parts)
      parts += " " + rereader.ReadLine(b, FieldKind::kDate, p.pad_default).text;
    date = ParseVietnameseIssueDate(parts);
    if (date.empty()) {
      const int extra = p.issue_date_extra_heights * line.box.height;
      const cv::Rect wider(line.box.x - extra, line.box.y, line.box.width + 2 * extra,
                           line.box.height);
      date = ParseVietnameseIssueDate(
          rereader.ReadLine(wider, FieldKind::kDate, p.pad_default).text);
    }
    if (date.empty()) {
      const cv::Rect whole = WholeIssueDateLine(line, p.issue_date_line_heights, page.gray.size());
      if (!whole.empty())
        date = ParseVietnameseIssueDate(
            rereader.ReadLine(whole, FieldKind::kDate, p.pad_default).text);
    }
    *conf *= p.date_reread_conf;
  }
  return date;
}

// Values printed as fixed text rather than after a label: the issue date in words and the issuer
// on backs, and a passport's full name from its two parts.
void DocReader::Impl::ReadFixedTexts(const PageReading& page, DocResult* r) {
  const DocType type = r->type;
  if (r->side == Side::kBack &&
      (type == DocType::kCmnd9 || type == DocType::kCmnd12 || type == DocType::kCccd2016)) {
    double conf = 0;
    const std::string date = ReadIssueDateInWords(page, &conf);
    SetField(r, "ngay_cap", MakeField(date, conf, "ocr"));
  }
  if (r->side == Side::kBack || type == DocType::kPassport) {
    const std::string issuer = FindIssuer(page.segs, type, provinces);
    const Field* issued = r->Get("ngay_cap");
    const std::string by_type = IssuerOfDocumentType(type, issued ? issued->value : "");
    if (!issuer.empty())
      SetField(r, "noi_cap", MakeField(issuer, kIssuer.conf, "ocr"));
    else if (!by_type.empty() && r->side == Side::kBack)
      SetField(r, "noi_cap", MakeField(by_type, kIssuer.document_conf, "document"));
    else if (!r->Get("noi_cap"))
      SetField(r, "noi_cap", Field());
  }
  if (type == DocType::kPassport) {
    const Field* ho = r->Get("ho");
    const Field* ten = r->Get("chu_dem_va_ten");
    if (ho && ten && ho->present() && ten->present()) {
      SetField(r, "ho_ten",
               MakeField(ho->value + " " + ten->value, std::min(ho->confidence, ten->confidence),
                         "ocr"));
    } else {
      SetField(r, "ho_ten", Field());
    }
  }
}

DocReader::DocReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DocReader::~DocReader() = default;

std::optional<TextEngine> ParseTextEngine(const std::string& name) {
  if (name == "tesseract") return TextEngine::kTesseract;
  if (name == "trained") return TextEngine::kTrained;
  return std::nullopt;
}

Result<std::unique_ptr<DocReader>> DocReader::Create(const DocReaderOptions& options) {
  return Create(options, Recognizers{});
}

Result<std::unique_ptr<DocReader>> DocReader::Create(const DocReaderOptions& options,
                                                     Recognizers recognizers) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->rec = std::move(recognizers);
  if (options.places) {
    // Before and after the 2025 merger: a card names the province of its issue date.
    for (const auto* level : {&options.places->old_provinces, &options.places->new_provinces})
      for (const vn::Unit& u : *level) impl->provinces.push_back(u.name);
    EKYC_ASSIGN_OR_RETURN(std::unique_ptr<vn::TextTools> text, vn::TextTools::Create());
    impl->addresses = std::make_unique<vn::AddressNormalizer>(
        options.places, std::shared_ptr<const vn::TextTools>(std::move(text)));
  }
  if (!impl->rec.line && options.lines == TextEngine::kTrained) {
    EKYC_ASSIGN_OR_RETURN(impl->rec.line, CtcLineRecognizer::Create(options.models));
  }
  if (!impl->rec.page && options.page == TextEngine::kTrained) {
    EKYC_ASSIGN_OR_RETURN(impl->rec.page, CtcPageRecognizer::Create(options.models));
  }
  if (!impl->rec.mrz && options.mrz == TextEngine::kTrained) {
    EKYC_ASSIGN_OR_RETURN(impl->rec.mrz, CtcPageRecognizer::Create(options.models));
  }
  const bool dates_apart = options.date_lines != options.lines &&
                           impl->rec.line_by_kind.count(FieldKind::kDate) == 0;
  if (dates_apart && options.date_lines == TextEngine::kTrained) {
    EKYC_ASSIGN_OR_RETURN(impl->rec.line_by_kind[FieldKind::kDate],
                          CtcLineRecognizer::Create(options.models));
  }
  const bool dates_need_vie = dates_apart && options.date_lines == TextEngine::kTesseract;
  if (!impl->rec.page || !impl->rec.line || dates_need_vie) {
    EKYC_ASSIGN_OR_RETURN(auto vie_owned,
                          TesseractRecognizer::Create({options.tessdata_dir, "vie", "", true}));
    std::shared_ptr<TesseractRecognizer> vie = std::move(vie_owned);
    // One engine serves as page and line recogniser (never used at the same time).
    if (!impl->rec.page) impl->rec.page = vie;
    if (!impl->rec.line) impl->rec.line = vie;
    if (dates_need_vie) impl->rec.line_by_kind[FieldKind::kDate] = vie;
  }
  if (options.models) {
    EKYC_ASSIGN_OR_RETURN(impl->missed, MissedLineReader::Create(options.models));
  }
  if (!impl->rec.mrz) {
    EKYC_ASSIGN_OR_RETURN(auto eng,
                          TesseractRecognizer::Create({options.tessdata_dir, "eng",
                                                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<",
                                                       /*dictionaries=*/false}));
    impl->rec.mrz = std::move(eng);
  }
  return std::unique_ptr<DocReader>(new DocReader(std::move(impl)));
}

Result<DocResult> DocReader::Read(const cv::Mat& image, bool check_rotate) {
  return impl_->Read(image, check_rotate);
}

}  // namespace ekyc::doc
