// The card liveness measurements. Every value is taken on the rectified card at 1000 px width
// (about 300 dpi): a real card is dyed plastic or polycarbonate printed in colour with continuous
// tones; its copies are made of something else, and a phone photo of them keeps a trace of it.
#include "cardlive/signals.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "cardlive/params.h"

namespace ekyc::cardlive {

const std::array<const char*, kNumSignals> kSignalNames = {
    "chroma_p90",       // colour: strong colours of the card (Lab chroma, 90th percentile)
    "chroma_fraction",  // colour: share of the card that is coloured at all
    "black_level",      // darkest ink relative to the card's white (a screen's black glows)
    "contrast",         // lightness range (copiers' contrast settings, screens, paper)
    "hf_high",          // fine texture near the sampling limit vs coarse structure (dots, pixels)
    "hf_mid",           // texture at 3-5 px periods vs coarse structure (halftone cells)
    "hf_low",           // texture at 5-10 px periods vs coarse structure
    "peak_fine",        // strongest periodic component among fine frequencies (a grid)
    "peak_coarse",      // strongest periodic component among coarse frequencies (moire beating)
    "chroma_texture",   // colour texture vs lightness texture (subpixels, CMYK dots)
    "flat_grain",       // grain in the card's flattest areas (paper, toner, screen door)
    "border_dark",      // darkness of the card's outermost band (a screen bezel inside the outline)
};

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Percentile(std::vector<float>& v, double p) {
  if (v.empty()) return kNaN;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1)));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

double Median(std::vector<double> v) {
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Colour and tone on a small, blurred copy (print dots and pixels averaged away): white-balanced on
// the card's own brightest areas, so a colour cast of the light or the camera is not colour.
void MeasureColour(const cv::Mat& card, const SignalOptions& o, SignalVector& s) {
  const auto& p = kSignalParams;
  cv::Mat small;
  cv::resize(card, small, cv::Size(p.colour_width, p.colour_width * card.rows / card.cols), 0, 0,
             cv::INTER_AREA);
  small.convertTo(small, CV_32FC3, 1.0 / 255.0);
  std::vector<cv::Mat> ch;
  cv::split(small, ch);
  for (cv::Mat& c : ch) {
    std::vector<float> v(c.begin<float>(), c.end<float>());
    const double white = std::max(1e-3, Percentile(v, p.white_percentile));
    c /= white;
  }
  cv::merge(ch, small);
  cv::min(small, 1.0, small);
  cv::Mat lab;
  cv::cvtColor(small, lab, cv::COLOR_BGR2Lab);
  std::vector<float> chroma, light;
  chroma.reserve(lab.total());
  light.reserve(lab.total());
  int coloured = 0;
  for (auto it = lab.begin<cv::Vec3f>(); it != lab.end<cv::Vec3f>(); ++it) {
    const float c = std::hypot((*it)[1], (*it)[2]);
    chroma.push_back(c);
    light.push_back((*it)[0]);
    if (c > p.coloured_chroma) ++coloured;
  }
  if (o.colour_card) {
    s[0] = Percentile(chroma, 0.90);
    s[1] = static_cast<double>(coloured) / static_cast<double>(lab.total());
  }
  const double lo = Percentile(light, 0.01), hi = Percentile(light, 0.99);
  s[2] = lo / std::max(1.0, hi);
  s[3] = hi - lo;
}

struct Bands {
  double e[4] = {0, 0, 0, 0};  // energy per radial band
  double peak_fine = 0, peak_coarse = 0;
};

// Radial band of each bin of a tile's half-plane spectrum (-1: outside every band; +4: on or next
// to an axis, where text lines and the tile's edges put energy, so not used for peaks).
struct BandMap {
  int n = 0;
  std::vector<signed char> band;
  std::vector<bool> off_axis;
};

const BandMap& TileBands() {
  static const BandMap map = [] {
    const auto& p = kSignalParams;
    const int n = p.tile;
    BandMap m;
    m.n = n;
    for (int y = 0; y < n; ++y) {
      const int v = y <= n / 2 ? y : y - n;
      for (int u = 0; u <= n / 2; ++u) {
        const double r = std::hypot(u, v) / n;
        int band = -1;
        for (int k = 0; k < 4; ++k)
          if (r >= p.band_edges[k] && r < p.band_edges[k + 1]) band = k;
        m.band.push_back(static_cast<signed char>(band));
        m.off_axis.push_back(std::abs(u) > 1 && std::abs(v) > 1);
      }
    }
    return m;
  }();
  return map;
}

// Radial bands of a tile's power spectrum (cycles per pixel): coarse structure, 5-10 px, 3-5 px,
// 2-3 px periods, and the strongest off-axis peak against the median among fine / coarse bins.
Bands Spectrum(const cv::Mat& tile, const cv::Mat& window) {
  cv::Mat t = tile - cv::mean(tile)[0];
  t = t.mul(window);
  cv::Mat f;
  cv::dft(t, f, cv::DFT_COMPLEX_OUTPUT);
  const int n = tile.rows;
  const BandMap& map = TileBands();
  Bands b;
  std::vector<double> fine, coarse;
  fine.reserve(map.band.size());
  size_t i = 0;
  for (int y = 0; y < n; ++y) {
    const cv::Vec2f* row = f.ptr<cv::Vec2f>(y);
    for (int x = 0; x <= n / 2; ++x, ++i) {  // half plane: a real tile's spectrum is symmetric
      const int band = map.band[i];
      if (band < 0) continue;
      const double pw =
          static_cast<double>(row[x][0]) * row[x][0] + static_cast<double>(row[x][1]) * row[x][1];
      b.e[band] += pw;
      if (map.off_axis[i]) (band == 0 ? coarse : fine).push_back(pw);
    }
  }
  auto peak = [](std::vector<double>& v) {
    if (v.size() < 8) return 0.0;
    const double mx = *std::max_element(v.begin(), v.end());
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    return std::log(mx / std::max(1e-12, v[v.size() / 2]));
  };
  b.peak_fine = peak(fine);
  b.peak_coarse = peak(coarse);
  return b;
}

// Texture on tiles of the full-resolution card (kept off the edges): spectra of lightness and of
// two colour differences, and the grain of the tiles' flattest pixels.
void MeasureTexture(const cv::Mat& card, SignalVector& s) {
  const auto& p = kSignalParams;
  const int n = p.tile;
  cv::Mat window;
  cv::createHanningWindow(window, cv::Size(n, n), CV_32F);
  std::vector<double> high, mid, low, pf, pc, ct;
  std::vector<float> vars, resids;
  for (int row = 0; row < p.tile_rows; ++row) {
    for (int col = 0; col < p.tile_cols; ++col) {
      const int x = static_cast<int>(card.cols * (p.tile_margin + (1 - 2 * p.tile_margin) * col /
                                                                      (p.tile_cols - 1.0))) -
                    n / 2;
      const int y = static_cast<int>(card.rows * (p.tile_margin + (1 - 2 * p.tile_margin) * row /
                                                                      (p.tile_rows - 1.0))) -
                    n / 2;
      const cv::Rect r = cv::Rect(x, y, n, n) & cv::Rect(0, 0, card.cols, card.rows);
      if (r.width != n || r.height != n) continue;
      cv::Mat f;
      card(r).convertTo(f, CV_32FC3, 1.0 / 255.0);
      cv::Mat ch[3];
      cv::split(f, ch);  // B, G, R
      const cv::Mat luma = 0.114 * ch[0] + 0.587 * ch[1] + 0.299 * ch[2];
      const Bands l = Spectrum(luma, window);
      if (l.e[0] <= 0) continue;
      high.push_back(std::log((l.e[3] + 1e-9) / l.e[0]));
      mid.push_back(std::log((l.e[2] + 1e-9) / l.e[0]));
      low.push_back(std::log((l.e[1] + 1e-9) / l.e[0]));
      pf.push_back(l.peak_fine);
      pc.push_back(l.peak_coarse);
      const Bands a = Spectrum(ch[2] - ch[1], window), b = Spectrum(ch[0] - ch[1], window);
      const double chroma_hf = a.e[1] + a.e[2] + b.e[1] + b.e[2];
      ct.push_back(std::log((chroma_hf + 1e-9) / (l.e[1] + l.e[2] + 1e-9)));
      // Grain: the residual after a small blur, and the local variance that says where the card
      // has no print edges.
      cv::Mat blur, mean, sq;
      cv::GaussianBlur(luma, blur, cv::Size(0, 0), 1.5);
      const cv::Mat resid = cv::abs(luma - blur);
      cv::blur(luma, mean, cv::Size(9, 9));
      cv::blur(luma.mul(luma), sq, cv::Size(9, 9));
      const cv::Mat var = sq - mean.mul(mean);
      for (int yy = 4; yy < n - 4; yy += 2) {
        const float* v = var.ptr<float>(yy);
        const float* e = resid.ptr<float>(yy);
        for (int xx = 4; xx < n - 4; xx += 2) {
          vars.push_back(v[xx]);
          resids.push_back(e[xx]);
        }
      }
    }
  }
  s[4] = Median(high);
  s[5] = Median(mid);
  s[6] = Median(low);
  s[7] = Median(pf);
  s[8] = Median(pc);
  s[9] = Median(ct);
  if (!vars.empty()) {
    std::vector<float> sorted = vars;
    const double flat = Percentile(sorted, p.flat_quantile);
    std::vector<float> grain;
    for (size_t i = 0; i < vars.size(); ++i)
      if (vars[i] <= flat) grain.push_back(resids[i]);
    s[10] = grain.empty() ? kNaN : std::log(1e-4 + Percentile(grain, 0.5));
  }

  // The outermost band against the card's median lightness.
  cv::Mat grey;
  cv::cvtColor(card, grey, cv::COLOR_BGR2GRAY);
  const int bw = std::max(2, static_cast<int>(card.cols * p.border_band));
  cv::Mat m(grey.size(), CV_8U, cv::Scalar(255));
  m(cv::Rect(bw, bw, grey.cols - 2 * bw, grey.rows - 2 * bw)).setTo(0);
  std::vector<float> all;
  all.reserve(grey.total() / 16);
  for (int y = 0; y < grey.rows; y += 4)
    for (int x = 0; x < grey.cols; x += 4) all.push_back(grey.at<uchar>(y, x));
  const double med = std::max(1.0, Percentile(all, 0.5));
  s[11] = cv::mean(grey, m)[0] / med;
}

}  // namespace

SignalVector MeasureSignals(const cv::Mat& card_in, const SignalOptions& o) {
  SignalVector s;
  s.fill(kNaN);
  if (card_in.empty() || card_in.channels() != 3) return s;
  cv::Mat card = card_in;
  if (card.cols != kSignalParams.card_width) {
    cv::resize(
        card_in, card,
        cv::Size(kSignalParams.card_width, kSignalParams.card_width * card_in.rows / card_in.cols),
        0, 0, cv::INTER_AREA);
  }
  MeasureColour(card, o, s);
  // Below this size the photo never held the fine texture: the texture cues abstain.
  if (o.source_width_px <= 0 || o.source_width_px >= kSignalParams.min_texture_width_px)
    MeasureTexture(card, s);
  return s;
}

}  // namespace ekyc::cardlive
