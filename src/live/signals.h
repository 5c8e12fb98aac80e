// Pure signal functions used by the liveness checker (internal header; kept separate so the
// unit tests can drive them with synthetic landmarks and images).
//
// Thread-safety: all functions are pure; safe from any thread.
#pragma once

#include <array>
#include <vector>

#include <opencv2/core.hpp>

namespace ekyc::live {

using Landmarks68 = std::array<cv::Point2f, 68>;

// Eye aspect ratio (Soukupova & Cech 2016) of one eye given its 6 iBUG points (p1..p6):
// (|p2-p6| + |p3-p5|) / (2 |p1-p4|). About 0.25-0.35 open, < 0.15 closed.
double EyeAspectRatio(const cv::Point2f* eye6);
// Mean EAR of both eyes (points 36-41 and 42-47).
double MeanEyeAspectRatio(const Landmarks68& p);
// Distance between the two eye centres: the scale every geometric residual is divided by.
double InterOcular(const Landmarks68& p);

struct BlinkStats {
  int blinks = 0;
  double baseline = 0.0;  // open-eye EAR (75th percentile of the sequence)
  double min_ratio = 1.0; // smallest EAR / baseline seen
  std::vector<int> closed_frames;  // frames counted inside a blink
};
// Counts blinks in an EAR sequence (NaN = no face that frame). A blink is a run of at most
// `max_run` frames whose EAR falls below baseline*(1-drop), with open eyes (above
// baseline*(1-drop/2)) before and after it, so closing the eyes at the end of a clip or a
// slow squint is not counted.
BlinkStats DetectBlinks(const std::vector<double>& ear, double drop, int max_run);

// Fits a homography from `a` to `b` with RANSAC on all points and returns the 90th percentile of
// the residuals of points [first_scored, end), divided by `norm` (inter-ocular distance). For the
// 68-point layout pass 17 to skip the jaw contour, whose points slide along the cheek edge and
// make even a flat photo look non-rigid. A flat photo moved in front of the camera
// moves as one plane, so its residual stays at landmark-noise level; a live face that talks, blinks
// or turns (parallax of nose vs. cheeks) does not. `h_out` receives the homography when non-null.
double PlanarResidual(const std::vector<cv::Point2f>& a, const std::vector<cv::Point2f>& b, double norm,
                      size_t first_scored = 0, cv::Mat* h_out = nullptr);

struct HeadPose {
  double yaw_deg = 0.0;
  double pitch_deg = 0.0;
  double roll_deg = 0.0;
  bool ok = false;
};
// Head pose from 6 landmarks and a generic 3D face, pinhole camera with focal = image width.
HeadPose EstimateHeadPose(const Landmarks68& p, cv::Size image_size);

// Largest isolated peak in the face crop's spectrum, in natural-log units above the median of its
// frequency ring (mid/high frequencies only, axes excluded). Screen moire and halftone print give
// sharp peaks; skin gives a smooth 1/f spectrum. Input: 8-bit gray crop.
double MoirePeak(const cv::Mat& gray_crop);
// Share of face-crop pixels that are specular glare (very bright and unsaturated). Input: BGR crop.
double GlareFraction(const cv::Mat& bgr_crop);
// Variance of the Laplacian of the gray crop resized to 128 px high (sharpness, scale-normalised).
double Sharpness(const cv::Mat& gray_crop);

}  // namespace ekyc::live
