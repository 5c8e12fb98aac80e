#include "live/live.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cctype>
#include <cmath>
#include <limits>
#include <numeric>
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "live/landmarks.h"
#include "live/models.h"
#include "live/signals.h"

namespace ekyc::live {
namespace {

// Calibration constants (see docs/liveness.md for the data they were chosen on).
// Non-rigid residual (90th pct over frame pairs, in inter-ocular distances): below kNonRigidLow the
// face moved like a flat picture; above kNonRigidHigh it clearly deformed or showed parallax.
constexpr double kNonRigidLow = 0.050;
constexpr double kNonRigidHigh = 0.066;
// ...and it must exceed the frame's own landmark noise (refit from a shifted box) by this factor:
// blurry or low-resolution prints have noisy landmarks that would otherwise pass as deformation.
// (2.6..3.0 until 2026-11-26: low-resolution genuine uploads, 270x216 faces of ~60 px, reached
// only 2.4-2.5.)
constexpr double kNoiseRatioLow = 2.2, kNoiseRatioHigh = 2.6;
// Dense-flow planarity (FlowPlanarResidual, median over frame pairs, in inter-ocular distances):
// below kFlowLow the face's image moved as one plane up to codec noise, from kFlowHigh it deformed.
// Measured 2026-11-26 (docs/liveness.md, "Dense-flow planarity"): prints <= 0.005; the screen
// photos whose jittering landmarks pass the landmark test 0.004-0.013; bona fide clips >= 0.0129
// (a GRID speaker talking with a still head, 270x216 H.264). The decision point 0.010 is about the
// geometric middle of 0.0068 (a re-encoded screen photo accepted before this gate) and 0.0137 (the
// lowest bona fide value with all 51 pairs, when the ramp was placed).
constexpr double kFlowLow = 0.008, kFlowHigh = 0.012;
// Blink: EAR (after removing the face's planar motion) drops by this share below the open-eye
// level.
constexpr double kBlinkDrop = 0.30;
constexpr double kBlinkMaxSeconds = 0.7;
// Passive: moire peak (ln units over the ring median) and glare share that indicate a display.
// (1.30..1.50 until 2026-11-26: MPEG-4 part 2 block artefacts of a genuine phone upload reached
// 1.46; synthetic screens start at 1.42 but most of those are also caught as planar.)
constexpr double kMoireLow = 1.40, kMoireHigh = 1.60;
// Single photo (passive only, reported but not enforced by the API): only a strong moire peak
// votes. Studio/flash-lit portraits reached moire 1.49 and glare 0.31 on genuine faces
// (docs/liveness.md), so the video ramps rejected 31 % of genuine portraits; a photo decision
// must not turn a genuine selfie away on such weak evidence.
constexpr double kPhotoMoireLow = 1.55, kPhotoMoireHigh = 1.75;
constexpr double kGlareLow = 0.04, kGlareHigh = 0.12;
// Video: edge sharpness (EdgeSharpness) below which the frames were scaled down and up again, as in
// a re-encoded copy (measured 0.004-0.005) rather than a capture (>= 0.013, low-quality phone
// encodes included): full spoof at kEdgeLow, none from kEdgeHigh.
constexpr double kEdgeLow = 0.006, kEdgeHigh = 0.010;
// Screen border: share of sampled frames where ScreenBorderMask finds >= kBorderMinSides sides.
// Measured 2026-11-26 (docs/liveness.md, "Screen border"): dev bona fide clips and faces-dev photos
// 0; replays on a screen whose bezel is in view 0.4-1.0 (a hand-held display drifts partly out of
// the frame, so most frames, not all, must show it); but also 0.8-1.0 on 11 of 21 bona fide clips
// with a dark door, window or switched-off monitor behind the person. So it never votes alone: it
// turns moire evidence that is inside its ramp (m > 0, weak on its own) into a decision.
constexpr int kBorderMinSides = 2;
constexpr double kBorderLow = 0.3, kBorderHigh = 0.5;
constexpr int kBorderFrames = 10;
// Challenge head turns (NoseTurn, share of the face width): a turn starts beyond kTurnEnter and
// ends inside kTurnExit. About 0.15 at a clear 30-degree turn; frontal faces stay within ~0.05.
constexpr double kTurnEnter = 0.10, kTurnExit = 0.05;
constexpr int kTurnMinSamples =
    2;  // held for 2 samples (>= 1 s at the sparsest sampling, 30 over 15 s)
// A second face at least this wide relative to the tracked one counts as another person.
constexpr double kOtherFaceMinWidth = 0.5;

double Clamp01(double x) {
  return std::clamp(x, 0.0, 1.0);
}
double Ramp(double x, double lo, double hi) {
  return Clamp01((x - lo) / (hi - lo));
}

double Percentile(std::vector<double> v, double q) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const size_t k = static_cast<size_t>(std::clamp(q, 0.0, 1.0) * (v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

double Round(double x, double unit = 1e-4) {
  return std::isfinite(x) ? std::round(x / unit) * unit : 0.0;
}

std::string Fmt(double x, int prec = 3) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(prec);
  os << x;
  return os.str();
}

float IoU(const cv::Rect2f& a, const cv::Rect2f& b) {
  const float inter = (a & b).area();
  const float uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0.f;
}

std::vector<cv::Point2f> ToVec(const Landmarks68& p) {
  return {p.begin(), p.end()};
}

cv::Rect ClipRect(const cv::Rect2f& r, cv::Size size) {
  return cv::Rect(cv::Point(static_cast<int>(r.x), static_cast<int>(r.y)),
                  cv::Size(static_cast<int>(r.width), static_cast<int>(r.height))) &
         cv::Rect(0, 0, size.width, size.height);
}

cv::Mat Gray(const cv::Mat& m) {
  if (m.channels() == 1) return m;
  cv::Mat g;
  cv::cvtColor(m, g, cv::COLOR_BGR2GRAY);
  return g;
}

// Passive signals on one face crop.
PassiveSignals Passive(const cv::Mat& frame, const cv::Rect2f& box) {
  PassiveSignals s;
  const cv::Rect r = ClipRect(box, frame.size());
  if (r.width < 32 || r.height < 32) return s;
  const cv::Mat crop = frame(r);
  s.moire_peak = MoirePeak(Gray(crop));
  s.glare_fraction = crop.channels() == 3 ? GlareFraction(crop) : 0.0;
  return s;
}

void ScorePassive(PassiveSignals& s, std::vector<std::string>& reasons, bool photo) {
  const double m = photo ? Ramp(s.moire_peak, kPhotoMoireLow, kPhotoMoireHigh)
                         : Ramp(s.moire_peak, kMoireLow, kMoireHigh);
  // Glare is reported on photos but does not vote there (flash-lit skin looks the same).
  const double g = photo ? 0.0 : Ramp(s.glare_fraction, kGlareLow, kGlareHigh);
  const double e = s.edge_sharpness >= 0 ? 1.0 - Ramp(s.edge_sharpness, kEdgeLow, kEdgeHigh) : 0.0;
  const double b =
      s.screen_border >= 0 && m > 0 ? Ramp(s.screen_border, kBorderLow, kBorderHigh) : 0.0;
  s.spoof_score = std::max({m, g, e, b});
  if (m >= 0.5)
    reasons.push_back(
        "periodic (moire/halftone) pattern on the face, typical of a screen or print");
  if (g >= 0.5)
    reasons.push_back("large specular glare on the face, typical of a screen or glossy photo");
  if (b >= 0.5) {
    reasons.push_back("a dark straight border frames the face on two or more sides (" +
                      Fmt(100 * s.screen_border, 0) +
                      " % of frames), as a display's bezel does, and the face shows a periodic "
                      "pattern (moire " +
                      Fmt(s.moire_peak, 2) + "): a replay on a screen");
  }
  if (e >= 0.5) {
    reasons.push_back("every edge is soft as in a video scaled down and up again (edge sharpness " +
                      Fmt(s.edge_sharpness, 4) + "): a re-encoded copy, not a camera recording");
  }
}

struct TrackPart {
  int full_frames = 0;  // samples searched over the whole frame (where a second face can be seen)
  int multi = 0;        // samples with another face at least kOtherFaceMinWidth of the main one
  int with_face = 0;
};

// Tracks the main face over samples [k0, k1) (frames[idx[k]]), filling has[k] / track[k].
Result<TrackPart> TrackRange(LandmarkDetector& detector, const std::vector<cv::Mat>& frames,
                             const std::vector<int>& idx, int k0, int k1, std::vector<char>& has,
                             std::vector<FaceLandmarks>& track) {
  TrackPart part;
  std::optional<cv::Rect2f> prev;
  bool lost = false;  // the previous sample had no face: search the whole next frame
  for (int k = k0; k < k1; ++k) {
    // Full-frame detection on every fourth sample (and whenever the face was lost) is what finds a
    // second person; in between, the face is re-detected only near where it was, which is far
    // cheaper on 720p frames. Once a face is tracked, only faces at least half its width matter.
    const cv::Mat& frame = frames[idx[k]];
    const bool full = !prev || lost || k % 4 == 0;
    std::vector<FaceLandmarks> faces;
    if (!full) {
      const cv::Rect roi = ClipRect(cv::Rect2f(prev->x - prev->width, prev->y - prev->height,
                                               3 * prev->width, 3 * prev->height),
                                    frame.size());
      if (roi.width >= 32 && roi.height >= 32) {
        EKYC_ASSIGN_OR_RETURN(
            faces, detector.Detect(frame(roi), kOtherFaceMinWidth * prev->width, frame.rows));
        for (auto& f : faces) {
          f.box.x += roi.x;
          f.box.y += roi.y;
          for (auto& q : f.pts)
            q += cv::Point2f(static_cast<float>(roi.x), static_cast<float>(roi.y));
        }
      }
    }
    if (full || faces.empty()) {
      const float min_w = prev ? kOtherFaceMinWidth * prev->width : 0.f;
      EKYC_ASSIGN_OR_RETURN(faces, detector.Detect(frame, min_w));
      ++part.full_frames;
    }
    if (faces.empty()) {
      lost = true;
      continue;
    }
    lost = false;
    size_t main = 0;  // largest, or the one overlapping the previous main face
    if (prev) {
      float best = -1.f;
      for (size_t i = 0; i < faces.size(); ++i) {
        const float o = IoU(faces[i].box, *prev);
        if (o > best) {
          best = o;
          main = i;
        }
      }
      if (best < 0.05f) main = 0;
    }
    int others = 0;
    for (size_t i = 0; i < faces.size(); ++i) {
      if (i != main && faces[i].box.width >= kOtherFaceMinWidth * faces[main].box.width) ++others;
    }
    if (others > 0) ++part.multi;
    has[k] = 1;
    track[k] = faces[main];
    prev = faces[main].box;
    ++part.with_face;
  }
  return part;
}

}  // namespace

const char* ChallengeActionName(ChallengeAction action) {
  switch (action) {
    case ChallengeAction::kBlink:
      return "blink";
    case ChallengeAction::kTurnLeft:
      return "left";
    case ChallengeAction::kTurnRight:
      return "right";
  }
  return "blink";
}

Result<std::vector<ChallengeAction>> ParseChallenge(std::string_view text) {
  std::vector<ChallengeAction> out;
  std::string item;
  auto bad = [](const std::string& why) {
    return InvalidArgument("live.bad_challenge",
                           "challenge: " + why +
                               "; send a comma-separated list of 1 to 6 actions among "
                               "blink, left, right (e.g. \"left,blink,right\")");
  };
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != ',') {
      const char ch = text[i];
      if (ch != ' ' && ch != '\t')
        item.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
      continue;
    }
    if (item == "blink")
      out.push_back(ChallengeAction::kBlink);
    else if (item == "left" || item == "turn_left")
      out.push_back(ChallengeAction::kTurnLeft);
    else if (item == "right" || item == "turn_right")
      out.push_back(ChallengeAction::kTurnRight);
    else if (item.empty())
      return bad("empty action");
    else
      return bad("unknown action '" + item.substr(0, 20) + "'");
    item.clear();
  }
  if (out.size() > 6) return bad("too many actions (" + std::to_string(out.size()) + ")");
  return out;
}

Status VideoLiveness::DecisionStatus() const {
  if (live) return Status::Ok();
  std::string msg = "the selfie video does not look like a live person";
  for (const auto& r : reasons) msg += "; " + r;
  return {StatusCode::kPermissionDenied, "live.spoof_detected", msg};
}

Status PhotoLiveness::DecisionStatus() const {
  if (live) return Status::Ok();
  std::string msg = "the selfie photo looks like a picture of a screen or print (passive check)";
  for (const auto& r : reasons) msg += "; " + r;
  return {StatusCode::kPermissionDenied, "live.spoof_detected", msg};
}

nlohmann::json ToJson(const PassiveSignals& p) {
  nlohmann::json j = {{"moire_peak", Round(p.moire_peak)},
                      {"glare_fraction", Round(p.glare_fraction)},
                      {"spoof_score", Round(p.spoof_score)}};
  if (p.edge_sharpness >= 0) j["edge_sharpness"] = Round(p.edge_sharpness, 1e-5);
  if (p.screen_border >= 0) j["screen_border"] = Round(p.screen_border);
  if (p.model_antispoof_real >= 0) j["model_antispoof_real"] = Round(p.model_antispoof_real);
  if (p.model_liveness_live >= 0) j["model_liveness_live"] = Round(p.model_liveness_live);
  return j;
}

nlohmann::json ToJson(const VideoLiveness& v) {
  nlohmann::json j;
  j["kind"] = "video";
  j["live"] = v.live;
  j["score"] = Round(v.score);
  j["threshold"] = v.threshold;
  j["reasons"] = v.reasons;
  j["frames"] = {{"used", v.frames_used},
                 {"with_face", v.frames_with_face},
                 {"multi_face", v.frames_multi_face},
                 {"fps", Round(v.fps, 0.01)}};
  j["active"] = {{"score", Round(v.active_score)},
                 {"blinks", v.blinks},
                 {"ear_baseline", Round(v.ear_baseline)},
                 {"ear_min_ratio", Round(v.ear_min_ratio)},
                 {"yaw_range_deg", Round(v.yaw_range_deg, 0.1)},
                 {"pitch_range_deg", Round(v.pitch_range_deg, 0.1)},
                 {"nonrigid_residual", Round(v.nonrigid_residual)},
                 {"landmark_noise", Round(v.landmark_noise)},
                 {"nonrigid_to_noise", Round(v.nonrigid_to_noise, 0.01)},
                 {"flow_residual", Round(v.flow_residual, 1e-5)},
                 {"motion", Round(v.motion)}};
  j["passive"] = ToJson(v.passive);
  if (v.challenge.requested) {
    j["challenge"] = {{"requested", v.challenge.requested_actions},
                      {"observed", v.challenge.observed_actions},
                      {"passed", v.challenge.passed}};
  }
  j["best_frame"] = {
      {"index", v.best_frame_index},
      {"box",
       {v.best_face_box.x, v.best_face_box.y, v.best_face_box.width, v.best_face_box.height}}};
  return j;
}

nlohmann::json ToJson(const PhotoLiveness& p) {
  nlohmann::json j;
  j["kind"] = "photo";
  j["passive_only"] = true;
  j["live"] = p.live;
  j["score"] = Round(p.score);
  j["threshold"] = p.threshold;
  j["reasons"] = p.reasons;
  j["passive"] = ToJson(p.passive);
  j["face_box"] = {p.face_box.x, p.face_box.y, p.face_box.width, p.face_box.height};
  return j;
}

Result<std::unique_ptr<LivenessChecker>> LivenessChecker::Create(const LivenessOptions& options) {
  EKYC_ASSIGN_OR_RETURN(
      auto det, MakeDlibLandmarkDetector(options.shape_predictor_path, options.detect_height));
  EKYC_ASSIGN_OR_RETURN(auto models, SpoofModels::Load(options.model_dir));
  return std::make_unique<LivenessChecker>(options, std::move(det), std::move(models));
}

LivenessChecker::LivenessChecker(LivenessOptions options,
                                 std::unique_ptr<LandmarkDetector> detector,
                                 std::unique_ptr<SpoofModels> models)
    : options_(std::move(options)), detector_(std::move(detector)), models_(std::move(models)) {
  if (options_.threads > 1 && detector_) helper_ = detector_->Clone();
}

LivenessChecker::~LivenessChecker() = default;

Result<VideoLiveness> LivenessChecker::CheckVideo(const std::vector<cv::Mat>& frames, double fps,
                                                  const std::vector<ChallengeAction>& challenge) {
  if (frames.size() < 5) {
    return InvalidArgument("live.too_few_frames",
                           "the selfie video has " + std::to_string(frames.size()) +
                               " frames; at least 5 are needed (record 2-5 s)");
  }
  if (!(fps > 0.0) || !std::isfinite(fps)) {
    return InvalidArgument("live.bad_fps", "the video frame rate must be positive");
  }
  // Even subsampling down to max_frames.
  const int n = static_cast<int>(frames.size());
  const int m = std::min(n, std::max(5, options_.max_frames));
  std::vector<int> idx(m);
  for (int k = 0; k < m; ++k)
    idx[k] = m == 1 ? 0 : static_cast<int>(std::lround(k * (n - 1.0) / (m - 1.0)));
  const double eff_fps = n > 1 ? fps * (m - 1.0) / (n - 1.0) : fps;

  VideoLiveness out;
  out.threshold = options_.threshold;
  out.frames_used = m;
  out.fps = eff_fps;

  // Detect and track the main face. The samples are tracked in two halves (the second on the
  // helper thread when there is one); the split is fixed, so the result does not depend on the
  // thread count.
  std::vector<char> has(m, 0);  // char, not bool: the halves write disjoint elements concurrently
  std::vector<FaceLandmarks> track(m);
  const int split = m >= 12 ? static_cast<int>(std::lround(m / 8.0)) * 4 : m;
  TrackPart first, second;
  {
    Result<TrackPart> second_r = TrackPart{};
    std::jthread helper;
    if (helper_ && split < m) {
      helper =
          std::jthread([&] { second_r = TrackRange(*helper_, frames, idx, split, m, has, track); });
    }
    auto first_r = TrackRange(*detector_, frames, idx, 0, split, has, track);
    if (helper.joinable())
      helper.join();
    else if (split < m)
      second_r = TrackRange(*detector_, frames, idx, split, m, has, track);
    EKYC_RETURN_IF_ERROR(first_r.status());
    EKYC_RETURN_IF_ERROR(second_r.status());
    first = *first_r;
    second = *second_r;
  }
  const int full_frames = first.full_frames + second.full_frames;
  out.frames_multi_face = first.multi + second.multi;
  out.frames_with_face = first.with_face + second.with_face;

  // Refusals: several people, no face, face leaving the frame.
  if (out.frames_multi_face >= std::max(2, static_cast<int>(std::ceil(0.2 * full_frames)))) {
    return InvalidArgument("live.multiple_faces",
                           "more than one face is visible in " +
                               std::to_string(out.frames_multi_face) + " of " +
                               std::to_string(full_frames) +
                               " searched frames; only the applicant may be in the video");
  }
  if (out.frames_with_face < std::max(3, static_cast<int>(std::ceil(0.3 * m)))) {
    return InvalidArgument("live.no_face", "no face was found in " +
                                               std::to_string(m - out.frames_with_face) + " of " +
                                               std::to_string(m) +
                                               " sampled frames; face the camera in good light");
  }
  int gap = 0, longest_gap = 0;
  for (int k = 0; k < m; ++k) {
    gap = has[k] ? 0 : gap + 1;
    longest_gap = std::max(longest_gap, gap);
  }
  const double duration = m / eff_fps;
  const double gap_s = longest_gap / eff_fps;
  if (out.frames_with_face < static_cast<int>(std::ceil(0.6 * m)) ||
      gap_s > std::max(1.0, 0.3 * duration)) {
    return InvalidArgument("live.face_lost",
                           "the face left the frame for " + Fmt(gap_s, 1) + " s (found in " +
                               std::to_string(out.frames_with_face) + " of " + std::to_string(m) +
                               " sampled frames); keep the face in view");
  }

  std::vector<int> t;  // tracked sample indices
  for (int k = 0; k < m; ++k)
    if (has[k]) t.push_back(k);
  const int nt = static_cast<int>(t.size());

  std::vector<std::vector<cv::Point2f>> pts(nt);
  std::vector<double> iod(nt), raw_ear(nt);
  std::vector<HeadPose> pose(nt);
  for (int i = 0; i < nt; ++i) {
    const auto& f = track[t[i]];
    pts[i] = ToVec(f.pts);
    iod[i] = InterOcular(f.pts);
    raw_ear[i] = MeanEyeAspectRatio(f.pts);
    pose[i] = EstimateHeadPose(f.pts, frames[idx[t[i]]].size());
  }

  // Three independent jobs: the landmark noise floor (refit each frame from a box shifted by 5 % of
  // its size: how far the interior landmarks move is what landmark error alone does on this face),
  // the all-pairs homography residuals, and the passive signals. With a helper thread it takes
  // half of the refits, then both threads take rows of pairs from a shared counter; the passive
  // signals (and the CNNs, which are not thread-safe) stay on this thread.
  std::vector<double> jitter(nt);
  auto refit = [&](LandmarkDetector& det, int i0, int i1) -> Status {
    for (int i = i0; i < i1; ++i) {
      const auto& f = track[t[i]];
      cv::Rect2f b = f.box;
      b.x += 0.05f * b.width;
      b.y += 0.05f * b.height;
      EKYC_ASSIGN_OR_RETURN(auto g, det.Fit(frames[idx[t[i]]], b));
      std::vector<double> d;
      for (int p = 17; p < 68; ++p) d.push_back(cv::norm(g.pts[p] - f.pts[p]) / iod[i]);
      jitter[i] = Percentile(std::move(d), 0.9);
    }
    return Status::Ok();
  };
  // All pairs (~435 RANSAC fits for 30 frames): sparser pair sets made the statistic noticeably
  // less stable on the dev data. Row i holds the pairs (i, j > i).
  std::vector<std::vector<double>> resid_rows(nt), motion_rows(nt);
  std::atomic<int> next_row{0};
  // Dense-flow planarity on pairs a short and a longer step apart in the tracked sequence (about
  // 1/10 and 1/5 of it): enough time for a mouth or an eye to change, little enough for the flow to
  // follow. Pairs start on every other sample (26 pairs for 30 samples, ~4 ms CPU each): all
  // starts doubled the cost (+0.4 s CPU on a 720p clip) for the same median. Every pair is stored
  // at its own index.
  std::vector<std::pair<int, int>> flow_pairs;
  for (int g : {std::max(1, nt / 10), std::max(2, nt / 5)}) {
    if (!flow_pairs.empty() && flow_pairs.back().second - flow_pairs.back().first == g) continue;
    for (int i = 0; i + g < nt; i += 2) flow_pairs.emplace_back(i, i + g);
  }
  std::vector<double> flow_res(flow_pairs.size(), std::numeric_limits<double>::quiet_NaN());
  std::atomic<int> next_flow{0};
  auto flows = [&] {
    for (int k; (k = next_flow.fetch_add(1)) < static_cast<int>(flow_pairs.size());) {
      const auto [i, j] = flow_pairs[k];
      flow_res[k] = FlowPlanarResidual(frames[idx[t[i]]], track[t[i]].pts, frames[idx[t[j]]],
                                       track[t[j]].pts);
    }
  };
  auto pairs = [&] {
    for (int i; (i = next_row.fetch_add(1)) < nt;) {
      for (int j = i + 1; j < nt; ++j) {
        resid_rows[i].push_back(PlanarResidual(pts[i], pts[j], iod[j], /*first_scored=*/17));
        std::vector<double> d(68);
        for (int p = 0; p < 68; ++p) d[p] = cv::norm(pts[i][p] - pts[j][p]) / iod[j];
        motion_rows[i].push_back(Percentile(std::move(d), 0.5));
      }
    }
  };
  // Passive signals on a few evenly spaced tracked frames; the median resists one odd frame.
  const int np = std::min(nt, std::max(1, options_.passive_frames));
  std::vector<double> moire, glare, edge, m_real, m_live;
  auto passive = [&]() -> Status {
    for (int q = 0; q < np; ++q) {
      const int i = np == 1 ? nt / 2 : static_cast<int>(std::lround(q * (nt - 1.0) / (np - 1.0)));
      const cv::Mat& frame = frames[idx[t[i]]];
      const PassiveSignals s = Passive(frame, track[t[i]].box);
      moire.push_back(s.moire_peak);
      glare.push_back(s.glare_fraction);
      edge.push_back(EdgeSharpness(Gray(frame)));
      if (models_ && !models_->empty()) {
        EKYC_ASSIGN_OR_RETURN(auto ms, models_->Score(frame, track[t[i]].box));
        if (ms.antispoof_real) m_real.push_back(*ms.antispoof_real);
        if (ms.liveness_live) m_live.push_back(*ms.liveness_live);
      }
    }
    return Status::Ok();
  };
  {
    const int half = helper_ ? nt / 2 : nt;
    Status helper_status;
    std::jthread helper;
    if (helper_) {
      helper = std::jthread([&] {
        helper_status = refit(*helper_, half, nt);
        pairs();
        flows();
      });
    }
    Status main_status = refit(*detector_, 0, half);
    if (main_status.ok()) main_status = passive();
    pairs();
    flows();
    if (helper.joinable()) helper.join();
    EKYC_RETURN_IF_ERROR(main_status);
    EKYC_RETURN_IF_ERROR(helper_status);
  }
  out.landmark_noise = Percentile(jitter, 0.5);
  std::vector<double> resid, motion;
  for (int i = 0; i < nt; ++i) {
    resid.insert(resid.end(), resid_rows[i].begin(), resid_rows[i].end());
    motion.insert(motion.end(), motion_rows[i].begin(), motion_rows[i].end());
  }
  out.nonrigid_residual = Percentile(resid, 0.9);
  out.flow_residual = Percentile(flow_res, 0.5);
  out.motion = Percentile(motion, 0.9);

  // Head rotation (descriptive: a tilted photo also "rotates"; 3D rotation shows up as parallax in
  // the non-rigid residual).
  std::vector<double> yaw, pitch;
  for (const auto& p : pose)
    if (p.ok) {
      yaw.push_back(p.yaw_deg);
      pitch.push_back(p.pitch_deg);
    }
  if (!yaw.empty()) {
    out.yaw_range_deg = Percentile(yaw, 0.9) - Percentile(yaw, 0.1);
    out.pitch_range_deg = Percentile(pitch, 0.9) - Percentile(pitch, 0.1);
  }

  // Blinks on EAR after removing the face's planar motion: map each frame's eyes into a reference
  // frame through a homography fitted on the rigid-ish points (brows, nose, jaw), so tilting a
  // photo (which squashes the eyes in the image) does not look like a blink.
  const double ear75 = Percentile(raw_ear, 0.75);
  int ref = 0;
  for (int i = 1; i < nt; ++i) {
    if (std::abs(raw_ear[i] - ear75) < std::abs(raw_ear[ref] - ear75)) ref = i;
  }
  std::vector<cv::Point2f> ref_rigid;
  for (int p = 0; p < 36; ++p) ref_rigid.push_back(pts[ref][p]);
  std::vector<double> ear(m, std::numeric_limits<double>::quiet_NaN());
  for (int i = 0; i < nt; ++i) {
    std::vector<cv::Point2f> rigid(pts[i].begin(), pts[i].begin() + 36);
    cv::Mat h = cv::findHomography(rigid, ref_rigid, 0);
    if (h.empty()) continue;
    std::vector<cv::Point2f> eyes(pts[i].begin() + 36, pts[i].begin() + 48), mapped;
    cv::perspectiveTransform(eyes, mapped, h);
    ear[t[i]] = 0.5 * (EyeAspectRatio(&mapped[0]) + EyeAspectRatio(&mapped[6]));
  }
  const int max_run = std::max(1, static_cast<int>(std::lround(kBlinkMaxSeconds * eff_fps)));
  const BlinkStats bs = DetectBlinks(ear, kBlinkDrop, max_run);
  out.blinks = bs.blinks;
  out.ear_baseline = bs.baseline;
  out.ear_min_ratio = bs.min_ratio;

  out.nonrigid_to_noise = out.nonrigid_residual / std::max(out.landmark_noise, 0.005);
  // The dense flow must agree that the face is not a plane: re-detected landmarks on a blurred or
  // re-encoded screen jitter by more than the refit noise floor shows (docs/liveness.md).
  const double s_flow =
      std::isfinite(out.flow_residual) ? Ramp(out.flow_residual, kFlowLow, kFlowHigh) : 0.0;
  const double s_nonrigid =
      std::min({Ramp(out.nonrigid_residual, kNonRigidLow, kNonRigidHigh),
                Ramp(out.nonrigid_to_noise, kNoiseRatioLow, kNoiseRatioHigh), s_flow});
  // A "blink" on a face whose landmarks otherwise move perfectly as a plane is landmark noise
  // (seen on printed photos), so a blink only counts once the residual leaves the planar range and
  // the flow does not explain the face as one plane.
  const double s_blink = out.blinks > 0 && out.nonrigid_residual > kNonRigidLow &&
                                 out.nonrigid_to_noise > kNoiseRatioLow && s_flow >= 0.5
                             ? 0.75
                             : 0.0;
  out.active_score = std::max(s_nonrigid, s_blink);
  if (s_blink > 0) out.reasons.push_back("blinks: " + std::to_string(out.blinks));
  if (s_nonrigid >= 0.5) {
    out.reasons.push_back("face deforms / shows parallax like a live 3D face (residual " +
                          Fmt(out.nonrigid_residual) + ")");
  } else if (s_blink == 0) {
    out.reasons.push_back(
        out.motion < kNonRigidLow
            ? "no blink and almost no facial movement: blink or turn the head slowly"
            : "the face moved like a flat picture: one plane explains its landmark motion up to "
              "landmark noise (residual " +
                  Fmt(out.nonrigid_residual) + ", " + Fmt(out.nonrigid_to_noise, 1) +
                  "x noise) or its image motion (dense-flow residual " + Fmt(out.flow_residual, 4) +
                  "), and no clear blink");
  }

  out.passive.moire_peak = Percentile(moire, 0.5);
  out.passive.glare_fraction = Percentile(glare, 0.5);
  out.passive.edge_sharpness = Percentile(edge, 0.5);
  {
    // Cheap (one Hough pass at 320 px), so on more frames than the other passive signals.
    const int nb = std::min(nt, kBorderFrames);
    int framed = 0;
    for (int q = 0; q < nb; ++q) {
      const int i = nb == 1 ? nt / 2 : static_cast<int>(std::lround(q * (nt - 1.0) / (nb - 1.0)));
      const unsigned mask = ScreenBorderMask(Gray(frames[idx[t[i]]]), track[t[i]].box);
      framed += std::popcount(mask) >= kBorderMinSides;
    }
    if (nb > 0) out.passive.screen_border = static_cast<double>(framed) / nb;
  }
  if (!m_real.empty()) out.passive.model_antispoof_real = Percentile(m_real, 0.5);
  if (!m_live.empty()) out.passive.model_liveness_live = Percentile(m_live, 0.5);
  ScorePassive(out.passive, out.reasons, /*photo=*/false);

  out.score = std::min(out.active_score, 1.0 - out.passive.spoof_score);
  out.live = out.score >= options_.threshold;

  // Challenge-response: the requested turns and blinks, in order, on the sampled frames.
  if (!challenge.empty()) {
    ChallengeCheck& c = out.challenge;
    c.requested = true;
    for (ChallengeAction a : challenge) c.requested_actions.push_back(ChallengeActionName(a));
    std::vector<double> turn(m, std::numeric_limits<double>::quiet_NaN());
    for (int i = 0; i < nt; ++i) turn[t[i]] = NoseTurn(track[t[i]].pts);
    std::vector<std::pair<int, std::string>> events;
    // Facing the camera = the first fifth of the tracked samples (the client prompts once the face
    // is centred); an off-axis camera shifts it by up to ~0.07.
    std::vector<double> start;
    for (int i = 0; i < std::max(3, nt / 5) && i < nt; ++i) start.push_back(turn[t[i]]);
    const double baseline = Percentile(start, 0.5);
    for (const TurnEvent& e : DetectTurns(turn, std::isfinite(baseline) ? baseline : 0.0,
                                          kTurnEnter, kTurnExit, kTurnMinSamples)) {
      events.emplace_back(e.start, e.dir < 0 ? "left" : "right");
    }
    const std::vector<int>& closed = bs.closed_frames;
    for (size_t q = 0; q < closed.size(); ++q) {
      if (q == 0 || closed[q] != closed[q - 1] + 1) events.emplace_back(closed[q], "blink");
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& e : events) c.observed_actions.push_back(e.second);
    c.passed = ChallengeMatches(c.requested_actions, c.observed_actions);
    if (!c.passed) {
      auto join = [](const std::vector<std::string>& v) {
        std::string r;
        for (const auto& a : v) r += (r.empty() ? "" : ", ") + a;
        return r.empty() ? std::string("nothing") : r;
      };
      out.live = false;
      out.reasons.push_back("the requested actions (" + join(c.requested_actions) +
                            ") were not seen in that order (seen: " + join(c.observed_actions) +
                            "): follow the prompt, or the video was not recorded for this session");
    }
  }

  // Best frame: sharp, frontal, eyes open.
  double best = -1.0;
  for (int i = 0; i < nt; ++i) {
    const int k = t[i];
    if (std::isfinite(ear[k]) && bs.baseline > 0 && ear[k] < 0.85 * bs.baseline) continue;
    const cv::Rect r = ClipRect(track[k].box, frames[idx[k]].size());
    if (r.area() <= 0) continue;
    const double frontal =
        pose[i].ok ? std::exp(-(std::abs(pose[i].yaw_deg) + std::abs(pose[i].pitch_deg)) / 20.0)
                   : 0.1;
    const double q = Sharpness(Gray(frames[idx[k]](r))) * frontal;
    if (q > best) {
      best = q;
      out.best_frame_index = idx[k];
      out.best_face_box = r;
    }
  }
  if (out.best_frame_index <
      0) {  // every frame had closed eyes: fall back to the middle tracked one
    const int k = t[nt / 2];
    out.best_frame_index = idx[k];
    out.best_face_box = ClipRect(track[k].box, frames[idx[k]].size());
  }
  out.best_frame = frames[out.best_frame_index];
  return out;
}

Result<PhotoLiveness> LivenessChecker::CheckPhoto(const cv::Mat& image) {
  if (image.empty()) return InvalidArgument("live.bad_frame", "the selfie image is empty");
  EKYC_ASSIGN_OR_RETURN(auto faces, detector_->Detect(image));
  if (faces.empty())
    return InvalidArgument("live.no_face",
                           "no face was found in the selfie; face the camera in good light");
  for (size_t i = 1; i < faces.size(); ++i) {
    if (faces[i].box.width >= kOtherFaceMinWidth * faces[0].box.width) {
      return InvalidArgument(
          "live.multiple_faces",
          "more than one face is visible; only the applicant may be in the selfie");
    }
  }
  PhotoLiveness out;
  out.threshold = options_.threshold;
  out.face_box = ClipRect(faces[0].box, image.size());
  out.passive = Passive(image, faces[0].box);
  out.passive.screen_border =
      std::popcount(ScreenBorderMask(Gray(image), faces[0].box)) >= kBorderMinSides ? 1.0 : 0.0;
  if (models_ && !models_->empty()) {
    EKYC_ASSIGN_OR_RETURN(auto ms, models_->Score(image, faces[0].box));
    if (ms.antispoof_real) out.passive.model_antispoof_real = *ms.antispoof_real;
    if (ms.liveness_live) out.passive.model_liveness_live = *ms.liveness_live;
  }
  ScorePassive(out.passive, out.reasons, /*photo=*/true);
  out.reasons.push_back(
      "passive check only (a single photo cannot show motion; use a selfie video for a stronger "
      "check)");
  out.score = 1.0 - out.passive.spoof_score;
  out.live = out.score >= options_.threshold;
  return out;
}

}  // namespace ekyc::live
