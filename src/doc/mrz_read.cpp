#include "doc/mrz_read.h"

#include <opencv2/imgproc.hpp>

#include "doc/params.h"

namespace ekyc::doc {

std::optional<MrzData> ReadMrzBand(PageRecognizer& mrz, const cv::Mat& gray, bool passport_like) {
  const MrzReadParams& p = kMrzRead;
  const int top = static_cast<int>(gray.rows * (passport_like ? p.td3_band_top : p.td1_band_top));
  cv::Mat band = gray(cv::Rect(0, top, gray.cols, gray.rows - top));
  // Two readings: as rectified, then (only when check digits fail or a Vietnamese name word cannot
  // be a syllable) enlarged, where the generic model drops fewer characters from long filler runs.
  // Check digits pick the reading, then the name words.
  std::optional<MrzData> best;
  int best_bad_words = 0;
  for (double scale : {1.0, p.reread_scale}) {
    if (best && best->checks_ok && best_bad_words == 0) break;
    cv::Mat img;
    if (scale == 1.0)
      img = band.clone();
    else
      cv::resize(band, img, {}, scale, scale, cv::INTER_CUBIC);
    std::vector<std::string> mrz_lines = FindMrzLines(mrz.Lines(img));
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

}  // namespace ekyc::doc
