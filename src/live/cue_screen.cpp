// Cue "screen": a display (or a halftone print) between the face and the camera.
//
// A screen's sub-pixel grid, resampled by the camera, and a printer's halftone leave an isolated
// peak in the face's spectrum (moire); skin gives a smooth spectrum. The display's dark bezel
// framing the face (Komulainen et al. 2013) is also drawn by dark doors, windows and monitors
// behind live people, so it never votes alone: it turns a weak moire peak into a decision.
#include <cmath>

#include "live/cues.h"
#include "live/thresholds.h"
#include "live/util.h"

namespace ekyc::live {

CueResult ScreenCue(double moire_peak, double moire_isolation, double screen_border,
                    double face_iod_px, bool photo) {
  using namespace thresholds;
  CueResult c;
  c.name = "screen";
  if (!std::isfinite(moire_peak) || (!photo && face_iod_px < kMoireMinIodPx)) {
    c.vote = Vote::kAbstain;
    c.detail = "the face is too small to measure a screen pattern";
    return c;
  }
  // On video the peak must also stand out from its own neighbourhood: motion blur (a sinc-shaped
  // spectrum along the blur) and cloth folds lift broad ridges that score on the ring median alone.
  const double m = photo ? Ramp(moire_peak, kPhotoMoireLow, kPhotoMoireHigh)
                         : std::min(Ramp(moire_peak, kMoireLow, kMoireHigh),
                                    Ramp(moire_isolation, kMoireIsolationLow, kMoireIsolationHigh));
  const double b = screen_border >= 0 && m > 0 ? Ramp(screen_border, kBorderLow, kBorderHigh) : 0.0;
  c.strength = std::max(m, b);
  c.vote = c.strength > 0 ? Vote::kSpoof : Vote::kNone;
  if (b >= 0.5 && b >= m) {
    c.detail = "a dark straight border frames the face on two or more sides (" +
               Fmt(100 * screen_border, 0) +
               " % of frames), as a display's bezel does, and the face shows a periodic pattern "
               "(moire " +
               Fmt(moire_peak, 2) + ", isolation " + Fmt(moire_isolation, 2) +
               "): a replay on a screen";
  } else if (c.strength > 0) {
    c.detail =
        "periodic (moire/halftone) pattern on the face, typical of a screen or print (peak " +
        Fmt(moire_peak, 2) + ", isolation " + Fmt(moire_isolation, 2) + ")";
  } else {
    c.detail = "no screen pattern (moire peak " + Fmt(moire_peak, 2) + ", isolation " +
               Fmt(moire_isolation, 2) + ")";
  }
  return c;
}

}  // namespace ekyc::live
