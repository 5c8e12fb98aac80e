// Stage 4 of a video check: the cues' votes become one of three outcomes (internal header).
//
//  spoof               when any cue votes spoof with strength >= 0.5 (evidence of an attack);
//  live                when the score min(strongest live vote, 1 - strongest spoof vote) reaches
//                      the threshold;
//  not enough evidence otherwise: nothing says "attack", nothing says "live" (the reasons name the
//                      cues that abstained), and the user should record again with a blink or a
//                      slow head turn.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "live/live.h"

namespace ekyc::live {

struct DecisionResult {
  Decision decision = Decision::kNotEnoughEvidence;
  double score = 0.0;           // min(live evidence, 1 - spoof evidence)
  double live_evidence = 0.0;   // strongest live vote
  double spoof_evidence = 0.0;  // strongest spoof vote
  std::vector<std::string> reasons;
  std::vector<std::string> abstained;
};

// Strength of a spoof vote from which the clip is a spoof, whatever the live evidence.
inline constexpr double kSpoofDecides = 0.5;

DecisionResult Decide(const std::vector<CueResult>& cues, double threshold);

}  // namespace ekyc::live
