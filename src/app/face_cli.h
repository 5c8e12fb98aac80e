// Internal to the `ekyc face` subcommands (cmd_face.cpp, cmd_face_calibrate.cpp): engine set-up
// from the command line, pairs files, the synthetic card portrait, and a cache of analysed images.
// Not thread-safe (one engine, one cache, used from the command's thread).
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "face/face.h"

namespace ekyc::app {

// Engine overrides for evaluation and calibration: zero / negative / empty keep the defaults.
struct FusionArgs {
  std::string embedder;  // an embedder file (NetworkSpec JSON) instead of the default networks
  std::string weights;   // "0.5,0.5": new shares for the networks, in their order
  int selfie_side = 0;
  int card_side = 0;
  double flip_min_yaw = -1;
  bool card_hog_first = false;  // true: the engine's card_blazeface_first off
  bool grey = false;            // true: the engine's grey_input on
};

// The options FaceEngineOptions::FromEnv gives, changed as `fusion` says (flip TTA off when
// !tta; card smoothing when card_sigma >= 0). Without `need_calibration` no calibration is
// loaded (raw cosines: eval, embed, calibrate).
Result<face::FaceEngineOptions> EngineOptions(bool tta, bool need_calibration,
                                              double card_sigma = -1,
                                              const FusionArgs& fusion = {});
Result<std::unique_ptr<face::FaceEngine>> MakeEngine(bool tta, bool need_calibration,
                                                     double card_sigma = -1,
                                                     const FusionArgs& fusion = {});

// FNV-1a of a string: the seed of an image's synthetic card portrait.
uint64_t Fnv1a(const std::string& s);

// Imitates the card path: a head-and-shoulders portrait crop around the face (found on the clean
// image by `engine`), printed and re-photographed (DegradeLikeCardPortrait, seeded by `name`).
cv::Mat CardLike(face::FaceEngine& engine, const cv::Mat& img, const std::string& name);

// One line of a pairs file: img_a,img_b,same[,set].
struct Pair {
  std::string a, b, set;
  bool same = false;
};
Result<std::vector<Pair>> ReadPairs(const std::string& path);

// Each image analysed once per side, quality gates measured but not enforced (so that scores
// exist for every detected face and refusals can be counted by reason).
class ImageAnalyses {
 public:
  struct Entry {
    bool ok = false;     // a face was found and embedded
    std::string reason;  // detection failure, or the first failing quality gate
    bool quality_ok = false;
    bool fallback = false;  // found by the fallback detector
    bool flipped = false;
    face::Quality quality;
    std::string detector;
    std::vector<float> emb;
    std::vector<std::vector<float>> parts;  // per-network embeddings
    double ms = 0, cpu_ms = 0;
  };
  // `crop_engine` cuts the synthetic card portraits (the default engine, so that every option
  // evaluates the same degraded images). `root` ends with '/' or is empty.
  ImageAnalyses(face::FaceEngine& engine, face::FaceEngine& crop_engine, std::string root);
  // `as_card`: the image is turned into a synthetic card portrait first (CardLike) and analysed
  // as a card; otherwise analysed as a selfie. References stay valid.
  const Entry& Get(const std::string& rel, bool as_card);
  const std::map<std::string, Entry>& all() const { return cache_; }
  const std::vector<double>& cpu_ms(bool card) const { return cpu_[card ? 1 : 0]; }
  const std::vector<double>& wall_ms(bool card) const { return wall_[card ? 1 : 0]; }

 private:
  face::FaceEngine& engine_;
  face::FaceEngine& crop_engine_;
  std::string root_;
  std::map<std::string, Entry> cache_;  // key: "card:" / "selfie:" + path
  std::vector<double> cpu_[2], wall_[2];
};

// `ekyc face calibrate` (cmd_face_calibrate.cpp), registered on the `face` subcommand.
void AddFaceCalibrateCommand(CLI::App& face_cmd, int* exit_code);

}  // namespace ekyc::app
