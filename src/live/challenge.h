// Challenge-response verification on a tracked clip (internal header; the public parser and types
// are in live.h). Thread-safety: pure function.
#pragma once

#include <vector>

#include "live/live.h"
#include "live/signals.h"
#include "live/track.h"

namespace ekyc::live {

// The observed head turns (NoseTurn with hysteresis on the motion samples, relative to the first
// fifth of the clip) and blinks (closed runs of `blinks`, positions in t.used), in time order,
// matched against `challenge` (ChallengeMatches).
ChallengeCheck VerifyChallenge(const std::vector<ChallengeAction>& challenge, const FaceTrack& t,
                               const BlinkStats& blinks);

}  // namespace ekyc::live
