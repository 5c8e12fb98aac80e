// Reading the MRZ band: the bottom of the card read by the MRZ recogniser (its own line split),
// the lines found and parsed (mrz.h), and a second, larger reading when check digits fail or a
// Vietnamese name word cannot be a syllable (the name has no check digit).
//
// Thread-safety: not thread-safe (uses the MRZ recogniser).
#pragma once

#include <opencv2/core.hpp>
#include <optional>

#include "doc/mrz.h"
#include "doc/recognizer.h"

namespace ekyc::doc {

// `gray`: the card's text image; `passport_like`: a passport page (TD3 band lower on the page).
std::optional<MrzData> ReadMrzBand(PageRecognizer& mrz, const cv::Mat& gray, bool passport_like);

}  // namespace ekyc::doc
