// `ekyc face ...`: compare / embed / eval for the face engine (src/face).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>
#include <sstream>

#include "app/commands.h"
#include "app/face_cli.h"
#include "core/cpu_time.h"
#include "face/face.h"

namespace ekyc::app {
namespace {

using face::FaceEngine;
using face::Source;

Result<cv::Mat> ReadImage(const std::string& path) {
  cv::Mat m = cv::imread(path, cv::IMREAD_COLOR);
  if (m.empty()) return InvalidArgument("image.unreadable", "cannot read image '" + path + "'");
  return m;
}

int Fail(const Status& s) {
  std::cerr << "error: " << s.ToString() << "\n";
  return 1;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct SetMetrics {
  double auc = 0, eer = 0, tar_1e2 = 0, tar_1e3 = 0, thr_1e2 = 0, thr_1e3 = 0, best_thr = 0,
         best_acc = 0;
  size_t genuine = 0, impostor = 0;
};

// Scores: failed pairs carry -2 so they count as rejections in every TAR figure.
SetMetrics Metrics(const std::vector<double>& gen, const std::vector<double>& imp) {
  SetMetrics m;
  m.genuine = gen.size();
  m.impostor = imp.size();
  if (gen.empty() || imp.empty()) return m;
  std::vector<double> g = gen, i = imp;
  std::sort(g.begin(), g.end());
  std::sort(i.begin(), i.end());
  // AUC = P(genuine > impostor) + 0.5 P(tie).
  double wins = 0;
  for (double s : g) {
    const auto lo = std::lower_bound(i.begin(), i.end(), s),
               hi = std::upper_bound(i.begin(), i.end(), s);
    wins += static_cast<double>(lo - i.begin()) + 0.5 * static_cast<double>(hi - lo);
  }
  m.auc = wins / (static_cast<double>(g.size()) * i.size());
  auto tar_at = [&](double thr) {  // accept score > thr
    return static_cast<double>(g.end() - std::upper_bound(g.begin(), g.end(), thr)) / g.size();
  };
  auto far_at = [&](double thr) {
    return static_cast<double>(i.end() - std::upper_bound(i.begin(), i.end(), thr)) / i.size();
  };
  auto thr_for_far = [&](double far) {  // smallest impostor-score threshold with FAR <= far
    const size_t allowed = static_cast<size_t>(std::floor(far * i.size()));
    return i[i.size() - 1 - std::min(allowed, i.size() - 1)];
  };
  m.thr_1e2 = thr_for_far(1e-2);
  m.thr_1e3 = thr_for_far(1e-3);
  m.tar_1e2 = tar_at(m.thr_1e2);
  m.tar_1e3 = tar_at(m.thr_1e3);
  std::vector<double> cands = g;
  cands.insert(cands.end(), i.begin(), i.end());
  double best_gap = 2;
  for (double t : cands) {
    const double frr = 1 - tar_at(t), far = far_at(t);
    if (std::abs(frr - far) < best_gap) best_gap = std::abs(frr - far), m.eer = (frr + far) / 2;
    const double acc = (tar_at(t) * g.size() + (1 - far) * i.size()) / (g.size() + i.size());
    if (acc > m.best_acc) m.best_acc = acc, m.best_thr = t;
  }
  return m;
}

int RunEval(const std::string& pairs_path, std::string root, bool degrade, bool tta,
            double card_sigma, const std::string& scores_out, const std::string& quality_out,
            const FusionArgs& fusion) {
  cv::setNumThreads(1);  // speed figures are per core
  auto engine = MakeEngine(tta, false, card_sigma, fusion);
  if (!engine.ok()) return Fail(engine.status());
  auto crop_engine = MakeEngine(true, false);
  if (!crop_engine.ok()) return Fail(crop_engine.status());
  auto pairs = ReadPairs(pairs_path);
  if (!pairs.ok()) return Fail(pairs.status());
  if (root.empty()) root = pairs_path.substr(0, pairs_path.find_last_of('/') + 1);
  if (!root.empty() && root.back() != '/') root += '/';

  ImageAnalyses images(**engine, **crop_engine, root);
  using Entry = ImageAnalyses::Entry;
  auto analyse = [&](const std::string& rel, bool as_card) -> const Entry& {
    return images.Get(rel, as_card);
  };

  std::ofstream scores;
  if (!scores_out.empty()) {
    scores.open(scores_out);
    scores << "img_a,img_b,same,set,cosine,ok,gates_ok";
    for (const std::string& n : (*engine)->network_names()) scores << ",cos:" << n;
    scores << "\n";
  }
  struct SetData {
    std::vector<double> gen, imp;
    size_t failed_pairs = 0, quality_rejected_pairs = 0;
    // Why images were refused (detection or quality gate), each image counted once per side.
    std::set<std::string> refused_seen;
    std::map<std::string, int> refused_images;
  };
  std::map<std::string, SetData> sets;
  std::vector<double> pair_ms, pair_cpu_ms;
  for (const Pair& p : *pairs) {
    const auto t0 = std::chrono::steady_clock::now();
    const Entry& ea = analyse(p.a, degrade);
    const Entry& eb = analyse(p.b, false);
    (void)t0;
    if (degrade && ea.ms > 0 && eb.ms > 0) {
      pair_ms.push_back(ea.ms + eb.ms);
      pair_cpu_ms.push_back(ea.cpu_ms + eb.cpu_ms);
    }
    double s = -2;
    const bool ok = ea.ok && eb.ok;
    if (ok) s = face::Cosine(ea.emb, eb.emb);
    for (const std::string& name : {p.set, std::string("ALL")}) {
      SetData& d = sets[name];
      if (!ok)
        ++d.failed_pairs;
      else if (!ea.quality_ok || !eb.quality_ok)
        ++d.quality_rejected_pairs;
      const std::pair<const Entry*, std::string> sides[] = {
          {&ea, (degrade ? "card:" : "selfie:") + p.a}, {&eb, "selfie:" + p.b}};
      for (const auto& [e, key] : sides)
        if (!e->reason.empty() && d.refused_seen.insert(key).second)
          ++d.refused_images[(key.rfind("card:", 0) == 0 ? "card " : "selfie ") + e->reason];
      (p.same ? d.gen : d.imp).push_back(s);
    }
    if (scores) {
      scores << p.a << "," << p.b << "," << (p.same ? 1 : 0) << "," << p.set << "," << s << ","
             << (ok ? 1 : 0) << "," << (ok && ea.quality_ok && eb.quality_ok ? 1 : 0);
      const size_t parts = (*engine)->network_names().size();
      for (size_t k = 0; k < parts; ++k)
        scores << ","
               << (ok && k < ea.parts.size() && k < eb.parts.size()
                       ? face::Cosine(ea.parts[k], eb.parts[k])
                       : -2.0);
      scores << "\n";
    }
  }
  if (!quality_out.empty()) {
    std::ofstream q(quality_out);
    q << "side,image,ok,reason,detector,eye_distance_px,blur_variance,sharpness,brightness,"
         "eye_aspect_ratio,yaw_deg,pitch_deg\n";
    for (const auto& [key, e] : images.all()) {
      const size_t colon = key.find(':');
      const auto& m = e.quality;
      q << key.substr(0, colon) << "," << key.substr(colon + 1) << "," << (e.ok ? 1 : 0) << ","
        << e.reason << "," << e.detector << "," << m.eye_distance_px << "," << m.blur_variance
        << "," << m.sharpness << "," << m.brightness << "," << m.eye_aspect_ratio << ","
        << m.yaw_deg << "," << m.pitch_deg << "\n";
    }
  }
  size_t failed_images = 0, fallback_images = 0, flipped_images = 0;
  std::map<std::string, int> reasons;
  for (const auto& [k, e] : images.all()) {
    if (!e.ok) ++failed_images;
    if (e.fallback) ++fallback_images;
    if (e.flipped) ++flipped_images;
    if (!e.reason.empty()) ++reasons[e.reason];
  }
  nlohmann::json out = {{"pairs_file", pairs_path},
                        {"degraded_side_a", degrade},
                        {"flip_tta", tta},
                        {"card_smoothing_sigma", card_sigma},
                        {"model", (*engine)->model_id()},
                        {"images", images.all().size()},
                        {"images_failed", failed_images},
                        {"images_found_by_fallback_detector", fallback_images},
                        {"images_with_flip_pass", flipped_images},
                        {"image_issue_counts", reasons},
                        {"ms_per_image_median",
                         {{"selfie_path", Median(images.wall_ms(false))},
                          {"card_path", Median(images.wall_ms(true))}}},
                        {"cpu_ms_per_image_median",
                         {{"selfie_path", Median(images.cpu_ms(false))},
                          {"card_path", Median(images.cpu_ms(true))}}}};
  if (degrade) {
    out["ms_card_vs_selfie_pair_median"] = Median(pair_ms);
    out["cpu_ms_card_vs_selfie_pair_median"] = Median(pair_cpu_ms);
  }
  for (const auto& [name, d] : sets) {
    const SetMetrics m = Metrics(d.gen, d.imp);
    nlohmann::json j = {{"genuine", m.genuine},
                        {"impostor", m.impostor},
                        {"auc", m.auc},
                        {"eer", m.eer},
                        {"tar_at_far_1e-2", m.tar_1e2},
                        {"cosine_at_far_1e-2", m.thr_1e2},
                        {"tar_at_far_1e-3", m.tar_1e3},
                        {"cosine_at_far_1e-3", m.thr_1e3},
                        {"best_accuracy", m.best_acc},
                        {"best_cosine_threshold", m.best_thr},
                        {"detection_failed_pairs", d.failed_pairs},
                        {"quality_gate_rejected_pairs", d.quality_rejected_pairs},
                        {"refused_images", d.refused_images}};
    if (m.impostor < 1000)
      j["note"] = "fewer than 1000 impostor pairs: FAR 1e-3 equals the highest impostor score";
    out["sets"][name] = j;
  }
  std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace

void AddFaceCommand(CLI::App& app, int* exit_code) {
  auto* face_cmd =
      app.add_subcommand("face", "Face detection, embedding, comparison and evaluation");
  face_cmd->require_subcommand(1);
  // Option storage lives as long as the callbacks that read it (no function statics).
  struct Opts {
    std::string card_path, selfie_path, image_path, aligned_out, dg_in, dg_out, dg_name, pairs_path,
        root, scores_out, quality_out;
    double threshold = 0.5, card_sigma = -1;
    FusionArgs fusion;
    bool verbose = false, as_card = false, tta = true, degrade = false, eval_tta = true;
  };
  auto o = std::make_shared<Opts>();

  auto* cmp = face_cmd->add_subcommand(
      "compare", "Compare a card portrait (A) with a selfie (B); prints the vendor match block");
  cmp->add_option("card", o->card_path, "Card image or its portrait crop")->required();
  cmp->add_option("selfie", o->selfie_path, "Selfie image")->required();
  cmp->add_option("--threshold", o->threshold,
                  "Similarity threshold in [0,1] (vendor default 0.5)");
  cmp->add_flag("--verbose", o->verbose, "Also print raw cosine, quality and timing");
  cmp->callback([exit_code, o] {
    auto engine = MakeEngine(true, true);
    if (!engine.ok()) return void(*exit_code = Fail(engine.status()));
    auto card = ReadImage(o->card_path);
    if (!card.ok()) return void(*exit_code = Fail(card.status()));
    auto selfie = ReadImage(o->selfie_path);
    if (!selfie.ok()) return void(*exit_code = Fail(selfie.status()));
    const auto t0 = std::chrono::steady_clock::now();
    auto r = (*engine)->Compare(*card, *selfie, o->threshold);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!r.ok()) return void(*exit_code = Fail(r.status()));
    nlohmann::json j = r->MatchBlock();
    if (o->verbose) {
      j["debug"] = {{"cosine", r->cosine}, {"ms", ms}};
      if (r->card)
        j["debug"]["card_quality"] = r->card->quality.ToJson(),
        j["debug"]["card_faces"] = r->card->faces_found;
      if (r->selfie)
        j["debug"]["selfie_quality"] = r->selfie->quality.ToJson(),
        j["debug"]["selfie_faces"] = r->selfie->faces_found;
    }
    std::cout << j.dump(2) << "\n";
    *exit_code = 0;
  });

  auto* emb = face_cmd->add_subcommand(
      "embed", "Print the embedding and quality of the largest face in an image");
  emb->add_option("image", o->image_path, "Image file")->required();
  emb->add_flag("--card", o->as_card,
                "Treat the image as a card portrait (extra scales, looser gates)");
  emb->add_flag("!--no-flip-tta", o->tta,
                "Do not average with the horizontally flipped face (other model id)");
  emb->add_option("--aligned-out", o->aligned_out,
                  "Write the aligned 112x112 crop here (debugging; contains a face)");
  emb->callback([exit_code, o] {
    auto engine = MakeEngine(o->tta, false);
    if (!engine.ok()) return void(*exit_code = Fail(engine.status()));
    auto img = ReadImage(o->image_path);
    if (!img.ok()) return void(*exit_code = Fail(img.status()));
    const Source src = o->as_card ? Source::kCard : Source::kSelfie;
    auto a = (*engine)->Analyze(*img, src, false);
    if (!a.ok()) return void(*exit_code = Fail(a.status()));
    if (!o->aligned_out.empty() && !cv::imwrite(o->aligned_out, a->aligned))
      return void(*exit_code = Fail(InvalidArgument("image.write_failed",
                                                    "cannot write '" + o->aligned_out + "'")));
    const Status gate = face::CheckQuality(a->quality, src);
    nlohmann::json j = {
        {"faces_found", a->faces_found},
        {"detector", a->face.detector},
        {"box", {a->face.box.x, a->face.box.y, a->face.box.width, a->face.box.height}},
        {"quality", a->quality.ToJson()},
        {"landmarks5",
         [&] {
           nlohmann::json pts = nlohmann::json::array();
           for (const auto& p : a->face.landmarks5) pts.push_back({p.x, p.y});
           return pts;
         }()},
        {"quality_ok", gate.ok()},
        {"embedding", a->embedding.ToJson()}};
    if (!gate.ok()) j["quality_issue"] = {{"reason", gate.reason()}, {"message", gate.message()}};
    std::cout << j.dump() << "\n";
    *exit_code = 0;
  });

  auto* dg = face_cmd->add_subcommand(
      "degrade", "Write the card-like degraded copy that `eval --degrade` uses");
  dg->add_option("image", o->dg_in, "Input image")->required();
  dg->add_option("out", o->dg_out, "Output image")->required();
  dg->add_option("--name", o->dg_name,
                 "Seed name (default: the input path as given; eval uses the pairs-file path)");
  dg->callback([exit_code, o] {
    auto engine = MakeEngine(true, false);
    if (!engine.ok()) return void(*exit_code = Fail(engine.status()));
    auto img = ReadImage(o->dg_in);
    if (!img.ok()) return void(*exit_code = Fail(img.status()));
    if (!cv::imwrite(o->dg_out,
                     CardLike(**engine, *img, o->dg_name.empty() ? o->dg_in : o->dg_name)))
      return void(*exit_code = Fail(
                      InvalidArgument("image.write_failed", "cannot write '" + o->dg_out + "'")));
    *exit_code = 0;
  });

  auto* ev = face_cmd->add_subcommand(
      "eval", "Verification metrics over a pairs file (img_a,img_b,same[,set])");
  ev->add_option("pairs", o->pairs_path, "Pairs CSV")->required();
  ev->add_option("--root", o->root,
                 "Directory the image paths are relative to (default: the pairs file's)");
  ev->add_flag("--degrade", o->degrade,
               "Degrade img_a like a phone photo of a printed ID portrait (deterministic)");
  ev->add_flag("!--no-flip-tta", o->eval_tta, "Do not average embeddings with the flipped face");
  ev->add_option("--scores-out", o->scores_out, "Write per-pair cosine scores to this CSV");
  ev->add_option("--quality-out", o->quality_out,
                 "Write every image's quality measurements and refusal reason to this CSV");
  ev->add_option("--card-sigma", o->card_sigma,
                 "Override the card-portrait smoothing sigma (px; 0 = off)");
  ev->add_option("--embedder", o->fusion.embedder,
                 "Embedder file (networks and their input contracts) instead of the default");
  ev->add_option("--weights", o->fusion.weights,
                 "Shares of the networks in the fused cosine, comma-separated in network order");
  ev->add_option("--card-side", o->fusion.card_side,
                 "Longer side of the first padded card pass (px; default 360)");
  ev->add_option("--selfie-side", o->fusion.selfie_side,
                 "Longer side selfies are detected at (px; default 320)");
  ev->add_option(
      "--flip-min-yaw", o->fusion.flip_min_yaw,
      "Flip TTA only for faces with |yaw| >= this (degrees; 0 = every face; default 10)");
  ev->add_flag("--card-hog-first", o->fusion.card_hog_first,
               "Card images: dlib HOG passes first, BlazeFace only when they find nothing");
  ev->add_flag("--grey", o->fusion.grey, "Every network sees grey crops (selfies and cards)");
  AddFaceCalibrateCommand(*face_cmd, exit_code);
  ev->callback([exit_code, o] {
    *exit_code = RunEval(o->pairs_path, o->root, o->degrade, o->eval_tta, o->card_sigma,
                         o->scores_out, o->quality_out, o->fusion);
  });
}

}  // namespace ekyc::app
