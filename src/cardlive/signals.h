// Card liveness measurements (internal to cardlive): what a photo of the rectified card says about
// the surface it was taken of. Each value is explained where it is computed; the decision that
// combines them is in cardlive.cpp, the fitted weights in params.h.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <array>
#include <opencv2/core.hpp>
#include <string>

namespace ekyc::cardlive {

// The measured values, in the order of kSignalNames. NaN = not measured (the cue abstains).
inline constexpr int kNumSignals = 12;
using SignalVector = std::array<double, kNumSignals>;
extern const std::array<const char*, kNumSignals> kSignalNames;

struct SignalOptions {
  bool colour_card = true;     // the document is printed in colour: colour cues apply
  double source_width_px = 0;  // the card's width in the uploaded photo (0 = unknown)
};

// `card`: the rectified card, BGR, landscape (any of the two upright orientations).
SignalVector MeasureSignals(const cv::Mat& card, const SignalOptions& options);

}  // namespace ekyc::cardlive
