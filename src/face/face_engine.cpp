#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <opencv2/imgproc.hpp>

#include "face/detector.h"
#include "face/face.h"
#include "face/network.h"

namespace ekyc::face {
namespace {

// In place: BGR -> grey -> BGR (three equal channels, what the networks expect).
void ToGreyBgr(cv::Mat& bgr) {
  cv::Mat grey;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  cv::cvtColor(grey, bgr, cv::COLOR_GRAY2BGR);
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

}  // namespace

nlohmann::json Embedding::ToJson() const {
  return {{"model", model}, {"dim", values.size()}, {"values", values}};
}

Result<FaceEngineOptions> FaceEngineOptions::FromEnv() {
  FaceEngineOptions o;
  std::string model_dir = Env("EKYC_MODEL_DIR");
  if (model_dir.empty()) model_dir = EKYC_FACE_DEFAULT_MODEL_DIR;
  std::error_code ec;
  if (std::filesystem::exists(model_dir + "/manifest.json", ec)) {
    auto set = infer::ModelSet::Load(model_dir);
    if (set.ok()) o.models = *set;
  }
  const std::string embedder = Env("EKYC_FACE_EMBEDDER");
  if (!embedder.empty()) {
    EKYC_ASSIGN_OR_RETURN(o.networks, LoadNetworks(embedder));
  } else if (const std::string file = Env("EKYC_FACE_MODEL"); !file.empty()) {
    // A local copy of the pinned MobileFaceNet (development without a model set).
    for (auto& n : o.networks)
      if (n.model == "mobilefacenet-tflite") n.model.clear(), n.onnx_path = file;
  }
  if (const std::string p = Env("EKYC_DLIB_SHAPE_PREDICTOR"); !p.empty())
    o.shape_predictor_path = p;
  o.calibration_path = Env("EKYC_FACE_CALIBRATION");
  // The shipped calibration belongs to the default networks; an operator's embedder needs its
  // own (`ekyc face calibrate`), so there is no default for it.
  if (o.calibration_path.empty() && embedder.empty())
    o.calibration_path =
        std::string(EKYC_FACE_DEFAULT_SOURCE_DIR) + "/models/calibration-fused.json";
  return o;
}

Result<std::unique_ptr<FaceEngine>> FaceEngine::Create(const FaceEngineOptions& options) {
  std::unique_ptr<FaceEngine> e(new FaceEngine());
  EKYC_ASSIGN_OR_RETURN(e->detector_, DlibFaceDetector::Create(options.shape_predictor_path));
  if (options.selfie_detect_side < 160 || options.card_detect_side < 160)
    return InvalidArgument("face.options_invalid",
                           "selfie/card detection sides must be at least 160 px");
  e->detector_->set_selfie_detect_side(options.selfie_detect_side);
  e->detector_->set_card_detect_side(options.card_detect_side);
  if (options.networks.empty())
    return InvalidArgument("face.options_invalid", "the engine needs at least one network");
  if (options.models) e->session_ = std::make_unique<infer::Session>(options.models);
  double total = 0;
  for (const NetworkSpec& spec : options.networks) {
    EKYC_ASSIGN_OR_RETURN(std::unique_ptr<Network> n,
                          Network::Create(spec, options.models, e->session_.get()));
    EKYC_RETURN_IF_ERROR(n->CheckContract());
    total += spec.weight;
    e->nets_.push_back(std::move(n));
  }
  if (std::abs(total - 1.0) > 1e-6)
    return InvalidArgument("face.options_invalid", "network weights must sum to 1");
  e->flip_tta_ = options.flip_tta;
  if (!(options.flip_min_abs_yaw_deg >= 0.0 && options.flip_min_abs_yaw_deg < 90.0))
    return InvalidArgument("face.options_invalid", "flip_min_abs_yaw_deg must be in [0, 90)");
  e->flip_min_yaw_ = options.flip_tta ? options.flip_min_abs_yaw_deg : 0.0;
  {
    FaceEngineOptions resolved = options;  // file hashes as the networks computed them
    for (size_t i = 0; i < e->nets_.size(); ++i) resolved.networks[i] = e->nets_[i]->spec();
    e->model_id_ = EmbeddingModelId(resolved);
  }
  if (options.models && !options.fallback_detector_id.empty() &&
      options.models->Has(options.fallback_detector_id)) {
    e->fallback_id_ = options.fallback_detector_id;
    e->fallback_min_score_ = options.fallback_min_score;
    e->blazeface_first_ = options.card_blazeface_first;
  } else if (options.card_blazeface_first && !options.fallback_detector_id.empty()) {
    // The card calibration was fitted with this detector order; do not silently change it.
    return FailedPrecondition("face.model_missing",
                              "card detection needs model '" + options.fallback_detector_id +
                                  "' in the model set; run `make models` (or set "
                                  "card_blazeface_first = false and refit the card calibration)");
  }
  e->card_sigma_ = options.card_smoothing_sigma;
  e->grey_input_ = options.grey_input;
  // An empty path means "raw cosine only" (used while fitting the calibration itself).
  if (!options.calibration_path.empty()) {
    EKYC_ASSIGN_OR_RETURN(Calibration c, Calibration::Load(options.calibration_path));
    e->calibration_ = std::move(c);
    e->calibrated_ = true;
  }
  if (e->calibrated_ && e->calibration_.model != e->model_id_)
    return FailedPrecondition("face.calibration_mismatch",
                              "calibration was fitted for '" + e->calibration_.model +
                                  "', engine uses '" + e->model_id_ +
                                  "' (set EKYC_FACE_CALIBRATION to the matching file, or fit one "
                                  "with `ekyc face calibrate`)");
  return e;
}

FaceEngine::~FaceEngine() = default;

std::vector<std::string> FaceEngine::network_names() const {
  std::vector<std::string> v;
  for (const auto& n : nets_) v.push_back(n->spec().name);
  return v;
}

std::string FaceEngine::EmbeddingModelId(const FaceEngineOptions& options) {
  std::string id;
  const bool fused = options.networks.size() > 1;
  for (NetworkSpec n : options.networks) {
    if (!n.onnx_path.empty() && n.sha256.empty()) n.sha256 = FileSha256(n.onnx_path);
    id += (id.empty() ? "" : "+") + n.IdPart(fused);
  }
  if (options.grey_input) id += ":grey";
  if (options.flip_tta) {
    id += "+flip";
    // The gate changes which faces get the flipped pass, hence the embeddings and the calibration.
    if (options.flip_min_abs_yaw_deg > 0) {
      char y[24];
      std::snprintf(y, sizeof y, "@yaw%g", options.flip_min_abs_yaw_deg);
      id += y;
    }
  }
  return id;
}

Result<Detection> FaceEngine::Detect(const cv::Mat& bgr, Source source) {
  if (bgr.empty() || (bgr.type() != CV_8UC3 && bgr.type() != CV_8UC1 && bgr.type() != CV_8UC4))
    return InvalidArgument("image.invalid", "expected a non-empty 8-bit grey, BGR or BGRA image");
  const bool blaze_tried = blazeface_first_ && source == Source::kCard && !fallback_id_.empty();
  if (blaze_tried) {
    EKYC_ASSIGN_OR_RETURN(std::optional<Face> f, FallbackDetect(bgr));
    if (f) {
      Detection d;
      d.scales_tried = 1;
      d.faces.push_back(std::move(*f));
      return d;
    }
  }
  Detection d = detector_->Detect(bgr, source);
  if (d.faces.empty() && !fallback_id_.empty() && !blaze_tried) {
    EKYC_ASSIGN_OR_RETURN(std::optional<Face> f, FallbackDetect(bgr));
    if (f) d.faces.push_back(std::move(*f));
  }
  return d;
}

// BlazeFace front (DetectBlazeFace), then dlib's landmarks fitted in its box.
Result<std::optional<Face>> FaceEngine::FallbackDetect(const cv::Mat& bgr) {
  EKYC_ASSIGN_OR_RETURN(std::optional<BlazeFaceBox> b,
                        DetectBlazeFace(*session_, fallback_id_, bgr, fallback_min_score_,
                                        /*min_side=*/8));
  if (!b) return std::optional<Face>();
  const cv::Rect box(static_cast<int>(b->cx - b->width / 2), static_cast<int>(b->cy - b->height / 2),
                     static_cast<int>(b->width), static_cast<int>(b->height));
  Face f = detector_->FitLandmarks(bgr, box);
  f.score = b->score;
  f.detector = fallback_id_;
  return std::optional<Face>(std::move(f));
}

Embedding FaceEngine::Combine(std::vector<std::vector<float>> parts,
                              std::vector<Embedding>* components) const {
  if (components) {
    components->clear();
    for (size_t i = 0; i < parts.size(); ++i)
      components->push_back({parts[i], nets_[i]->spec().name + (flip_tta_ ? "+flip" : "")});
  }
  if (parts.size() == 1) return Embedding{std::move(parts.front()), model_id_};
  // Unit vector whose dot product with another such vector is sum_i w_i cos_i.
  std::vector<float> v;
  for (size_t i = 0; i < parts.size(); ++i) {
    const float a = static_cast<float>(std::sqrt(nets_[i]->spec().weight));
    for (float x : parts[i]) v.push_back(a * x);
  }
  return Embedding{std::move(v), model_id_};
}

Result<Embedding> FaceEngine::EmbedAligned(const cv::Mat& aligned) {
  if (aligned.rows != 112 || aligned.cols != 112 || aligned.type() != CV_8UC3)
    return InvalidArgument("face.aligned_invalid", "aligned face must be a 112x112 BGR image");
  for (const auto& n : nets_) {
    const NetworkSpec& s = n->spec();
    if (s.crop != FaceCrop::kArcFace || std::abs(s.crop_scale - 1.0) > 1e-9)
      return InvalidArgument("face.aligned_unsupported",
                             "model '" + model_id_ + "' needs the original image (network '" +
                                 s.name +
                                 "' uses another crop); pass the photo, not an aligned "
                                 "crop");
  }
  // No landmarks, so no yaw for the flip gate: the flipped pass always runs with TTA on.
  std::vector<std::vector<float>> parts;
  for (auto& n : nets_) {
    cv::Mat crop = aligned.clone();
    if (grey_input_) ToGreyBgr(crop);
    EKYC_ASSIGN_OR_RETURN(std::vector<float> e, n->Embed(crop, flip_tta_));
    parts.push_back(std::move(e));
  }
  return Combine(std::move(parts), nullptr);
}

Result<FaceAnalysis> FaceEngine::Analyze(const cv::Mat& bgr, Source source, bool enforce_quality) {
  EKYC_ASSIGN_OR_RETURN(Detection det, Detect(bgr, source));
  if (det.faces.empty())
    return InvalidArgument("face.not_found", source == Source::kSelfie
                                                 ? "no face found in the selfie"
                                                 : "no face found in the card portrait");
  FaceAnalysis a;
  a.face = det.faces.front();
  a.faces_found = static_cast<int>(det.faces.size());
  cv::Mat bgr3 = bgr;
  if (bgr.channels() == 1)
    cv::cvtColor(bgr, bgr3, cv::COLOR_GRAY2BGR);
  else if (bgr.channels() == 4)
    cv::cvtColor(bgr, bgr3, cv::COLOR_BGRA2BGR);
  if (source == Source::kCard && card_sigma_ > 0) {
    cv::Mat smoothed;
    cv::GaussianBlur(bgr3, smoothed, cv::Size(), card_sigma_);
    bgr3 = smoothed;
  }
  // The standard ArcFace crop: what the quality gates measure (and `embed --aligned-out` shows).
  a.aligned = AlignFace(bgr3, a.face.landmarks5);
  if (grey_input_) ToGreyBgr(a.aligned);
  a.quality = MeasureQuality(a.face.landmarks68, a.aligned);
  if (enforce_quality) EKYC_RETURN_IF_ERROR(CheckQuality(a.quality, source));
  const bool flip = flip_tta_ && std::abs(a.quality.yaw_deg) >= flip_min_yaw_;
  a.flipped = flip;
  std::vector<std::vector<float>> parts;
  for (auto& n : nets_) {
    cv::Mat crop = n->Crop(bgr3, a.face);
    if (crop.empty())
      return Internal("face.embed_failed", "could not cut the crop of '" + n->spec().name + "'");
    if (grey_input_) ToGreyBgr(crop);
    EKYC_ASSIGN_OR_RETURN(std::vector<float> e, n->Embed(crop, flip));
    parts.push_back(std::move(e));
  }
  a.embedding = Combine(std::move(parts), &a.components);
  return a;
}

nlohmann::json CompareResult::MatchBlock(std::optional<bool> liveness) const {
  auto round4 = [](double v) { return std::round(v * 10000.0) / 10000.0; };
  nlohmann::json m = {{"value", matched ? "True" : "False"},
                      {"similarity", round4(similarity)},
                      {"confidence", round4(confidence)}};
  if (liveness) m["liveness"] = *liveness ? "True" : "False";
  nlohmann::json out = {{"is_matched", m}};
  if (error_code >= 0)
    out["error"] = {
        {"value", error_message}, {"confidence", round4(confidence)}, {"code", error_code}};
  else
    out["error"] = nullptr;
  return out;
}

Result<CompareResult> FaceEngine::Compare(const cv::Mat& card_bgr, const cv::Mat& selfie_bgr,
                                          double threshold) {
  if (!(threshold >= 0.0 && threshold <= 1.0))
    return InvalidArgument("face.threshold_invalid", "threshold must be between 0 and 1");
  if (!calibrated_)
    return FailedPrecondition("face.calibration_missing",
                              "no similarity calibration loaded (set EKYC_FACE_CALIBRATION)");
  CompareResult r;
  auto card = Analyze(card_bgr, Source::kCard);
  auto selfie = Analyze(selfie_bgr, Source::kSelfie);
  auto missing = [](const Result<FaceAnalysis>& x) {
    return !x.ok() && x.status().reason() == "face.not_found";
  };
  // Vendor codes: 0 no face on either, 1 none on the selfie ("capture"), 2 none on the card.
  if (missing(card) || missing(selfie)) {
    r.confidence = 1.0;
    if (missing(card) && missing(selfie))
      r.error_code = 0, r.error_message = "There's no face on capture and card image";
    else if (missing(selfie))
      r.error_code = 1, r.error_message = "There's no face on capture image";
    else
      r.error_code = 2, r.error_message = "There's no face on card image";
    return r;
  }
  if (!card.ok()) return card.status();
  if (!selfie.ok()) return selfie.status();
  r.cosine = Cosine(card->embedding.values, selfie->embedding.values);
  r.similarity = calibration_.MapCardVsSelfie(r.cosine);
  r.matched = r.similarity >= threshold;
  // Calibrated similarity behaves like a match probability, so the decision's confidence is the
  // probability mass on the chosen side.
  r.confidence = r.matched ? r.similarity : 1.0 - r.similarity;
  if (!r.matched) r.error_code = 4, r.error_message = "Matching fail";
  r.card = std::move(card).value();
  r.selfie = std::move(selfie).value();
  return r;
}

}  // namespace ekyc::face
