// The project's own line recogniser (a LineRecognizer, recognizer.h): an all-convolution CTC
// network trained on Vietnamese card fields (tools/ocr, model card in models/ocr/MODEL_CARD.md),
// run through the verified model set (src/infer) by OpenCV DNN.
//
// Input: a crop of one line of text (any size, BGR or grey), cut around the line's ink with a
// margin of about 15 % of its height above and below and 30 % left and right (the crops it was
// trained on vary from 0 to 35 % and 0 to 60 %). Output: the text (NFC), one confidence per
// character (the highest probability the character had over the columns that emitted it) and
// each character's horizontal extent in crop pixels, so that a caller can cut the line into
// words with boxes.
//
// Thread-safety: NOT thread-safe (it owns an infer::Session); one per worker, like DocReader.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "doc/recognizer.h"
#include "infer/infer.h"

namespace ekyc::doc {

struct RecognizedChar {
  std::string utf8;        // one character of the alphabet, NFC
  float confidence = 0.f;  // [0, 1]
  float x0 = 0.f, x1 = 0.f;  // horizontal extent in crop pixels (from the CTC columns)
};

struct RecognizedLine {
  std::string text;
  std::vector<RecognizedChar> chars;
  // The reader's form: words split at spaces (boxes span the crop's height), one confidence and
  // one centre x per code point (spaces get confidence 1).
  LineReading ToReading(const cv::Size& crop_size) const;
  double MeanConfidence() const;  // over the characters that are not spaces
};

struct CtcRecognizerOptions {
  std::string model_id = "vn-line";  // id in the model set's manifest
  int height = 32;                   // network input height (fixed by training)
  int max_width = 1024;              // longer lines are squeezed, as in training
  // Percentile stretch applied before the network, as in training (tools/ocr/model.py prep):
  // exposure and contrast vary far more between phones than between characters.
  double low_percentile = 2.0, high_percentile = 98.0;
  double min_stretch_range = 8.0;  // grey levels; flatter crops are left as they are
};

class CtcLineRecognizer final : public LineRecognizer {
 public:
  // Fails when the model set lacks the recogniser or its alphabet (models/ocr/charset.txt,
  // copied beside the model by `make models`) does not match the network's output size.
  static Result<std::unique_ptr<CtcLineRecognizer>> Create(
      std::shared_ptr<const infer::ModelSet> models, const CtcRecognizerOptions& options = {});
  ~CtcLineRecognizer() override;

  Result<RecognizedLine> Read(const cv::Mat& crop);
  // LineRecognizer: an empty reading when the crop cannot be read.
  LineReading ReadLine(const cv::Mat& gray_line) override;

  // Network input for a crop: grey, `height` rows, percentile-stretched, values in [-1, 1]
  // (1 x 1 x height x W). Exposed for the parity test with the training code. `flat` (optional):
  // set when the crop has too little contrast to hold text.
  cv::Mat Preprocess(const cv::Mat& crop, double* x_scale, bool* flat = nullptr) const;

 private:
  CtcLineRecognizer() = default;
  CtcRecognizerOptions options_;
  std::unique_ptr<infer::Session> session_;
  std::vector<std::string> alphabet_;  // index 0 = blank
};

}  // namespace ekyc::doc
