// Public interface of the document reader: finds a Vietnamese ID card / passport data page in a
// photo, rectifies and orients it, classifies type and side, reads the printed fields with the
// recognisers of doc/recognizer.h (Tesseract `vie` unless others are given), decodes the QR code
// and the MRZ, and cross-checks them. The stages are listed in reader.cpp and docs/doc.md.
//
// Field values are returned as printed (NFC); normalisation to codes and validation (dates,
// addresses, ID rules, expiry) belongs to src/vn and is attached by the API layer
// (docs/doc.md, "What is read").
//
// Thread-safety: DocReader is NOT thread-safe (it owns recogniser engines): create one per worker
// thread. DocResult and the free functions are value types / pure and safe to share.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "doc/mrz.h"
#include "doc/qr.h"
#include "doc/recognizer.h"
#include "infer/infer.h"

namespace ekyc::vn {
class AdminIndex;
}

namespace ekyc::doc {

enum class DocType { kUnknown, kCmnd9, kCmnd12, kCccd2016, kCccdChip, kCanCuoc, kPassport };
enum class Side { kUnknown, kFront, kBack };

// The vendor-compatible class of a (type, side): value/code/name as in docs/doc.md.
struct ClassInfo {
  int value = -1;    // e.g. 4 = chip CCCD front, 5 = chip CCCD back (vendor values)
  std::string code;  // e.g. "CCCD_CHIP"
  std::string name;  // e.g. "CĂN CƯỚC CÔNG DÂN GẮN CHIP - MẶT TRƯỚC"
};
ClassInfo ClassOf(DocType type, Side side);
const char* DocTypeName(
    DocType type);  // "CMND9", "CMND12", "CCCD2016", "CCCD_CHIP", "CAN_CUOC", "PASSPORT"

struct Field {
  std::string value = "N/A";  // NFC, "N/A" when absent
  double confidence = 0.0;    // [0, 1]
  std::string source;         // "ocr", "qr", "mrz", "ocr+qr", "ocr+mrz" (what the value rests on)
  // One confidence in [0, 1] per character of `value`, where the reader measures them (the ID
  // numbers: the vendor's `validate.idconf`); empty otherwise. See id_confidence.h.
  std::vector<double> char_confidences;
  bool present() const { return value != "N/A"; }
};

struct DocResult {
  DocType type = DocType::kUnknown;
  Side side = Side::kUnknown;
  double class_confidence = 0.0;
  std::vector<std::pair<std::string, Field>> fields;  // vendor field names, in output order
  std::optional<MrzData> mrz;
  std::optional<QrPayload> qr;
  int rotation = 0;  // degrees clockwise the card was turned to read it upright
  std::vector<cv::Point2f>
      corners;  // card corners in the input image (TL, TR, BR, BL of the upright card)
  bool card_located = false;  // false: the whole image was taken as the card
  cv::Mat card;               // rectified upright card (BGR)
  cv::Rect portrait;          // portrait slot in `card`, empty when the side has none
  // With DocReaderOptions::trace: how the side was read, one line per step (the page's
  // segments, each field's label, the words taken and what the re-reads and cleaning made of
  // them). Holds the card's text: for developers' tools only, never for logs.
  std::vector<std::string> trace;

  const Field* Get(const std::string& name) const;
  // The vendor-shaped "output" element for this side (fields + class_name + mrz/qr blocks), without
  // the `normalized`/`validate` parts that the API layer adds from src/vn.
  nlohmann::json ToJson() const;
};

// Which engine reads text in a role of the reader (docs/doc.md, "Recognisers").
enum class TextEngine {
  kTesseract,  // Tesseract `vie` (Debian's tesseract-ocr-vie)
  kTrained,    // the project's line recogniser (models/ocr, model id `vn-line`); for pages, with
               // the PP-OCR text detector (`ppocr-det`) finding the lines
};

struct DocReaderOptions {
  std::string tessdata_dir = "/usr/share/tesseract-ocr/5/tessdata";
  int card_width = 1000;  // width of the rectified card handed out (DocResult::card)
  // Width the card is rectified to for reading. The smallest print (a passport's bilingual labels,
  // the English sub-labels) is about 10 px tall at 1000 px, where the page recogniser merges it
  // with the value under it or drops it; at 1400 px both are read apart (docs/doc.md, "Reading
  // resolution"). The reader's pixel thresholds (doc/params.h) are stated at this width.
  int read_width = 1400;
  // The per-field line re-reads, the page reading and the MRZ band. kTrained needs `models`
  // (src/infer). Tesseract reads the MRZ with its `eng` model limited to the MRZ alphabet.
  // Tesseract everywhere needs no model set, so it is this struct's default; the server's and
  // the CLI's defaults (core/config.h, EKYC_DOC_*) choose per role from measurements.
  TextEngine lines = TextEngine::kTesseract;
  TextEngine page = TextEngine::kTesseract;
  TextEngine mrz = TextEngine::kTesseract;
  // The re-reads of date fields, which can differ from the other line re-reads: each role is
  // given to the engine that reads it best (docs/doc.md, "Recognisers").
  TextEngine date_lines = TextEngine::kTesseract;
  std::shared_ptr<const infer::ModelSet> models;
  // The official administrative units (vn/vn.h): a provincial issuer's province is spelled as
  // they spell it. Without them it is returned as read.
  std::shared_ptr<const vn::AdminIndex> places;
  bool trace = false;  // fill DocResult::trace (`ekyc read --trace`)
};

// "tesseract" | "trained" (as in EKYC_DOC_LINES / EKYC_DOC_PAGE / EKYC_DOC_MRZ); nullopt for anything else.
std::optional<TextEngine> ParseTextEngine(const std::string& name);

class DocReader {
 public:
  // Loads Tesseract `vie` (fields) and `eng` (MRZ only) once. Fails with a clear message when
  // the traineddata files are missing.
  static Result<std::unique_ptr<DocReader>> Create(const DocReaderOptions& options = {});
  // With other recognisers (doc/recognizer.h), e.g. a trained line recogniser for some field
  // kinds: the roles left empty are Tesseract's. The reader owns them from then on; they must not
  // be shared with another thread.
  static Result<std::unique_ptr<DocReader>> Create(const DocReaderOptions& options,
                                                   Recognizers recognizers);
  ~DocReader();
  DocReader(const DocReader&) = delete;
  DocReader& operator=(const DocReader&) = delete;

  // Reads one side. `check_rotate`: also try the card upside down / sideways.
  // Errors: image.empty, doc.image_too_small, doc.card_not_found, doc.card_too_small,
  // doc.unreadable (no document text found).
  Result<DocResult> Read(const cv::Mat& image, bool check_rotate = true);

 private:
  struct Impl;
  explicit DocReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Accent-free form used for `value_unidecode` (case kept; đ→d as in ICAO transliteration).
std::string Unidecode(const std::string& utf8);

}  // namespace ekyc::doc
