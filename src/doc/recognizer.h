// The text recognisers behind the document reader, as interfaces: the rest of the reader only sees
// words with boxes, text and confidences, so another recogniser plugs in without touching the
// stages that group, match, extract and check.
//
// Two roles:
// - PageRecognizer finds and reads the words of a whole card page or of a block of lines (it does
//   its own layout analysis). Tesseract `vie` is today's page recogniser; Tesseract `eng` with an
//   MRZ character whitelist reads the MRZ band.
// - LineRecognizer reads one line already cut out of the card (the per-field re-reads). Tesseract
//   `vie` in single-line mode is today's; a trained line recogniser (e.g. a CTC model that takes a
//   grey line scaled to 32 px high and returns text with per-character confidences and
//   x-positions) implements the same interface and can be set per field kind in `Recognizers`.
//
// Thread-safety: implementations hold engine state (Tesseract is not re-entrant); one instance per
// thread, as DocReader is one per worker.
#pragma once

#include <map>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace ekyc::doc {

// The kinds of printed values; the layout tables give each field one, and each kind may have its
// own line recogniser.
enum class FieldKind { kId, kDate, kName, kSex, kText, kAddress, kNationality };

struct Word {
  std::string text;  // NFC
  cv::Rect box;      // in the pixels of the image given to the recogniser
  double conf = 0;   // [0, 1]
};

// One line read from a crop that holds one line of text.
struct LineReading {
  std::string text;              // words joined by single spaces, NFC
  double conf = 0;               // mean confidence of the words with a letter or digit, [0, 1]
  std::vector<Word> words = {};  // boxes in the crop's pixels
  std::vector<double> char_conf = {};  // one per code point of `text` ([0, 1]); empty when unknown
  std::vector<float> char_x = {};  // centre x of each code point in the crop; empty when unknown
};

class PageRecognizer {
 public:
  enum class Layout {
    kPage,   // a whole card: the recogniser finds columns and lines itself
    kBlock,  // a region holding a few lines, read as one block
  };
  virtual ~PageRecognizer() = default;
  // Words of `gray` (8-bit, one channel, dark text on a light background), with their boxes.
  virtual std::vector<Word> Words(const cv::Mat& gray, Layout layout) = 0;
  // The text lines of a block as the recogniser itself splits them (for the MRZ, whose long filler
  // runs defeat grouping words into lines by their gaps), with per-character x-positions when the
  // recogniser gives them (the MRZ's fixed pitch then puts each character in its cell).
  virtual std::vector<LineReading> Lines(const cv::Mat& gray) = 0;
};

class LineRecognizer {
 public:
  virtual ~LineRecognizer() = default;
  // Reads a grey crop (8-bit, one channel) holding one line of text at card resolution, with a
  // little room around the glyphs. The recogniser scales it to its own input height.
  virtual LineReading ReadLine(const cv::Mat& gray_line) = 0;
};

// The recognisers one DocReader uses (one object may serve several roles: Tesseract `vie` is both
// the page and the default line recogniser). `line_by_kind` overrides `line` for some field kinds
// (e.g. a trained recogniser for names and addresses, Tesseract for the rest).
struct Recognizers {
  std::shared_ptr<PageRecognizer> page;
  std::shared_ptr<PageRecognizer> mrz;
  std::shared_ptr<LineRecognizer> line;
  std::map<FieldKind, std::shared_ptr<LineRecognizer>> line_by_kind;

  LineRecognizer& LineFor(FieldKind kind) const {
    auto it = line_by_kind.find(kind);
    return it != line_by_kind.end() && it->second ? *it->second : *line;
  }
};

}  // namespace ekyc::doc
