#include "doc/ctc_recognizer.h"

#include <algorithm>
#include <cctype>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <opencv2/imgproc.hpp>

#include "doc/text.h"

namespace ekyc::doc {
namespace {

constexpr int kStride = 4;  // input pixels per output column (two 2x2 poolings)

// Value at percentile p of a 256-bin histogram, interpolated between ranks as numpy's default
// (linear) percentile does, so that C++ and the training code stretch a crop identically.
double Percentile(const std::array<int, 256>& hist, int n, double p) {
  const double pos = p / 100.0 * (n - 1);
  const int lo_rank = static_cast<int>(std::floor(pos));
  const int hi_rank = std::min(n - 1, lo_rank + 1);
  auto value_at = [&](int rank) {
    int cum = 0;
    for (int v = 0; v < 256; ++v) {
      cum += hist[v];
      if (cum > rank) return v;
    }
    return 255;
  };
  const double a = value_at(lo_rank), b = value_at(hi_rank);
  return a + (pos - lo_rank) * (b - a);
}

}  // namespace

double RecognizedLine::MeanConfidence() const {
  double s = 0;
  int n = 0;
  for (const auto& c : chars) {
    if (c.utf8 == " ") continue;
    s += c.confidence;
    ++n;
  }
  return n ? s / n : 0.0;
}

LineReading RecognizedLine::ToReading(const cv::Size& crop_size) const {
  LineReading out;
  Word cur;
  std::vector<float> confs;
  float x0 = 0, x1 = 0;
  double alnum_sum = 0;
  int alnum_words = 0;
  auto flush = [&]() {
    if (cur.text.empty()) return;
    const int left = std::clamp(static_cast<int>(std::floor(x0)), 0, crop_size.width - 1);
    const int right = std::clamp(static_cast<int>(std::ceil(x1)), left + 1, crop_size.width);
    cur.box = cv::Rect(left, 0, right - left, crop_size.height);
    double s = 0;
    for (float c : confs) s += c;
    cur.conf = s / confs.size();
    if (HasLetterOrDigit(cur.text)) alnum_sum += cur.conf, ++alnum_words;
    out.words.push_back(std::move(cur));
    cur = Word();
    confs.clear();
  };
  for (const auto& c : chars) {
    out.text += c.utf8;
    out.char_x.push_back(0.5F * (c.x0 + c.x1));
    if (c.utf8 == " ") {
      out.char_conf.push_back(1.0);
      flush();
      continue;
    }
    out.char_conf.push_back(c.confidence);
    if (cur.text.empty()) x0 = c.x0;
    x1 = c.x1;
    cur.text += c.utf8;
    confs.push_back(c.confidence);
  }
  flush();
  out.conf = alnum_words ? alnum_sum / alnum_words : 0.0;
  return out;
}

CtcLineRecognizer::~CtcLineRecognizer() = default;

Result<std::unique_ptr<CtcLineRecognizer>> CtcLineRecognizer::Create(
    std::shared_ptr<const infer::ModelSet> models, const CtcRecognizerOptions& options) {
  if (!models)
    return FailedPrecondition("doc.recognizer_missing", "no model set given to the line recogniser");
  if (!models->Has(options.model_id))
    return FailedPrecondition("doc.recognizer_missing",
                              "model set in '" + models->dir() + "' lacks the line recogniser '" +
                                  options.model_id + "'; run `make models`");
  std::unique_ptr<CtcLineRecognizer> r(new CtcLineRecognizer());
  r->options_ = options;
  const std::string charset_path = models->dir() + "/" + options.model_id + ".charset.txt";
  std::ifstream in(charset_path);
  if (!in)
    return FailedPrecondition("doc.recognizer_missing",
                              "cannot read the recogniser's alphabet '" + charset_path + "'");
  r->alphabet_.push_back("");  // CTC blank
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    r->alphabet_.push_back(line);
  }
  r->session_ = std::make_unique<infer::Session>(models);
  // One tiny run checks that the network's class count matches the alphabet.
  double scale = 1;
  cv::Mat probe(options.height, options.height * 2, CV_8UC1, cv::Scalar(255));
  EKYC_ASSIGN_OR_RETURN(std::vector<cv::Mat> outs,
                        r->session_->Run(options.model_id, r->Preprocess(probe, &scale)));
  if (outs.empty() || outs[0].dims != 4 || outs[0].size[1] != static_cast<int>(r->alphabet_.size()))
    return FailedPrecondition("doc.recognizer_mismatch",
                              "the line recogniser's output does not match its alphabet (" +
                                  std::to_string(r->alphabet_.size()) + " classes with blank)");
  return r;
}

cv::Mat CtcLineRecognizer::Preprocess(const cv::Mat& crop, double* x_scale, bool* flat) const {
  cv::Mat grey;
  if (crop.channels() == 3)
    cv::cvtColor(crop, grey, cv::COLOR_BGR2GRAY);
  else if (crop.channels() == 4)
    cv::cvtColor(crop, grey, cv::COLOR_BGRA2GRAY);
  else
    grey = crop;
  const int h = options_.height;
  int w = static_cast<int>(std::lround(grey.cols * static_cast<double>(h) / grey.rows));
  w = std::clamp(w, 8, options_.max_width);
  cv::Mat resized;
  cv::resize(grey, resized, cv::Size(w, h), 0, 0,
             grey.rows > h ? cv::INTER_AREA : cv::INTER_LINEAR);
  *x_scale = static_cast<double>(w) / grey.cols;

  std::array<int, 256> hist{};
  for (int y = 0; y < resized.rows; ++y) {
    const uint8_t* p = resized.ptr<uint8_t>(y);
    for (int x = 0; x < resized.cols; ++x) ++hist[p[x]];
  }
  const int n = resized.rows * resized.cols;
  const double lo = Percentile(hist, n, options_.low_percentile);
  const double hi = Percentile(hist, n, options_.high_percentile);
  const bool stretch = hi - lo >= options_.min_stretch_range;
  if (flat) *flat = !stretch;
  const double gain = stretch ? 255.0 / (hi - lo) : 1.0;

  const int padded = (w + kStride - 1) / kStride * kStride;
  const int sizes[4] = {1, 1, h, padded};
  cv::Mat blob(4, sizes, CV_32F);
  for (int y = 0; y < h; ++y) {
    const uint8_t* p = resized.ptr<uint8_t>(y);
    float* q = blob.ptr<float>(0, 0, y);
    for (int x = 0; x < padded; ++x) {
      double g = p[std::min(x, w - 1)];  // right padding repeats the last column
      if (stretch) g = std::clamp((g - lo) * gain, 0.0, 255.0);
      q[x] = static_cast<float>(g / 127.5 - 1.0);
    }
  }
  return blob;
}

Result<RecognizedLine> CtcLineRecognizer::Read(const cv::Mat& crop) {
  if (crop.empty() || crop.rows < 4 || crop.cols < 4)
    return InvalidArgument("doc.line_too_small", "a text line crop must be at least 4x4 pixels");
  double scale = 1;
  bool flat = false;
  cv::Mat blob = Preprocess(crop, &scale, &flat);
  // A crop without contrast holds no ink; the network was never shown one and may hallucinate.
  if (flat) return RecognizedLine{};
  EKYC_ASSIGN_OR_RETURN(std::vector<cv::Mat> outs, session_->Run(options_.model_id, blob));
  const cv::Mat& probs = outs.at(0);  // 1 x C x 1 x T
  const int classes = probs.size[1], columns = probs.size[3];
  RecognizedLine line;
  int prev = 0;
  for (int t = 0; t < columns; ++t) {
    int best = 0;
    float best_p = -1;
    for (int c = 0; c < classes; ++c) {
      const float p = probs.ptr<float>(0, c, 0)[t];
      if (p > best_p) best_p = p, best = c;
    }
    const float x0 = static_cast<float>(t * kStride / scale);
    const float x1 = static_cast<float>((t + 1) * kStride / scale);
    if (best != 0 && best != prev) {
      line.chars.push_back({alphabet_[best], best_p, x0, x1});
      line.text += alphabet_[best];
    } else if (best != 0 && best == prev) {
      auto& c = line.chars.back();
      c.confidence = std::max(c.confidence, best_p);
      c.x1 = x1;
    }
    prev = best;
  }
  // Spaces at the ends carry no word; the reader's lines never start or end with one.
  while (!line.chars.empty() && line.chars.back().utf8 == " ") line.chars.pop_back();
  size_t lead = 0;
  while (lead < line.chars.size() && line.chars[lead].utf8 == " ") ++lead;
  line.chars.erase(line.chars.begin(), line.chars.begin() + static_cast<long>(lead));
  line.text.clear();
  for (const auto& c : line.chars) line.text += c.utf8;
  return line;
}

LineReading CtcLineRecognizer::ReadLine(const cv::Mat& gray_line) {
  auto line = Read(gray_line);
  if (!line.ok()) return {};
  return line->ToReading(gray_line.size());
}

}  // namespace ekyc::doc
