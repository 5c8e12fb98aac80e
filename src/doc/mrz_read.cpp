#include "doc/mrz_read.h"

#include <cmath>
#include <opencv2/imgproc.hpp>

#include "doc/params.h"

namespace ekyc::doc {
namespace {

// One character of an MRZ line as read, with its x-position.
struct MrzChar {
  char c;
  float x;
};

// The characters of a reading cleaned as ParseMrz cleans a line (spaces and other marks dropped,
// '«' and brackets read as '<'), each with its x; empty when the reading has no positions.
std::vector<MrzChar> CleanChars(const LineReading& line) {
  std::vector<MrzChar> out;
  if (line.char_x.empty()) return out;
  size_t cp = 0;  // code point index
  for (size_t i = 0; i < line.text.size(); ++cp) {
    const unsigned char c = static_cast<unsigned char>(line.text[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    const float x = cp < line.char_x.size() ? line.char_x[cp] : line.char_x.back();
    if (c == 0xC2 && i + 1 < line.text.size() &&
        static_cast<unsigned char>(line.text[i + 1]) == 0xAB) {
      out.push_back({'<', x});
    } else if (len == 1 && std::isalnum(c)) {
      out.push_back({static_cast<char>(std::toupper(c)), x});
    } else if (len == 1 && (c == '<' || c == '(' || c == '[' || c == '{')) {
      out.push_back({'<', x});
    }
    i += len;
  }
  return out;
}

std::string Text(const std::vector<MrzChar>& chars) {
  std::string s;
  for (const auto& m : chars) s.push_back(m.c);
  return s;
}

// The MRZ is printed at a fixed pitch: every character has its cell. Readings of OCR-B split one
// glyph into two characters (`<` read as `<K`) or drop fillers from long runs; with the pitch and
// origin fitted on the lines read at their exact length, each line is written again one character
// per cell: of two characters in one cell the one nearer the cell's centre, and an empty cell is a
// filler (a look-alike letter left for a filler is the name repair's, in ParseMrz). Empty when no
// line was read at its exact length.
std::vector<std::string> SnapToPitch(const std::vector<std::vector<MrzChar>>& lines, size_t n) {
  double sx = 0, sxx = 0, sy = 0, sxy = 0;
  int count = 0;
  for (const auto& line : lines) {
    if (line.size() != n) continue;
    for (size_t i = 0; i < n; ++i) {
      sx += static_cast<double>(i);
      sxx += static_cast<double>(i * i);
      sy += line[i].x;
      sxy += static_cast<double>(i) * line[i].x;
      ++count;
    }
  }
  if (count < static_cast<int>(n)) return {};
  const double denom = count * sxx - sx * sx;
  if (denom <= 0) return {};
  const double pitch = (count * sxy - sx * sy) / denom;
  const double x0 = (sy - pitch * sx) / count;
  if (pitch <= 1) return {};
  std::vector<std::string> out;
  for (const auto& line : lines) {
    std::string cells(n, '\0');
    std::vector<double> off(n, 1e9);
    for (const MrzChar& m : line) {
      const double pos = (m.x - x0) / pitch;
      const long idx = std::lround(pos);
      if (idx < 0 || idx >= static_cast<long>(n)) continue;
      const double d = std::abs(pos - static_cast<double>(idx));
      char& cell = cells[static_cast<size_t>(idx)];
      if (cell == '\0' || d < off[idx]) {
        cell = m.c;
        off[idx] = d;
      }
    }
    for (char& c : cells)
      if (c == '\0') c = '<';
    out.push_back(cells);
  }
  return out;
}

// Orders readings of one MRZ: fewer failed checks, then fewer name words that cannot be a
// Vietnamese syllable, then fewer repaired characters.
bool Better(const MrzData& a, int a_bad, const MrzData& b, int b_bad) {
  if (a.failed_checks.size() != b.failed_checks.size())
    return a.failed_checks.size() < b.failed_checks.size();
  if (a_bad != b_bad) return a_bad < b_bad;
  return a.repaired_chars < b.repaired_chars;
}

}  // namespace

std::optional<MrzData> ReadMrzBand(PageRecognizer& mrz, const cv::Mat& gray, bool passport_like) {
  const MrzReadParams& p = kMrzRead;
  const int top = static_cast<int>(gray.rows * (passport_like ? p.td3_band_top : p.td1_band_top));
  cv::Mat band = gray(cv::Rect(0, top, gray.cols, gray.rows - top));
  // Two readings: as rectified, then (only when check digits fail or a Vietnamese name word cannot
  // be a syllable) enlarged, where the generic model drops fewer characters from long filler runs.
  // Each reading is parsed as read and as written back on the MRZ's fixed pitch; check digits
  // pick, then the name words (the name has no check digit).
  std::optional<MrzData> best;
  int best_bad_words = 0;
  auto consider = [&](const std::vector<std::string>& lines) {
    auto parsed = ParseMrz(lines);
    if (!parsed.ok()) return;
    const int bad_words = ImplausibleNameWords(*parsed);
    if (!best || Better(*parsed, bad_words, *best, best_bad_words)) {
      best = parsed.value();
      best_bad_words = bad_words;
    }
  };
  for (double scale : {1.0, p.reread_scale}) {
    if (best && best->checks_ok && best_bad_words == 0) break;
    cv::Mat img;
    if (scale == 1.0)
      img = band.clone();
    else
      cv::resize(band, img, {}, scale, scale, cv::INTER_CUBIC);
    const std::vector<LineReading> read = mrz.Lines(img);
    std::vector<std::string> texts;
    for (const auto& l : read) texts.push_back(l.text);
    std::vector<std::string> mrz_lines = FindMrzLines(texts);
    if (mrz_lines.empty()) continue;
    consider(mrz_lines);
    // The same lines with their positions (FindMrzLines returns them cleaned, last run first).
    std::vector<std::vector<MrzChar>> chars;
    size_t next = 0;
    for (const auto& l : read) {
      std::vector<MrzChar> c = CleanChars(l);
      if (next < mrz_lines.size() && !c.empty() && Text(c) == mrz_lines[next]) {
        chars.push_back(std::move(c));
        ++next;
      } else if (next > 0 && next < mrz_lines.size()) {
        chars.clear();
        next = 0;
      }
    }
    if (chars.size() == mrz_lines.size()) {
      const size_t n = mrz_lines.size() == 3 ? 30 : 44;
      std::vector<std::string> snapped = SnapToPitch(chars, n);
      if (!snapped.empty() && snapped != mrz_lines) consider(snapped);
    }
  }
  if (best && best_bad_words > 0) {
    if (auto undoubled = UndoubleNameVowels(*best)) best = std::move(undoubled);
  }
  return best;
}

}  // namespace ekyc::doc
