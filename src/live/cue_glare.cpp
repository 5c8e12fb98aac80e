// Cue "glare": a specular reflection on the face, as a screen or a glossy print gives. Video only:
// on single photos flash-lit skin looks the same, so the photo check reports it without voting.
// Overexposure clips skin too (a webcam in a bright room, a backlit face brightened by
// auto-exposure), and then the scene around the face is clipped as much: the cue abstains unless
// the face is clearly more clipped than its surroundings. With no scene to compare (the face fills
// the frame, or grey video) it abstains too.
#include "live/cues.h"
#include "live/thresholds.h"
#include "live/util.h"

namespace ekyc::live {

CueResult GlareCue(double glare_fraction, double glare_scene) {
  using namespace thresholds;
  CueResult c;
  c.name = "glare";
  const double g = Ramp(glare_fraction, kGlareLow, kGlareHigh);
  const std::string measured = Fmt(100 * glare_fraction, 1) + " % of the face, " +
                               Fmt(100 * std::max(glare_scene, 0.0), 1) + " % of the scene";
  if (g > 0 && !(glare_scene >= 0)) {
    c.vote = Vote::kAbstain;
    c.detail = "the face fills the frame, so there is no scene to tell a reflection from "
               "overexposed skin (" + Fmt(100 * glare_fraction, 1) + " % of the face clipped)";
    return c;
  }
  if (g > 0 && glare_fraction < kGlareOverScene * glare_scene) {
    c.vote = Vote::kAbstain;
    c.detail = "the whole scene is overexposed, so clipped skin is not evidence of a reflection (" +
               measured + ")";
    return c;
  }
  c.strength = g;
  c.vote = g > 0 ? Vote::kSpoof : Vote::kNone;
  c.detail = (g > 0 ? "specular glare on the face, typical of a screen or glossy photo ("
                    : "no large glare (") +
             measured + ")";
  return c;
}

}  // namespace ekyc::live
