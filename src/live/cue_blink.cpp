// Cue "blink": a blink is evidence of a live face when the eyelids really moved.
//
// The eye aspect ratio of re-detected landmarks dips on pictures too (landmark noise, a bent
// sheet), so a dip alone proves nothing. A real blink moves the eyelids off the plane of the rest
// of the face while the nose stays on it, which the dense flow between an open and the closed
// sample shows whatever the landmark noise. A dip the flow does not confirm makes the cue abstain.
#include <cmath>

#include "live/cues.h"
#include "live/thresholds.h"
#include "live/util.h"

namespace ekyc::live {

CueResult BlinkCue(const ClipMeasurements& m) {
  using namespace thresholds;
  CueResult c;
  c.name = "blink";
  if (m.blinks.blinks == 0) {
    c.vote = Vote::kNone;
    c.detail = "no blink seen";
    return c;
  }
  const bool measured = std::isfinite(m.eyelid_flow) && std::isfinite(m.eyelid_flow_nose);
  if (measured && m.eyelid_flow >= kEyelidFlowMin &&
      m.eyelid_flow >= kEyelidToNose * m.eyelid_flow_nose) {
    c.vote = Vote::kLive;
    c.strength = 0.75;
    c.detail = "blinks: " + std::to_string(m.blinks.blinks) + " (eyelid motion " +
               Fmt(m.eyelid_flow, 4) + " against " + Fmt(m.eyelid_flow_nose, 4) + " at the nose)";
    return c;
  }
  c.vote = Vote::kAbstain;
  c.detail = measured ? "a blink-like dip of the eye landmarks that the eyelids' image motion does "
                        "not confirm (eyelids " +
                            Fmt(m.eyelid_flow, 4) + ", nose " + Fmt(m.eyelid_flow_nose, 4) + ")"
                      : "a blink-like dip of the eye landmarks whose image motion could not be "
                        "measured";
  return c;
}

}  // namespace ekyc::live
