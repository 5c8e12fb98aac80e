// Tesseract 5 (LSTM) as the reader's page and line recogniser (recognizer.h).
//
// Thread-safety: one TessBaseAPI per instance, not re-entrant: one instance per thread.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "doc/recognizer.h"

namespace ekyc::doc {

struct TesseractOptions {
  std::string tessdata_dir = "/usr/share/tesseract-ocr/5/tessdata";
  std::string lang = "vie";
  // Characters the LSTM may output (empty: all). The MRZ reader limits it to A-Z, 0-9 and '<'.
  std::string whitelist;
  // Tesseract's word lists; off for the MRZ, whose "words" are not language.
  bool dictionaries = true;
};

class TesseractRecognizer : public PageRecognizer, public LineRecognizer {
 public:
  // Fails (doc.tessdata_missing, doc.tesseract_init) when the traineddata cannot be loaded.
  static Result<std::unique_ptr<TesseractRecognizer>> Create(const TesseractOptions& options);
  ~TesseractRecognizer() override;

  std::vector<Word> Words(const cv::Mat& gray, Layout layout) override;
  std::vector<LineReading> Lines(const cv::Mat& gray) override;
  // Scales the crop to about 52 px (x1 to x4), adds a white border, single-line mode.
  LineReading ReadLine(const cv::Mat& gray_line) override;

 private:
  struct Impl;
  explicit TesseractRecognizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ekyc::doc
