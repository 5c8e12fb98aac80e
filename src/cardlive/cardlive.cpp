// The card liveness decision: a logistic combination of the standardised signals z (a linear and a
// squared term per cue, so a cue can say "too far from a real card in either direction"), the
// weights fitted by tools/cardattack/fit.py on the development seeds (fitted.h). Abstaining cues
// sit at their mean: they add nothing.
#include "cardlive/cardlive.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "cardlive/fitted.h"
#include "cardlive/signals.h"
#include "core/cpu_time.h"

namespace ekyc::cardlive {
namespace {

// What a value below / above the genuine cards' typical range says.
struct Meaning {
  const char* low;
  const char* high;
};
constexpr Meaning kMeanings[kNumSignals] = {
    {"little colour for a colour card (a grey or colour-faded copy)", "saturated card colours"},
    {"few coloured areas for a colour card", "coloured areas as printed on the card"},
    {"deep blacks", "raised black level (a lit screen, a washed-out copy)"},
    {"narrow tonal range (a copy's contrast setting, a screen)", "wide tonal range"},
    {"smooth fine texture", "fine dot or pixel texture (a printout or a screen)"},
    {"smooth texture at 3-5 px periods", "texture at 3-5 px periods (halftone cells)"},
    {"little texture at 5-10 px periods", "texture at 5-10 px periods (coarse halftone, moire)"},
    {"no fine periodic pattern", "a fine periodic pattern (subpixel grid, print screen)"},
    {"no coarse periodic pattern", "a coarse periodic pattern (moire beating)"},
    {"colour texture no finer than the print", "fine colour texture (subpixels, CMYK dots)"},
    {"smooth flat areas", "grainy flat areas (paper, toner, screen door)"},
    {"dark outer band (a bezel or a dark frame)", "light outer band"},
};

}  // namespace

bool ColourCard(const std::string& class_code) {
  return class_code == "CCCD" || class_code == "CCCD_CHIP" || class_code == "CAN_CUOC" ||
         class_code == "CMND_12" || class_code == "PASSPORT";
}

CardLivenessResult CheckCardLiveness(const CardLivenessInput& in) {
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = ThreadCpuMs();
  CardLivenessResult r;
  r.threshold = kFitted.threshold;
  const SignalVector s = MeasureSignals(
      in.card, {.colour_card = ColourCard(in.class_code), .source_width_px = in.source_width_px});
  // Colour is judged against the type's own: card types differ in how colourful they are printed.
  int code = -1;
  for (int k = 0; k < kNumCodes; ++k)
    if (in.class_code == kFitted.codes[k]) code = k;
  double logit = kFitted.bias;
  for (int i = 0; i < kNumSignals; ++i) {
    Cue c;
    c.name = kSignalNames[i];
    c.measured = std::isfinite(s[i]);
    double x = s[i];
    if (c.measured) {
      c.value = s[i];
      if (i < kNumColourSignals) {
        x = code >= 0 && kFitted.colour_ref[code][i] > 0
                ? std::log((x + kFitted.colour_eps[i]) /
                           (kFitted.colour_ref[code][i] + kFitted.colour_eps[i]))
                : std::numeric_limits<double>::quiet_NaN();
        c.measured = std::isfinite(x);
      }
    }
    if (c.measured) {
      // Standardised and clipped: one extreme measurement cannot outvote every other cue.
      const double z =
          std::clamp((x - kFitted.mean[i]) / kFitted.scale[i], -kFitted.z_clip, kFitted.z_clip);
      c.contribution = kFitted.weight[i] * z + kFitted.weight2[i] * z * z;
      c.meaning = z < 0 ? kMeanings[i].low : kMeanings[i].high;
      logit += c.contribution;
    }
    r.cues.push_back(std::move(c));
  }
  r.score = 1.0 / (1.0 + std::exp(-logit));
  r.live = r.score >= r.threshold;
  // Reasons: the cues that pushed hardest in the direction of the decision.
  std::vector<const Cue*> order;
  for (const Cue& c : r.cues)
    if (c.measured && (r.live ? c.contribution > 0 : c.contribution < 0)) order.push_back(&c);
  std::sort(order.begin(), order.end(), [](const Cue* a, const Cue* b) {
    return std::abs(a->contribution) > std::abs(b->contribution);
  });
  for (size_t i = 0; i < order.size() && i < 3; ++i)
    r.reasons.push_back(order[i]->name + ": " + order[i]->meaning);
  r.cpu_ms = ThreadCpuMs() - cpu0;
  r.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

nlohmann::json ToJson(const CardLivenessResult& r) {
  auto round4 = [](double v) { return std::round(v * 10000.0) / 10000.0; };
  nlohmann::json cues = nlohmann::json::object();
  for (const Cue& c : r.cues) {
    if (!c.measured) {
      cues[c.name] = nullptr;
      continue;
    }
    cues[c.name] = {{"value", round4(c.value)}, {"contribution", round4(c.contribution)}};
  }
  return {{"score", round4(r.score)},
          {"threshold", round4(r.threshold)},
          {"live", r.live},
          {"reasons", r.reasons},
          {"cues", cues}};
}

}  // namespace ekyc::cardlive
