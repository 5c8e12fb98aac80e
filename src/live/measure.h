// Stage 2 of a video check: every measurement the cues decide on, taken once on the tracked face
// (internal header). Measuring and deciding are kept apart so each cue reads like its rule.
//
// Thread-safety: MeasureClip uses the detectors and models it is given (not thread-safe
// themselves); with a helper detector it splits the landmark refits, the homography pairs and the
// dense-flow pairs with a second thread. Results do not depend on the thread count.
#pragma once

#include <limits>
#include <vector>

#include "core/status.h"
#include "live/landmarks.h"
#include "live/signals.h"
#include "live/track.h"

namespace ekyc::live {

class SpoofModels;

struct ClipMeasurements {
  // Geometry of the face's motion (inter-ocular distances, IOD).
  double landmark_noise = 0.0;     // median over frames of the landmark shift after a refit
                                   // from a box moved by 5 % (90th pct over interior points)
  double nonrigid_residual = 0.0;  // 90th pct over all frame pairs of PlanarResidual
  double shape_change = 0.0;       // 90th pct over pairs of SimilarityResidual
  double motion = 0.0;             // 90th pct over pairs of the median landmark displacement
  double flow_residual = 0.0;      // median over flow pairs of FlowPlanarResidual (NaN: none)
  double flow_pairs_measured = 0;  // flow pairs with a finite residual
  double yaw_range_deg = 0.0;      // 10th..90th percentile spread (descriptive)
  double pitch_range_deg = 0.0;

  // Eyes.
  std::vector<double> ear;  // per used frame (NaN without a face), after removing planar motion
  BlinkStats blinks;        // on `ear`: closed_frames are positions in FaceTrack::used
  // Typical frame-to-frame change of the eye aspect ratio, relative to the open-eye level (median
  // over consecutive used frames): how much landmark noise alone moves the eyes.
  double ear_jitter = 0.0;
  // Dense flow across each counted blink, from the last open sample before it to its most closed
  // sample: the residual of the face's plane at the upper eyelids and at the nose, in IOD (the
  // blink with the largest eyelid-to-nose ratio). A real blink moves the eyelids off the plane
  // while the nose stays on it; landmark noise on a picture moves neither. NaN: no blink measured.
  double eyelid_flow = std::numeric_limits<double>::quiet_NaN();
  double eyelid_flow_nose = std::numeric_limits<double>::quiet_NaN();

  // Image quality of the face.
  double face_iod_px = 0.0;  // median inter-ocular distance in pixels
  double face_luma = 0.0;    // median mean grey level of the face box
  double noise_sigma = 0.0;  // median sensor/codec noise estimate on the face (grey levels)

  // Passive signals (medians over a few frames; see PassiveSignals).
  double moire_peak = 0.0;
  double moire_isolation = 0.0;
  double glare_fraction = 0.0;
  double glare_scene = 0.0;  // the same share over the frame outside the (enlarged) face box
  double edge_sharpness = -1.0;
  double screen_border = -1.0;
  double model_antispoof_real = -1.0;
  double model_liveness_live = -1.0;
};

// `models` may be null (no CNN scores). `passive_frames`: frames the passive signals use.
Result<ClipMeasurements> MeasureClip(const std::vector<cv::Mat>& frames, const FaceTrack& track,
                                     LandmarkDetector& detector, LandmarkDetector* helper,
                                     SpoofModels* models, int passive_frames);

}  // namespace ekyc::live
