// Cue "rescaled_copy": a recording scaled down and up again (a re-shared copy) has every edge of
// the frame widened. So does a soft camera: defocus, motion blur, a beauty filter or a cheap lens
// give the same wide edges (measured on bona fide clips: docs/liveness.md). Softness is therefore
// no evidence of a copy, and on a soft clip the cue abstains; on a sharp one it finds nothing. It
// never votes "spoof": a genuine recording replayed digitally is outside what presentation-attack
// detection can tell (ISO/IEC 30107); the optional challenge covers it.
#include <cmath>

#include "live/cues.h"
#include "live/thresholds.h"
#include "live/util.h"

namespace ekyc::live {

CueResult RescaledCopyCue(const ClipMeasurements& m) {
  using namespace thresholds;
  CueResult c;
  c.name = "rescaled_copy";
  if (!(m.edge_sharpness >= 0) || !std::isfinite(m.edge_sharpness)) {
    c.vote = Vote::kAbstain;
    c.detail = "edge sharpness not measured";
  } else if (m.edge_sharpness < kEdgeSoft) {
    c.vote = Vote::kAbstain;
    c.detail = "the video is soft (edge sharpness " + Fmt(m.edge_sharpness, 4) +
               "): a rescaled copy and a soft camera look alike";
  } else {
    c.vote = Vote::kNone;
    c.detail = "edges as sharp as a camera's (" + Fmt(m.edge_sharpness, 4) + ")";
  }
  return c;
}

}  // namespace ekyc::live
