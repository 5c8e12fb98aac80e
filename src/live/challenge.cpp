#include "live/challenge.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "live/thresholds.h"
#include "live/util.h"

namespace ekyc::live {

const char* ChallengeActionName(ChallengeAction action) {
  switch (action) {
    case ChallengeAction::kBlink:
      return "blink";
    case ChallengeAction::kTurnLeft:
      return "left";
    case ChallengeAction::kTurnRight:
      return "right";
  }
  return "blink";
}

Result<std::vector<ChallengeAction>> ParseChallenge(std::string_view text) {
  std::vector<ChallengeAction> out;
  std::string item;
  auto bad = [](const std::string& why) {
    return InvalidArgument("live.bad_challenge",
                           "challenge: " + why +
                               "; send a comma-separated list of 1 to 6 actions among "
                               "blink, left, right (e.g. \"left,blink,right\")");
  };
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != ',') {
      const char ch = text[i];
      if (ch != ' ' && ch != '\t')
        item.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
      continue;
    }
    if (item == "blink")
      out.push_back(ChallengeAction::kBlink);
    else if (item == "left" || item == "turn_left")
      out.push_back(ChallengeAction::kTurnLeft);
    else if (item == "right" || item == "turn_right")
      out.push_back(ChallengeAction::kTurnRight);
    else if (item.empty())
      return bad("empty action");
    else
      return bad("unknown action '" + item.substr(0, 20) + "'");
    item.clear();
  }
  if (out.size() > 6) return bad("too many actions (" + std::to_string(out.size()) + ")");
  return out;
}

ChallengeCheck VerifyChallenge(const std::vector<ChallengeAction>& challenge, const FaceTrack& t,
                               const BlinkStats& blinks) {
  using namespace thresholds;
  ChallengeCheck c;
  if (challenge.empty()) return c;
  c.requested = true;
  for (ChallengeAction a : challenge) c.requested_actions.push_back(ChallengeActionName(a));
  const int nt = static_cast<int>(t.tracked.size());
  std::vector<double> turn(t.samples(), std::numeric_limits<double>::quiet_NaN());
  for (int i = 0; i < nt; ++i) turn[t.tracked[i]] = NoseTurn(t.at(i).pts);
  // Facing the camera = the first fifth of the tracked samples (the client prompts once the face
  // is centred); an off-axis camera shifts it by up to ~0.07.
  std::vector<double> start;
  for (int i = 0; i < std::max(3, nt / 5) && i < nt; ++i) start.push_back(turn[t.tracked[i]]);
  const double baseline = Percentile(start, 0.5);
  std::vector<std::pair<int, std::string>> events;
  for (const TurnEvent& e : DetectTurns(turn, std::isfinite(baseline) ? baseline : 0.0, kTurnEnter,
                                        kTurnExit, kTurnMinSamples)) {
    events.emplace_back(t.used_pos[e.start], e.dir < 0 ? "left" : "right");
  }
  const std::vector<int>& closed = blinks.closed_frames;
  for (size_t q = 0; q < closed.size(); ++q) {
    if (q == 0 || closed[q] != closed[q - 1] + 1) events.emplace_back(closed[q], "blink");
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& e : events) c.observed_actions.push_back(e.second);
  c.passed = ChallengeMatches(c.requested_actions, c.observed_actions);
  return c;
}

}  // namespace ekyc::live
