// Stage 6 of a video check: the frame handed to face matching (internal header).
// Thread-safety: pure function.
#pragma once

#include <vector>

#include "live/track.h"

namespace ekyc::live {

struct BestFrame {
  int frame_index = -1;  // index into the input frames
  cv::Rect box;
};

// Among tracked motion samples with open eyes (`ear` per used frame, at least 85 % of `open_ear`),
// the highest face sharpness (Laplacian variance at 128 px) times exp(-(|yaw| + |pitch|) / 20 deg);
// the middle tracked sample when every one has closed eyes.
BestFrame PickBestFrame(const std::vector<cv::Mat>& frames, const FaceTrack& t,
                        const std::vector<double>& ear, double open_ear);

}  // namespace ekyc::live
