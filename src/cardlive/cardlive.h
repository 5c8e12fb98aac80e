// Card liveness: is the photographed card a real card, or a copy of one (a grey or colour
// photocopy, a printout, the card's picture on a phone or monitor)?
//
// Measures the signals of cardlive/signals.h on the rectified card (what the document reader
// produces), combines them with weights fitted on generated genuine cards and attacks of the
// development seeds (tools/cardattack, docs/card-liveness.md), and returns a score in [0, 1]
// (1 = a real card), the decision threshold and the reasons (the cues that weighed most). A cue
// that cannot measure (colour on a card printed without colour, texture on a card too small in
// the photo) abstains: it adds nothing either way.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace ekyc::cardlive {

struct CardLivenessInput {
  cv::Mat card;                // rectified card, BGR, landscape
  std::string class_code;      // vendor class code (docs/doc.md: CCCD_CHIP, CMND, ...); "" unknown
  double source_width_px = 0;  // the card's width in the uploaded photo (0 = unknown)
};

struct Cue {
  std::string name;         // signals.h names: "chroma_p90", "peak_fine", ...
  bool measured = false;    // false: the cue abstained
  double value = 0;         // the measured value
  double contribution = 0;  // its push on the log-odds of "real card" (negative: towards a copy)
  std::string meaning;      // what its value says, in words
};

struct CardLivenessResult {
  bool live = true;                  // score >= threshold
  double score = 0;                  // probability-like, [0, 1]; 1 = a real card
  double threshold = 0;              // the decision threshold on `score`
  std::vector<Cue> cues;             // every cue, measured or not
  std::vector<std::string> reasons;  // the cues that weighed most towards the decision, in words
  double ms = 0;                     // wall time spent
  double cpu_ms = 0;                 // CPU time of the calling thread (wall time waits for a core)
};

// Whether a document type is printed in colour: the vendor class codes of docs/doc.md.
// CMND 9 is a paper card printed in one blue; its colour is faint under a phone's white balance
// and the colour cues abstain on it, as on an unknown type.
bool ColourCard(const std::string& class_code);

CardLivenessResult CheckCardLiveness(const CardLivenessInput& input);

// {"score", "threshold", "live", "reasons": [...], "cues": {name: {value, contribution} | null}}
nlohmann::json ToJson(const CardLivenessResult& r);

}  // namespace ekyc::cardlive
