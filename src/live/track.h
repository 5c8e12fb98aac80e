// Stage 1 of a video check: sample the frames, find the applicant's face and follow it, and refuse
// clips where that is not possible (internal header).
//
// Thread-safety: TrackFace uses the detectors it is given (not thread-safe themselves); with a
// helper detector it tracks the second half of the samples on a second thread. The result does not
// depend on whether a helper is given.
#pragma once

#include <vector>

#include "core/status.h"
#include "live/landmarks.h"

namespace ekyc::live {

struct FaceTrack {
  // Frames the check uses (indices into the input frames, evenly spread, in time order) and their
  // rate. The face is detected and tracked on `frame_of` (the motion samples, a subset); the eyes
  // are followed on all of them (`dense`).
  std::vector<int> used;
  double used_fps = 0.0;

  std::vector<int> frame_of;        // motion sample k -> index into the input frames
  std::vector<int> used_pos;        // motion sample k -> its position in `used`
  double fps = 0.0;                 // rate of the motion samples
  std::vector<char> has;            // sample k has the applicant's face
  std::vector<FaceLandmarks> face;  // per sample (meaningful where has[k])
  std::vector<int> tracked;         // samples with a face, in time order
  int searched_full = 0;            // samples searched over the whole frame
  int multi_face = 0;               // of those, samples showing another comparable face
  int with_face = 0;

  // Landmarks on every used frame (FollowBetweenSamples): the motion samples' own, and between
  // them the shape fitted in the box interpolated from the neighbouring samples. dense_has[u] is
  // false where no neighbouring sample had the face.
  std::vector<char> dense_has;
  std::vector<FaceLandmarks> dense;

  int samples() const { return static_cast<int>(frame_of.size()); }
  const FaceLandmarks& at(int i) const { return face[tracked[i]]; }  // i-th tracked sample
  int frame_at(int i) const { return frame_of[tracked[i]]; }
};

// Evenly subsamples `frames` to at most `max_frames` used frames (at least 5) and, among them, to
// at most `motion_frames` motion samples, on which it tracks the largest face: a full-frame search
// every fourth sample and after a miss (where a second person would be seen), otherwise a search
// around the previous face. Errors: live.too_few_frames, live.bad_fps, and the detector's errors.
Result<FaceTrack> TrackFace(const std::vector<cv::Mat>& frames, double fps, int max_frames,
                            int motion_frames, LandmarkDetector& detector,
                            LandmarkDetector* helper);

// Fills track.dense: landmarks on the used frames between motion samples, fitted (no detection) in
// the face box interpolated between the two tracked samples around it. Blinks last 0.1-0.4 s, so
// the eyes need every used frame while the motion analysis does with fewer. With a helper, the
// second half runs on a second thread (same result).
Status FollowBetweenSamples(const std::vector<cv::Mat>& frames, FaceTrack& track,
                            LandmarkDetector& detector, LandmarkDetector* helper);

// Refusals (InvalidArgument, not decisions): live.multiple_faces, live.no_face, live.face_lost.
Status RefuseUnusableTrack(const FaceTrack& track);

}  // namespace ekyc::live
