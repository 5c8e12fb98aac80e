// Liveness (presentation-attack detection) for selfie videos and single selfie photos.
//
// Video: the face is tracked over the sampled frames; active signals (blinks, head rotation,
// non-rigid motion measured as the residual of a homography fitted between frames on the 68
// landmarks, confirmed on dense optical flow of the face) show that a 3D, moving face was in front
// of the camera; passive signals (screen moire, glare) look for a display. A video is live when its
// score reaches the threshold. A printed photo moved in front of the camera moves as one plane and
// is rejected; a screen replay of a live recording moves non-rigidly and can only be caught by the
// passive signals (see docs/liveness.md for measured error rates and limits).
// Photo: passive signals only; weaker than video and marked as such.
//
// Thread-safety: LivenessChecker is NOT thread-safe (it owns detectors with scratch state):
// create one per worker. CheckVideo itself may run a second, internal thread
// (LivenessOptions::threads). Result types are plain values.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace ekyc::live {

class LandmarkDetector;
class SpoofModels;

struct LivenessOptions {
  std::string shape_predictor_path = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
  // Frames a video check uses (beyond this they are subsampled evenly): the eyes are followed on
  // all of them (blinks last 0.1-0.4 s). The face is detected and its motion analysed on at most
  // `motion_frames` of them (the pair work grows with its square).
  int max_frames = 60;
  int motion_frames = 30;
  int detect_height = 360;  // HOG detection runs on frames scaled to this height
  double threshold = 0.5;   // score >= threshold -> live (documented in docs/liveness.md)
  int passive_frames = 5;   // frames the (costlier) passive signals are computed on
  // Threads one CheckVideo uses (1 or 2): a second one tracks half of the samples and shares the
  // refits and homography pairs, so a clip is decided in about half the wall time on an idle
  // machine. Results do not depend on it.
  int threads = 2;
  // Directory with manifest.json of converted models; when it holds `antispoof` / `liveness`
  // their scores are computed and reported (empty = skip them).
  std::string model_dir;
};

// Challenge-response (optional, video only): actions the relying party asked the user to perform,
// in order. Passive and active PAD cannot tell a re-encoded genuine recording injected into the
// upload from a capture (docs/liveness.md); a random action sequence chosen per session by the
// relying party's backend, which a pre-recorded video cannot contain, can. Directions are as seen
// in the uploaded video: `left` = the face turns toward the left edge of the frame (the user's own
// right when the recording is not mirrored).
enum class ChallengeAction { kBlink, kTurnLeft, kTurnRight };
const char* ChallengeActionName(ChallengeAction action);  // "blink", "left", "right"
// Parses a comma-separated sequence such as "left,blink,right" (1 to 6 actions, case-insensitive;
// "turn_left"/"turn_right" also accepted). Error: live.bad_challenge (InvalidArgument).
Result<std::vector<ChallengeAction>> ParseChallenge(std::string_view text);

struct ChallengeCheck {
  bool requested = false;
  bool passed = false;
  std::vector<std::string> requested_actions;
  std::vector<std::string> observed_actions;  // turns and blinks seen, in time order
};

// Signals shared by video and photo results.
struct PassiveSignals {
  double moire_peak = 0.0;  // ln units above the spectrum ring median; screens/halftone are high
  double moire_isolation = 0.0;  // the peak's height over its 9x9-bin neighbourhood (ln units)
  double glare_fraction = 0.0;   // share of face pixels that are specular glare
  double glare_scene = -1.0;     // video: the same share in the scene around the face (-1: n/a)
  // Video only (-1 = not computed): sharpness of the strongest edges of the whole frame relative
  // to their contrast; very low when the video was scaled down and up (a re-encoded copy).
  double edge_sharpness = -1.0;
  // Share of the sampled frames (a photo: 0 or 1) in which a dark straight border frames the face
  // on two or more sides, as a display's bezel does (ScreenBorderMask); -1 = not computed. Votes
  // only together with moire evidence (docs/history/liveness.md, "Screen border").
  double screen_border = -1.0;
  double spoof_score =
      0.0;  // 0 = looks like skin in front of a camera, 1 = display/print artefacts
  // CNN scores (median over frames), when the models are available; -1 = not computed.
  double model_antispoof_real = -1.0;
  double model_liveness_live = -1.0;
};

// The three outcomes of a video check.
//  kLive: evidence of a live face and none of an attack.
//  kSpoof: evidence of an attack (a flat picture moved in front of the camera, a screen, a copy),
//    or a requested challenge not performed.
//  kNotEnoughEvidence: no evidence of an attack, but none of a live face either (the person kept
//    perfectly still, or the video is too dark, soft or noisy for the cues to measure): the client
//    should ask the user to record again with a blink or a slow head turn.
enum class Decision { kLive, kSpoof, kNotEnoughEvidence };
const char* DecisionName(Decision d);  // "live", "spoof", "not_enough_evidence"

// One cue's contribution to a decision. A cue that cannot measure reliably on this clip abstains
// instead of voting; kNone = measured, and found no evidence either way.
enum class Vote { kLive, kSpoof, kNone, kAbstain };
const char* VoteName(Vote v);  // "live", "spoof", "none", "abstain"
struct CueResult {
  std::string name;  // e.g. "motion_3d", "blink", "screen", "glare", "rescaled_copy"
  Vote vote = Vote::kNone;
  double strength = 0.0;  // 0..1 for kLive / kSpoof (>= 0.5 decides); 0 otherwise
  std::string detail;     // what was measured, or why the cue could not judge (no personal data)
};

struct VideoLiveness {
  bool live = false;
  Decision decision = Decision::kNotEnoughEvidence;
  double score = 0.0;  // 0..1; live when >= threshold
  double threshold = 0.5;
  std::vector<std::string> reasons;    // why the decision went the way it did (no personal data)
  std::vector<CueResult> cues;         // every cue's vote, in a fixed order
  std::vector<std::string> abstained;  // names of the cues that could not judge this clip

  int frames_used = 0;  // motion samples (the face is detected and tracked on these)
  int frames_with_face = 0;
  int frames_multi_face = 0;
  double fps = 0.0;    // of the motion samples
  int eye_frames = 0;  // frames the eyes were followed on (all frames used)
  double eye_fps = 0.0;

  // Active signals.
  int blinks = 0;
  double ear_baseline = 0.0;
  double ear_min_ratio = 1.0;
  double yaw_range_deg = 0.0;  // 10th..90th percentile spread over the clip
  double pitch_range_deg = 0.0;
  double nonrigid_residual = 0.0;  // 90th pct over frame pairs of the homography residual / IOD
  double motion = 0.0;             // 90th pct of landmark displacement between frames / IOD
  double landmark_noise = 0.0;     // landmark shift when refitted from a 5%-shifted box / IOD
  double nonrigid_to_noise = 0.0;  // nonrigid_residual / landmark_noise
  // Median over frame pairs of the dense-flow planarity residual (FlowPlanarResidual) / IOD:
  // a photo or screen stays at codec-noise level even when its landmarks jitter.
  double flow_residual = 0.0;
  // Least-squares similarity residual over frame pairs (90th pct, like nonrigid_residual): how much
  // the face's image shape changed beyond a shift, turn and zoom. A tilted picture changes shape
  // as a plane (explained by a homography); a live face that turns also leaves the plane.
  double shape_change = 0.0;
  double active_score = 0.0;

  // Eyes and image quality the cues use to know whether they can judge.
  double ear_jitter = 0.0;    // frame-to-frame eye aspect ratio change / open-eye level
  double eyelid_flow = -1.0;  // dense-flow residual at the eyelids across a blink (-1: none)
  double eyelid_flow_nose = -1.0;
  double face_iod_px = 0.0;  // inter-ocular distance in pixels
  double face_luma = 0.0;    // mean grey level of the face
  double noise_sigma = 0.0;  // noise level on the face, grey levels

  PassiveSignals passive;
  ChallengeCheck challenge;  // requested=false when no challenge was given

  // Sharpest, most frontal open-eyed frame, for face matching.
  int best_frame_index = -1;  // index into the frames passed to CheckVideo
  cv::Rect best_face_box;
  cv::Mat best_frame;  // shallow copy of that input frame

  // Ok when live; otherwise PermissionDenied with reason live.spoof_detected (kSpoof) or
  // live.not_enough_evidence (record again with a blink or a slow head turn), and the reasons,
  // for the API's error mapping.
  Status DecisionStatus() const;
};

struct PhotoLiveness {
  bool live = false;
  double score = 0.0;
  double threshold = 0.5;
  bool passive_only = true;  // always true: a single photo cannot show motion
  std::vector<std::string> reasons;
  cv::Rect face_box;
  PassiveSignals passive;
  Status DecisionStatus() const;
};

nlohmann::json ToJson(const CueResult& c);
nlohmann::json ToJson(const PassiveSignals& p);
nlohmann::json ToJson(const VideoLiveness& v);
nlohmann::json ToJson(const PhotoLiveness& p);

class LivenessChecker {
 public:
  // Loads the landmark model (about 100 MB, ~1 s): create once per worker and reuse.
  static Result<std::unique_ptr<LivenessChecker>> Create(const LivenessOptions& options = {});
  // For callers that bring their own detector (e.g. the face module's).
  // `models` may be null (no CNN signals).
  LivenessChecker(LivenessOptions options, std::unique_ptr<LandmarkDetector> detector,
                  std::unique_ptr<SpoofModels> models = nullptr);
  ~LivenessChecker();
  LivenessChecker(const LivenessChecker&) = delete;
  LivenessChecker& operator=(const LivenessChecker&) = delete;

  // `frames`: decoded BGR (or gray) frames in time order; `fps`: their rate (after any sampling).
  // Errors: live.no_face, live.multiple_faces, live.face_lost, live.too_few_frames
  // (InvalidArgument). A decided spoof is NOT an error: the result has live=false (see
  // DecisionStatus()). With a non-empty `challenge`, live also requires that the video shows
  // exactly the requested head turns in that order, and the requested blinks in their places (extra
  // blinks allowed).
  Result<VideoLiveness> CheckVideo(const std::vector<cv::Mat>& frames, double fps,
                                   const std::vector<ChallengeAction>& challenge = {});
  // Passive-only check of one selfie. Errors: live.no_face, live.multiple_faces.
  Result<PhotoLiveness> CheckPhoto(const cv::Mat& image);

 private:
  LivenessOptions options_;
  std::unique_ptr<LandmarkDetector> detector_;
  std::unique_ptr<LandmarkDetector> helper_;  // clone for the second thread; null = one thread
  std::unique_ptr<SpoofModels> models_;
};

}  // namespace ekyc::live
