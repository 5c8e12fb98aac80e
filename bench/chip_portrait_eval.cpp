// The selfie matched against a chip portrait (DG2) on a labelled face set: how the similarity maps
// behave for this use. A DG2 portrait is a small, strongly compressed digital photo, neither a
// selfie nor a re-photographed print, so both calibrated maps of the face engine are measured:
// Map (selfie vs selfie) and MapCardVsSelfie (what FaceEngine::Compare, i.e. the card path, uses).
//
// Every image is embedded twice with the engine's defaults: as a selfie (Source::kSelfie, quality
// gates on, as Compare does) and as a DG2-like portrait (resized so its longer side is --dg2-side,
// JPEG at --dg2-quality, then Source::kCard). Genuine pairs: DG2 of image a vs selfie of image b,
// same identity, a != b. Impostor pairs: every DG2 x selfie pair of different identities.
// Identities are split in two halves by their order in identities.csv (even / odd): the figures
// are given per half and pooled, so a reader sees how much they move.
//
// Usage: chip_portrait_eval --faces DIR [--dg2-side 320] [--dg2-quality 50] [--limit N]
// (DIR holds identities.csv "image,identity" and the images; EKYC_MODEL_DIR as for ekyc serve.)

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/cpu_time.h"
#include "face/face.h"

namespace {

using namespace ekyc;

struct Item {
  std::string image, identity;
  int half = 0;
  std::vector<float> selfie, dg2;
  bool ok = false;
};

cv::Mat Dg2Like(const cv::Mat& img, int side, int quality) {
  const double s = static_cast<double>(side) / std::max(img.cols, img.rows);
  cv::Mat resized;
  cv::resize(img, resized, {}, s, s, s < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
  std::vector<uchar> buf;
  cv::imencode(".jpg", resized, buf, {cv::IMWRITE_JPEG_QUALITY, quality});
  return cv::imdecode(buf, cv::IMREAD_COLOR);
}

}  // namespace

int main(int argc, char** argv) {
  std::string faces;
  int side = 320, quality = 50, limit = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--faces") == 0) faces = argv[i + 1];
    if (std::strcmp(argv[i], "--dg2-side") == 0) side = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--dg2-quality") == 0) quality = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--limit") == 0) limit = std::atoi(argv[i + 1]);
  }
  if (faces.empty()) {
    std::fprintf(stderr,
                 "usage: chip_portrait_eval --faces DIR [--dg2-side N] [--dg2-quality Q]\n");
    return 2;
  }
  auto options = face::FaceEngineOptions::FromEnv();
  if (!options.ok()) {
    std::fprintf(stderr, "%s\n", options.status().ToString().c_str());
    return 2;
  }
  auto engine = face::FaceEngine::Create(*options);
  if (!engine.ok()) {
    std::fprintf(stderr, "%s\n", engine.status().ToString().c_str());
    return 2;
  }
  std::ifstream csv(faces + "/identities.csv");
  std::string line;
  std::getline(csv, line);  // header
  std::vector<Item> items;
  std::map<std::string, int> order;
  while (std::getline(csv, line)) {
    auto comma = line.find(',');
    if (comma == std::string::npos) continue;
    Item it;
    it.image = line.substr(0, comma);
    it.identity = line.substr(comma + 1, line.find(',', comma + 1) - comma - 1);
    if (!order.count(it.identity)) order[it.identity] = static_cast<int>(order.size());
    it.half = order[it.identity] % 2;
    items.push_back(it);
    if (limit > 0 && static_cast<int>(items.size()) >= limit) break;
  }
  const double cpu0 = ProcessCpuMs();
  int failed = 0;
  for (auto& it : items) {
    cv::Mat img = cv::imread(faces + "/" + it.image);
    if (img.empty()) {
      ++failed;
      continue;
    }
    auto s = (*engine)->Analyze(img, face::Source::kSelfie);
    auto d = (*engine)->Analyze(Dg2Like(img, side, quality), face::Source::kCard);
    if (!s.ok() || !d.ok()) {
      ++failed;
      continue;
    }
    it.selfie = s->embedding.values;
    it.dg2 = d->embedding.values;
    it.ok = true;
  }
  const face::Calibration& cal = (*engine)->calibration();
  // scores[half][genuine] -> cosines; half 2 = pooled.
  std::vector<double> scores[3][2];
  for (size_t a = 0; a < items.size(); ++a) {
    for (size_t b = 0; b < items.size(); ++b) {
      if (a == b || !items[a].ok || !items[b].ok) continue;
      const bool genuine = items[a].identity == items[b].identity;
      if (!genuine && items[a].half != items[b].half) continue;  // impostors within a half
      const double c = face::Cosine(items[a].dg2, items[b].selfie);
      scores[items[a].half][genuine].push_back(c);
      scores[2][genuine].push_back(c);
    }
  }
  std::printf(
      "{\"model\": \"%s\", \"dg2_side\": %d, \"dg2_quality\": %d, \"images\": %zu, \"failed\": %d, "
      "\"cpu_s\": %.1f, \"results\": [\n",
      (*engine)->model_id().c_str(), side, quality, items.size(), failed,
      (ProcessCpuMs() - cpu0) / 1e3);
  const char* halves[3] = {"even identities", "odd identities", "pooled"};
  bool first = true;
  for (int h = 0; h < 3; ++h) {
    for (int map = 0; map < 2; ++map) {
      for (double t : {0.3, 0.5, 0.7, 0.9}) {
        int fa = 0, ta = 0;
        for (double c : scores[h][0]) fa += (map == 0 ? cal.Map(c) : cal.MapCardVsSelfie(c)) >= t;
        for (double c : scores[h][1]) ta += (map == 0 ? cal.Map(c) : cal.MapCardVsSelfie(c)) >= t;
        std::printf(
            "%s  {\"set\": \"%s\", \"map\": \"%s\", \"threshold\": %.1f, \"genuine\": %zu, "
            "\"impostor\": %zu, "
            "\"tar\": %.4f, \"far\": %.5f}",
            first ? "" : ",\n", halves[h], map == 0 ? "selfie" : "card", t, scores[h][1].size(),
            scores[h][0].size(),
            scores[h][1].empty() ? 0.0 : static_cast<double>(ta) / scores[h][1].size(),
            scores[h][0].empty() ? 0.0 : static_cast<double>(fa) / scores[h][0].size());
        first = false;
      }
    }
  }
  std::printf("\n]}\n");
  return 0;
}
