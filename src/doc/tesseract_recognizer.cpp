#include "doc/tesseract_recognizer.h"

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <opencv2/imgproc.hpp>

#include "doc/fields.h"
#include "doc/params.h"
#include "doc/text.h"
#include "vn/vn.h"

namespace ekyc::doc {
namespace {

bool HasLetterOrDigit(const std::string& text) {
  for (char c : FoldKey(text)) {
    if (std::isalnum(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

// A word with the per-character detail of its symbols.
struct DetailedWord {
  Word word;
  std::vector<double> char_conf;
  std::vector<float> char_x;
};

// Number of UTF-8 code points.
size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

struct TesseractRecognizer::Impl {
  tesseract::TessBaseAPI api;

  std::vector<DetailedWord> Run(const cv::Mat& gray, tesseract::PageSegMode psm, bool symbols) {
    const TesseractParams& p = kTesseract;
    api.SetPageSegMode(psm);
    api.SetImage(gray.data, gray.cols, gray.rows, 1, static_cast<int>(gray.step));
    api.SetSourceResolution(p.source_dpi);
    std::vector<DetailedWord> out;
    if (api.Recognize(nullptr) != 0) return out;
    std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
    if (!it) return out;
    do {
      std::unique_ptr<char[]> txt(it->GetUTF8Text(tesseract::RIL_WORD));
      if (!txt) continue;
      DetailedWord dw;
      Word& w = dw.word;
      w.text = FixLookAlikeLetters(vn::TextTools::Nfc(txt.get()));
      int x1, y1, x2, y2;
      it->BoundingBox(tesseract::RIL_WORD, &x1, &y1, &x2, &y2);
      w.box = cv::Rect(x1, y1, x2 - x1, y2 - y1);
      w.conf = it->Confidence(tesseract::RIL_WORD) / 100.0;
      if (symbols) {
        // The word's symbols, for per-character confidences and positions.
        for (;;) {
          std::unique_ptr<char[]> sym(it->GetUTF8Text(tesseract::RIL_SYMBOL));
          int sx1, sy1, sx2, sy2;
          if (sym && it->BoundingBox(tesseract::RIL_SYMBOL, &sx1, &sy1, &sx2, &sy2)) {
            const std::string s = vn::TextTools::Nfc(sym.get());
            for (size_t k = 0; k < CodePoints(s); ++k) {
              dw.char_conf.push_back(it->Confidence(tesseract::RIL_SYMBOL) / 100.0);
              dw.char_x.push_back(0.5F * static_cast<float>(sx1 + sx2));
            }
          }
          if (it->IsAtFinalElement(tesseract::RIL_WORD, tesseract::RIL_SYMBOL)) break;
          if (!it->Next(tesseract::RIL_SYMBOL)) break;
        }
        if (dw.char_conf.size() != CodePoints(w.text)) {  // NFC or look-alike mapping changed it
          dw.char_conf.assign(CodePoints(w.text), w.conf);
          dw.char_x.clear();
        }
      }
      if (Trim(w.text).empty()) continue;
      // Specks, photo edges and guilloche come out as punctuation of low confidence.
      if (!HasLetterOrDigit(w.text) && w.conf < p.min_symbol_word_conf) continue;
      out.push_back(std::move(dw));
    } while (it->Next(tesseract::RIL_WORD));
    // Blobs much taller than text (emblem, photo, chip) are not words.
    if (static_cast<int>(out.size()) >= p.min_words_for_height_filter) {
      std::vector<int> hs;
      for (auto& w : out) hs.push_back(w.word.box.height);
      std::nth_element(hs.begin(), hs.begin() + hs.size() / 2, hs.end());
      const int med = hs[hs.size() / 2];
      out.erase(std::remove_if(out.begin(), out.end(),
                               [&](const DetailedWord& w) {
                                 return w.word.box.height > p.max_word_height_ratio * med;
                               }),
                out.end());
    }
    return out;
  }
};

TesseractRecognizer::TesseractRecognizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TesseractRecognizer::~TesseractRecognizer() {
  if (impl_) impl_->api.End();
}

Result<std::unique_ptr<TesseractRecognizer>> TesseractRecognizer::Create(
    const TesseractOptions& options) {
  namespace fs = std::filesystem;
  if (!fs::exists(fs::path(options.tessdata_dir) / (options.lang + ".traineddata"))) {
    return FailedPrecondition("doc.tessdata_missing",
                              "Tesseract model " + options.lang + ".traineddata not found in " +
                                  options.tessdata_dir + " (install tesseract-ocr-" + options.lang +
                                  ")");
  }
  auto impl = std::make_unique<Impl>();
  impl->api.SetVariable("debug_file", "/dev/null");
  if (impl->api.Init(options.tessdata_dir.c_str(), options.lang.c_str(),
                     tesseract::OEM_LSTM_ONLY) != 0) {
    return FailedPrecondition("doc.tesseract_init",
                              "Tesseract could not load its models from " + options.tessdata_dir);
  }
  if (!options.whitelist.empty())
    impl->api.SetVariable("tessedit_char_whitelist", options.whitelist.c_str());
  if (!options.dictionaries) {
    impl->api.SetVariable("load_system_dawg", "0");
    impl->api.SetVariable("load_freq_dawg", "0");
  }
  return std::unique_ptr<TesseractRecognizer>(new TesseractRecognizer(std::move(impl)));
}

std::vector<Word> TesseractRecognizer::Words(const cv::Mat& gray, Layout layout) {
  std::vector<DetailedWord> words;
  if (layout == Layout::kPage) {
    words = impl_->Run(gray, tesseract::PSM_AUTO, false);
  } else {
    // A white border keeps glyphs at the crop's edge from being taken for noise.
    const int b = kTesseract.border_px;
    cv::Mat bordered;
    cv::copyMakeBorder(gray, bordered, b, b, b, b, cv::BORDER_CONSTANT, cv::Scalar(255));
    words = impl_->Run(bordered, tesseract::PSM_SINGLE_BLOCK, false);
    for (auto& w : words) w.word.box -= cv::Point(b, b);
  }
  std::vector<Word> out;
  out.reserve(words.size());
  for (auto& w : words) out.push_back(std::move(w.word));
  return out;
}

std::vector<LineReading> TesseractRecognizer::Lines(const cv::Mat& gray) {
  tesseract::TessBaseAPI& api = impl_->api;
  api.SetPageSegMode(tesseract::PSM_SINGLE_BLOCK);
  api.SetImage(gray.data, gray.cols, gray.rows, 1, static_cast<int>(gray.step));
  api.SetSourceResolution(kTesseract.source_dpi);
  std::vector<LineReading> lines;
  if (api.Recognize(nullptr) != 0) return lines;
  std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  if (!it || it->Empty(tesseract::RIL_TEXTLINE)) return lines;
  LineReading cur;
  auto flush = [&] {
    if (!Trim(cur.text).empty()) lines.push_back(std::move(cur));
    cur = LineReading();
  };
  // Symbol by symbol, with a space between words and a new line at each text line's start.
  do {
    if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE))
      flush();
    else if (it->IsAtBeginningOf(tesseract::RIL_WORD) && !cur.text.empty()) {
      cur.text += ' ';
      cur.char_conf.push_back(1.0);
      cur.char_x.push_back(cur.char_x.empty() ? 0.F : cur.char_x.back());
    }
    std::unique_ptr<char[]> sym(it->GetUTF8Text(tesseract::RIL_SYMBOL));
    int x1, y1, x2, y2;
    if (!sym || !it->BoundingBox(tesseract::RIL_SYMBOL, &x1, &y1, &x2, &y2)) continue;
    const std::string t = sym.get();
    for (size_t k = 0; k < CodePoints(t); ++k) {
      cur.char_conf.push_back(it->Confidence(tesseract::RIL_SYMBOL) / 100.0);
      cur.char_x.push_back(0.5F * static_cast<float>(x1 + x2));
    }
    cur.text += t;
  } while (it->Next(tesseract::RIL_SYMBOL));
  flush();
  return lines;
}

LineReading TesseractRecognizer::ReadLine(const cv::Mat& gray_line) {
  const TesseractParams& p = kTesseract;
  LineReading r;
  if (gray_line.empty()) return r;
  const double scale =
      std::clamp(p.line_height_px / gray_line.rows, p.line_min_scale, p.line_max_scale);
  cv::Mat up, bordered;
  cv::resize(gray_line, up, {}, scale, scale, cv::INTER_CUBIC);
  const int b = p.border_px;
  cv::copyMakeBorder(up, bordered, b, b, b, b, cv::BORDER_CONSTANT, cv::Scalar(255));
  double sum = 0;
  int n = 0;
  for (auto& dw : impl_->Run(bordered, tesseract::PSM_SINGLE_LINE, true)) {
    if (!r.text.empty()) {
      r.text += ' ';
      r.char_conf.push_back(1.0);
      if (!r.char_x.empty()) r.char_x.push_back(r.char_x.back());
    }
    r.text += dw.word.text;
    // Punctuation specks read from the background pattern carry low confidences that say nothing
    // about the value's letters: only words with letters or digits count.
    if (HasLetterOrDigit(dw.word.text)) {
      sum += dw.word.conf;
      ++n;
    }
    const bool positions =
        dw.char_x.size() == dw.char_conf.size() && (r.char_x.size() == r.char_conf.size());
    r.char_conf.insert(r.char_conf.end(), dw.char_conf.begin(), dw.char_conf.end());
    if (positions) {
      for (float x : dw.char_x) r.char_x.push_back(static_cast<float>((x - b) / scale));
    } else {
      r.char_x.clear();
    }
    dw.word.box = cv::Rect(static_cast<int>((dw.word.box.x - b) / scale),
                           static_cast<int>((dw.word.box.y - b) / scale),
                           static_cast<int>(dw.word.box.width / scale),
                           static_cast<int>(dw.word.box.height / scale));
    r.words.push_back(std::move(dw.word));
  }
  r.conf = n == 0 ? 0 : sum / n;
  return r;
}

}  // namespace ekyc::doc
