#include "live/decision.h"

#include <algorithm>

namespace ekyc::live {

DecisionResult Decide(const std::vector<CueResult>& cues, double threshold) {
  DecisionResult d;
  std::vector<std::string> abstain_details;
  for (const CueResult& c : cues) {
    if (c.vote == Vote::kLive) d.live_evidence = std::max(d.live_evidence, c.strength);
    if (c.vote == Vote::kSpoof) d.spoof_evidence = std::max(d.spoof_evidence, c.strength);
    if (c.vote == Vote::kAbstain) {
      d.abstained.push_back(c.name);
      abstain_details.push_back(c.name + " could not judge: " + c.detail);
    }
  }
  d.score = std::min(d.live_evidence, 1.0 - d.spoof_evidence);
  if (d.spoof_evidence >= kSpoofDecides) {
    d.decision = Decision::kSpoof;
    for (const CueResult& c : cues)
      if (c.vote == Vote::kSpoof && c.strength >= kSpoofDecides) d.reasons.push_back(c.detail);
  } else if (d.score >= threshold) {
    d.decision = Decision::kLive;
    for (const CueResult& c : cues)
      if (c.vote == Vote::kLive && c.strength >= 0.5) d.reasons.push_back(c.detail);
  } else {
    d.decision = Decision::kNotEnoughEvidence;
    d.reasons.push_back(
        "not enough evidence of a live face, and none of an attack: record again and blink or turn "
        "the head slowly");
    for (const CueResult& c : cues)
      if ((c.vote == Vote::kLive || c.vote == Vote::kSpoof) && c.strength > 0)
        d.reasons.push_back(c.name + " (weak, " + std::to_string(c.strength).substr(0, 4) +
                            "): " + c.detail);
    d.reasons.insert(d.reasons.end(), abstain_details.begin(), abstain_details.end());
  }
  return d;
}

}  // namespace ekyc::live
