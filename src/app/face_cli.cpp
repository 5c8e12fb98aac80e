#include "app/face_cli.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <sstream>

#include "core/cpu_time.h"

namespace ekyc::app {

Result<face::FaceEngineOptions> EngineOptions(bool tta, bool need_calibration, double card_sigma,
                                              const FusionArgs& fusion) {
  EKYC_ASSIGN_OR_RETURN(face::FaceEngineOptions o, face::FaceEngineOptions::FromEnv());
  if (!tta) o.flip_tta = false;  // flip TTA is on by default; --no-flip-tta turns it off
  if (card_sigma >= 0) o.card_smoothing_sigma = card_sigma;
  if (!fusion.embedder.empty()) {
    EKYC_ASSIGN_OR_RETURN(o.networks, face::LoadNetworks(fusion.embedder));
    if (need_calibration && std::getenv("EKYC_FACE_CALIBRATION") == nullptr)
      return InvalidArgument("face.calibration_missing",
                             "--embedder needs EKYC_FACE_CALIBRATION (fit one with `ekyc face "
                             "calibrate`)");
  }
  if (!fusion.weights.empty()) {
    std::vector<double> w;
    std::stringstream ss(fusion.weights);
    std::string item;
    while (std::getline(ss, item, ',')) w.push_back(std::atof(item.c_str()));
    if (w.size() != o.networks.size())
      return InvalidArgument("face.fusion_invalid", "--weights needs one share per network (" +
                                                        std::to_string(o.networks.size()) + ")");
    double total = 0;
    for (double x : w) total += x;
    if (!(total > 0)) return InvalidArgument("face.fusion_invalid", "--weights must sum to > 0");
    for (size_t i = 0; i < w.size(); ++i) o.networks[i].weight = w[i] / total;
  }
  if (fusion.selfie_side > 0) o.selfie_detect_side = fusion.selfie_side;
  if (fusion.card_side > 0) o.card_detect_side = fusion.card_side;
  if (fusion.flip_min_yaw >= 0) o.flip_min_abs_yaw_deg = fusion.flip_min_yaw;
  if (fusion.card_hog_first) o.card_blazeface_first = false;
  if (fusion.grey) o.grey_input = true;
  // embed / eval / degrade report raw cosines: they must run for any setting, including ones no
  // calibration file was fitted for yet.
  if (!need_calibration) o.calibration_path.clear();
  return o;
}

Result<std::unique_ptr<face::FaceEngine>> MakeEngine(bool tta, bool need_calibration,
                                                     double card_sigma, const FusionArgs& fusion) {
  EKYC_ASSIGN_OR_RETURN(face::FaceEngineOptions o,
                        EngineOptions(tta, need_calibration, card_sigma, fusion));
  return face::FaceEngine::Create(o);
}

uint64_t Fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

cv::Mat CardLike(face::FaceEngine& engine, const cv::Mat& img, const std::string& name) {
  auto det = engine.Detect(img, face::Source::kSelfie);
  cv::Mat portrait = img;
  if (det.ok() && !det->faces.empty()) {
    const cv::Rect b = det->faces.front().box;
    cv::Rect r(b.x - b.width * 3 / 10, b.y - b.height * 45 / 100, b.width * 16 / 10, b.height * 2);
    portrait = img(r & cv::Rect(0, 0, img.cols, img.rows)).clone();
  }
  return face::DegradeLikeCardPortrait(portrait, Fnv1a(name));
}

Result<std::vector<Pair>> ReadPairs(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("face.pairs_missing", "cannot read pairs file '" + path + "'");
  std::vector<Pair> pairs;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) f.push_back(cell);
    if (first && f.size() >= 3 && f[2] == "same") {
      first = false;
      continue;
    }
    first = false;
    if (f.size() < 3)
      return InvalidArgument("face.pairs_invalid",
                             "pairs line needs img_a,img_b,same[,set]: " + line);
    pairs.push_back({f[0], f[1], f.size() > 3 ? f[3] : "all", f[2] == "1"});
  }
  return pairs;
}

ImageAnalyses::ImageAnalyses(face::FaceEngine& engine, face::FaceEngine& crop_engine,
                             std::string root)
    : engine_(engine), crop_engine_(crop_engine), root_(std::move(root)) {}

const ImageAnalyses::Entry& ImageAnalyses::Get(const std::string& rel, bool as_card) {
  const std::string key = (as_card ? "card:" : "selfie:") + rel;
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  Entry e;
  cv::Mat img = cv::imread(root_ + rel, cv::IMREAD_COLOR);
  if (img.empty()) {
    e.reason = "image.unreadable";
    return cache_[key] = e;
  }
  if (as_card) img = CardLike(crop_engine_, img, rel);
  const face::Source source = as_card ? face::Source::kCard : face::Source::kSelfie;
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = ThreadCpuMs();
  auto a = engine_.Analyze(img, source, false);
  e.cpu_ms = ThreadCpuMs() - c0;
  e.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  wall_[as_card ? 1 : 0].push_back(e.ms);
  cpu_[as_card ? 1 : 0].push_back(e.cpu_ms);
  if (!a.ok()) {
    e.reason = a.status().reason();
  } else {
    e.ok = true;
    e.fallback = a->face.detector != "dlib-hog";
    e.flipped = a->flipped;
    e.quality = a->quality;
    e.detector = a->face.detector;
    e.emb = a->embedding.values;
    for (const auto& c : a->components) e.parts.push_back(c.values);
    const Status gate = face::CheckQuality(a->quality, source);
    e.quality_ok = gate.ok();
    if (!gate.ok()) e.reason = gate.reason();
  }
  return cache_[key] = e;
}

}  // namespace ekyc::app
