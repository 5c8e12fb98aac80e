// Stage 3 of a video check: the cues. Each reads the clip's measurements and votes live, spoof,
// none (measured, no evidence either way) or abstains when it cannot measure reliably on this
// clip (internal header). One cue per file (cue_*.cpp); thresholds in thresholds.h.
//
// Thread-safety: pure functions.
#pragma once

#include "live/live.h"
#include "live/measure.h"

namespace ekyc::live {

// "motion_3d": the face deforms or shows parallax (live) / its shape changed clearly and exactly
// as a flat picture's does (spoof) / it barely changed shape beyond landmark noise (abstain).
CueResult MotionCue(const ClipMeasurements& m);

// "blink": a blink whose eyelid motion the dense flow confirms (live) / no blink (none) / a
// blink-like dip of the landmarks that the flow does not confirm (abstain).
CueResult BlinkCue(const ClipMeasurements& m);

// "screen": a periodic (moire) pattern on the face, typical of a display or a halftone print, made
// decisive by a display's bezel around the face when it is weak on its own. Abstains on faces too
// small to measure. `photo` uses the single-photo ramp.
CueResult ScreenCue(double moire_peak, double moire_isolation, double screen_border,
                    double face_iod_px, bool photo);

// "glare": specular glare on the face (a screen or glossy print), unless the scene around the face
// (`glare_scene`: its clipped share; negative or NaN: no scene to compare) is overexposed as well,
// or cannot be judged. Video only.
CueResult GlareCue(double glare_fraction, double glare_scene);

// "rescaled_copy": every edge of the frame widened as in a video scaled down and up again.
CueResult RescaledCopyCue(const ClipMeasurements& m);

}  // namespace ekyc::live
