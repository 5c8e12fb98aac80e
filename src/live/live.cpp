// LivenessChecker: the stages of a video check in order (track.h, measure.h, cues.h, decision.h,
// challenge.h, best_frame.h) and the passive photo check.
#include "live/live.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <filesystem>

#include "live/best_frame.h"
#include "live/challenge.h"
#include "live/cues.h"
#include "live/decision.h"
#include "live/landmarks.h"
#include "live/measure.h"
#include "live/models.h"
#include "live/signals.h"
#include "live/thresholds.h"
#include "live/track.h"
#include "live/util.h"

namespace ekyc::live {

const char* DecisionName(Decision d) {
  switch (d) {
    case Decision::kLive:
      return "live";
    case Decision::kSpoof:
      return "spoof";
    case Decision::kNotEnoughEvidence:
      return "not_enough_evidence";
  }
  return "not_enough_evidence";
}

const char* VoteName(Vote v) {
  switch (v) {
    case Vote::kLive:
      return "live";
    case Vote::kSpoof:
      return "spoof";
    case Vote::kNone:
      return "none";
    case Vote::kAbstain:
      return "abstain";
  }
  return "none";
}

Status VideoLiveness::DecisionStatus() const {
  if (live) return Status::Ok();
  if (decision == Decision::kNotEnoughEvidence) {
    std::string msg =
        "the selfie video shows no sign of an attack but not enough of a live face either: record "
        "again, blink and turn the head slowly";
    for (const auto& r : reasons) msg += "; " + r;
    return {StatusCode::kPermissionDenied, "live.not_enough_evidence", msg};
  }
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

Result<std::unique_ptr<LivenessChecker>> LivenessChecker::Create(const LivenessOptions& options) {
  EKYC_ASSIGN_OR_RETURN(
      auto det, MakeDlibLandmarkDetector(options.shape_predictor_path, options.detect_height));
  std::shared_ptr<const infer::ModelSet> set;
  std::error_code ec;
  if (!options.model_dir.empty() &&
      std::filesystem::exists(std::filesystem::path(options.model_dir) / "manifest.json", ec)) {
    EKYC_ASSIGN_OR_RETURN(set, infer::ModelSet::Load(options.model_dir));
  }
  det = WithFallbackDetector(std::move(det), set, "blazeface-front");
  return std::make_unique<LivenessChecker>(options, std::move(det),
                                           std::make_unique<SpoofModels>(set));
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
  // 1. Track the face; refuse clips where it cannot be followed.
  EKYC_ASSIGN_OR_RETURN(FaceTrack track,
                        TrackFace(frames, fps, options_.max_frames, options_.motion_frames,
                                  *detector_, helper_.get()));
  VideoLiveness out;
  out.threshold = options_.threshold;
  out.frames_used = track.samples();
  out.fps = track.fps;
  out.eye_frames = static_cast<int>(track.used.size());
  out.eye_fps = track.used_fps;
  out.frames_with_face = track.with_face;
  out.frames_multi_face = track.multi_face;
  EKYC_RETURN_IF_ERROR(RefuseUnusableTrack(track));
  EKYC_RETURN_IF_ERROR(FollowBetweenSamples(frames, track, *detector_, helper_.get()));

  // 2. Measure.
  EKYC_ASSIGN_OR_RETURN(ClipMeasurements m, MeasureClip(frames, track, *detector_, helper_.get(),
                                                        models_.get(), options_.passive_frames));

  // 3. Cues, 4. decision.
  out.cues = {MotionCue(m), BlinkCue(m),
              ScreenCue(m.moire_peak, m.moire_isolation, m.screen_border, m.face_iod_px,
                        /*photo=*/false),
              GlareCue(m.glare_fraction, m.glare_scene), RescaledCopyCue(m)};
  const DecisionResult d = Decide(out.cues, options_.threshold);
  out.decision = d.decision;
  out.score = d.score;
  out.live = d.decision == Decision::kLive;
  out.reasons = d.reasons;
  out.abstained = d.abstained;
  out.active_score = d.live_evidence;
  double passive_spoof = 0.0;
  for (const CueResult& c : out.cues)
    if (c.name != "motion_3d" && c.name != "blink" && c.vote == Vote::kSpoof)
      passive_spoof = std::max(passive_spoof, c.strength);

  out.blinks = m.blinks.blinks;
  out.ear_baseline = m.blinks.baseline;
  out.ear_min_ratio = m.blinks.min_ratio;
  out.ear_jitter = m.ear_jitter;
  out.eyelid_flow = std::isfinite(m.eyelid_flow) ? m.eyelid_flow : -1.0;
  out.eyelid_flow_nose = std::isfinite(m.eyelid_flow_nose) ? m.eyelid_flow_nose : -1.0;
  out.yaw_range_deg = m.yaw_range_deg;
  out.pitch_range_deg = m.pitch_range_deg;
  out.nonrigid_residual = m.nonrigid_residual;
  out.motion = m.motion;
  out.landmark_noise = m.landmark_noise;
  out.nonrigid_to_noise = m.nonrigid_residual / std::max(m.landmark_noise, 0.005);
  out.flow_residual = m.flow_residual;
  out.shape_change = m.shape_change;
  out.face_iod_px = m.face_iod_px;
  out.face_luma = m.face_luma;
  out.noise_sigma = m.noise_sigma;
  out.passive.moire_peak = std::isfinite(m.moire_peak) ? m.moire_peak : 0.0;
  out.passive.moire_isolation = std::isfinite(m.moire_isolation) ? m.moire_isolation : 0.0;
  out.passive.glare_fraction = std::isfinite(m.glare_fraction) ? m.glare_fraction : 0.0;
  out.passive.glare_scene = std::isfinite(m.glare_scene) ? m.glare_scene : -1.0;
  out.passive.edge_sharpness = m.edge_sharpness;
  out.passive.screen_border = m.screen_border;
  out.passive.model_antispoof_real = m.model_antispoof_real;
  out.passive.model_liveness_live = m.model_liveness_live;
  out.passive.spoof_score = passive_spoof;

  // 5. Challenge-response: the requested turns and blinks, in order.
  if (!challenge.empty()) {
    out.challenge = VerifyChallenge(challenge, track, m.blinks);
    if (!out.challenge.passed) {
      auto join = [](const std::vector<std::string>& v) {
        std::string r;
        for (const auto& a : v) r += (r.empty() ? "" : ", ") + a;
        return r.empty() ? std::string("nothing") : r;
      };
      out.live = false;
      out.decision = Decision::kSpoof;
      out.reasons.push_back(
          "the requested actions (" + join(out.challenge.requested_actions) +
          ") were not seen in that order (seen: " + join(out.challenge.observed_actions) +
          "): follow the prompt, or the video was not recorded for this session");
    }
  }

  // 6. Best frame for face matching.
  const BestFrame best = PickBestFrame(frames, track, m.ear, m.blinks.baseline);
  out.best_frame_index = best.frame_index;
  out.best_face_box = best.box;
  out.best_frame = frames[best.frame_index];
  return out;
}

Result<PhotoLiveness> LivenessChecker::CheckPhoto(const cv::Mat& image) {
  if (image.empty()) return InvalidArgument("live.bad_frame", "the selfie image is empty");
  EKYC_ASSIGN_OR_RETURN(auto faces, detector_->Detect(image));
  if (faces.empty())
    return InvalidArgument("live.no_face",
                           "no face was found in the selfie; face the camera in good light");
  for (size_t i = 1; i < faces.size(); ++i) {
    if (faces[i].box.width >= thresholds::kOtherFaceMinWidth * faces[0].box.width) {
      return InvalidArgument(
          "live.multiple_faces",
          "more than one face is visible; only the applicant may be in the selfie");
    }
  }
  PhotoLiveness out;
  out.threshold = options_.threshold;
  out.face_box = ClipRect(faces[0].box, image.size());
  if (out.face_box.width >= 32 && out.face_box.height >= 32) {
    const cv::Mat crop = image(out.face_box);
    out.passive.moire_peak = MoirePeak(Gray(crop), &out.passive.moire_isolation);
    out.passive.glare_fraction = crop.channels() == 3 ? GlareFraction(crop) : 0.0;
  }
  out.passive.screen_border =
      std::popcount(ScreenBorderMask(Gray(image), faces[0].box)) >= thresholds::kBorderMinSides
          ? 1.0
          : 0.0;
  if (models_ && !models_->empty()) {
    EKYC_ASSIGN_OR_RETURN(auto ms, models_->Score(image, faces[0].box));
    if (ms.antispoof_real) out.passive.model_antispoof_real = *ms.antispoof_real;
    if (ms.liveness_live) out.passive.model_liveness_live = *ms.liveness_live;
  }
  // Glare is reported but does not vote on a photo (flash-lit skin looks the same).
  const CueResult screen =
      ScreenCue(out.passive.moire_peak, out.passive.moire_isolation, out.passive.screen_border,
                InterOcular(faces[0].pts), /*photo=*/true);
  out.passive.spoof_score = screen.vote == Vote::kSpoof ? screen.strength : 0.0;
  if (out.passive.spoof_score >= 0.5) out.reasons.push_back(screen.detail);
  out.reasons.push_back(
      "passive check only (a single photo cannot show motion; use a selfie video for a stronger "
      "check)");
  out.score = 1.0 - out.passive.spoof_score;
  out.live = out.score >= options_.threshold;
  return out;
}

}  // namespace ekyc::live
