// `ekyc face calibrate`: fits the similarity calibration of the current embedder (the default
// networks, or an operator's EKYC_FACE_EMBEDDER) from labelled pairs, per population and side,
// and writes the calibration file EKYC_FACE_CALIBRATION points at (docs/face.md, "Calibration").
#include <fstream>
#include <iostream>
#include <opencv2/core/utility.hpp>
#include <set>
#include <sstream>

#include "app/face_cli.h"

namespace ekyc::app {
namespace {

struct CalibrateArgs {
  std::vector<std::string> inputs;  // [POP=]FILE: pairs files, or scores files with --from-scores
  std::vector<std::string> card_inputs;
  std::string card_mode = "synthetic";  // synthetic | none | pairs (set by --card-pairs)
  std::string root, out, scores_out, model, note;
  bool from_scores = false;
  FusionArgs fusion;
  face::CalibrationFitOptions fit;
};

int Fail(const Status& s) {
  std::cerr << "error: " << s.ToString() << "\n";
  return 1;
}

// "POP=FILE" -> (POP, FILE); "FILE" -> ("", FILE): population from each line's set column.
std::pair<std::string, std::string> SplitInput(const std::string& s) {
  const size_t eq = s.find('=');
  if (eq == std::string::npos || s.find('/') < eq) return {"", s};
  return {s.substr(0, eq), s.substr(eq + 1)};
}

// One scored pair, as calibrate needs it.
struct Scored {
  std::string a, b, population;
  bool same = false;
  bool usable = false;  // both faces found and both passed the quality gates
  double cosine = 0;
};

// Reads an `ekyc face eval --scores-out` file (img_a,img_b,same,set,cosine,ok[,gates_ok,...]).
Result<std::vector<Scored>> ReadScores(const std::string& path, const std::string& pop) {
  std::ifstream in(path);
  if (!in) return NotFound("face.scores_missing", "cannot read scores file '" + path + "'");
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> head;
  {
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, ',')) head.push_back(c);
  }
  auto col = [&](const std::string& n) -> int {
    for (size_t i = 0; i < head.size(); ++i)
      if (head[i] == n) return static_cast<int>(i);
    return -1;
  };
  const int ia = col("img_a"), ib = col("img_b"), is = col("same"), iset = col("set"),
            ic = col("cosine"), iok = col("ok"), igate = col("gates_ok");
  if (ia < 0 || ib < 0 || is < 0 || ic < 0 || iok < 0)
    return InvalidArgument("face.scores_invalid",
                           "'" + path + "' is not an `ekyc face eval --scores-out` file");
  std::vector<Scored> out;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, ',')) f.push_back(c);
    if (static_cast<int>(f.size()) < static_cast<int>(head.size()))
      return InvalidArgument("face.scores_invalid", "short line in '" + path + "': " + line);
    Scored s;
    s.a = f[ia];
    s.b = f[ib];
    s.same = f[is] == "1";
    s.population = !pop.empty() ? pop : (iset >= 0 ? f[iset] : "all");
    s.usable = f[iok] == "1" && (igate < 0 || f[igate] == "1");
    s.cosine = std::atof(f[ic].c_str());
    out.push_back(std::move(s));
  }
  return out;
}

// Scores the pairs of every input with the engine (side A as a synthetic card portrait when
// `as_card`), writing them to `scores_path` when not empty.
Result<std::vector<Scored>> ScoreInputs(const std::vector<std::string>& inputs,
                                        ImageAnalyses& images, bool as_card,
                                        const std::string& scores_path,
                                        const std::vector<std::string>& network_names) {
  std::ofstream scores;
  if (!scores_path.empty()) {
    scores.open(scores_path);
    scores << "img_a,img_b,same,set,cosine,ok,gates_ok";
    for (const auto& n : network_names) scores << ",cos:" << n;
    scores << "\n";
  }
  std::vector<Scored> out;
  for (const std::string& in : inputs) {
    const auto [pop, file] = SplitInput(in);
    EKYC_ASSIGN_OR_RETURN(std::vector<Pair> pairs, ReadPairs(file));
    for (const Pair& p : pairs) {
      const auto& ea = images.Get(p.a, as_card);
      const auto& eb = images.Get(p.b, false);
      Scored s{p.a, p.b, pop.empty() ? p.set : pop, p.same, false, -2};
      if (ea.ok && eb.ok) s.cosine = face::Cosine(ea.emb, eb.emb);
      s.usable = ea.ok && eb.ok && ea.quality_ok && eb.quality_ok;
      if (scores) {
        scores << p.a << "," << p.b << "," << (p.same ? 1 : 0) << "," << s.population << ","
               << s.cosine << "," << (ea.ok && eb.ok ? 1 : 0) << "," << (s.usable ? 1 : 0);
        for (size_t k = 0; k < network_names.size(); ++k)
          scores << ","
                 << (ea.ok && eb.ok && k < ea.parts.size() ? face::Cosine(ea.parts[k], eb.parts[k])
                                                           : -2.0);
        scores << "\n";
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

// Groups usable scored pairs by population, with identity clusters for the tail's bootstrap.
std::vector<face::PopulationScores> ByPopulation(const std::vector<Scored>& scored,
                                                 nlohmann::json* summary) {
  std::map<std::string, face::PopulationScores> pops;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> genuine;
  std::map<std::string, std::set<std::string>> images;
  std::map<std::string, int> unusable;
  for (const auto& s : scored) {
    images[s.population].insert(s.a);
    images[s.population].insert(s.b);
    if (s.same) genuine[s.population].emplace_back(s.a, s.b);
  }
  std::map<std::string, std::map<std::string, int>> clusters;
  for (const auto& [pop, imgs] : images)
    clusters[pop] = face::ClusterImages(genuine[pop], {imgs.begin(), imgs.end()});
  for (const auto& s : scored) {
    face::PopulationScores& p = pops[s.population];
    p.population = s.population;
    if (!s.usable) {
      ++unusable[s.population];
      continue;
    }
    if (s.same)
      p.genuine.push_back(s.cosine);
    else
      p.impostor.push_back({s.cosine, clusters[s.population][s.a], clusters[s.population][s.b]});
  }
  std::vector<face::PopulationScores> out;
  for (auto& [name, p] : pops) {
    (*summary)[name] = {{"pairs_left_out", unusable[name]},
                        {"note",
                         "pairs where a face was not found or failed a quality gate are "
                         "left out: the server refuses them before any score"}};
    out.push_back(std::move(p));
  }
  return out;
}

int Run(const CalibrateArgs& args) {
  cv::setNumThreads(1);
  if (args.inputs.empty()) return Fail(InvalidArgument("face.calibrate_args", "no pairs given"));
  auto options = EngineOptions(true, false, -1, args.fusion);
  if (!options.ok()) return Fail(options.status());
  std::string model =
      args.model.empty() ? face::FaceEngine::EmbeddingModelId(*options) : args.model;
  std::vector<Scored> selfie, card;
  if (args.from_scores) {
    for (const auto& in : args.inputs) {
      const auto [pop, file] = SplitInput(in);
      auto s = ReadScores(file, pop);
      if (!s.ok()) return Fail(s.status());
      selfie.insert(selfie.end(), s->begin(), s->end());
    }
    for (const auto& in : args.card_inputs) {
      const auto [pop, file] = SplitInput(in);
      auto s = ReadScores(file, pop);
      if (!s.ok()) return Fail(s.status());
      card.insert(card.end(), s->begin(), s->end());
    }
  } else {
    auto engine = face::FaceEngine::Create(*options);
    if (!engine.ok()) return Fail(engine.status());
    model = (*engine)->model_id();
    auto crop_engine = MakeEngine(true, false);
    if (!crop_engine.ok()) return Fail(crop_engine.status());
    std::string root = args.root;
    if (!root.empty() && root.back() != '/') root += '/';
    ImageAnalyses images(**engine, **crop_engine, root);
    const auto names = (*engine)->network_names();
    auto s = ScoreInputs(args.inputs, images, false,
                         args.scores_out.empty() ? "" : args.scores_out + "-selfie.csv", names);
    if (!s.ok()) return Fail(s.status());
    selfie = std::move(*s);
    if (args.card_mode != "none") {
      const bool synthetic = args.card_mode == "synthetic";
      auto c = ScoreInputs(synthetic ? args.inputs : args.card_inputs, images, synthetic,
                           args.scores_out.empty() ? "" : args.scores_out + "-card.csv", names);
      if (!c.ok()) return Fail(c.status());
      card = std::move(*c);
    }
  }
  nlohmann::json summary;
  auto selfie_pops = ByPopulation(selfie, &summary["selfie"]);
  std::vector<face::PopulationScores> card_pops;
  if (!card.empty()) card_pops = ByPopulation(card, &summary["card_vs_selfie"]);
  auto fitted = face::FitCalibration(model, selfie_pops, card_pops, args.fit);
  if (!fitted.ok()) return Fail(fitted.status());
  nlohmann::json& j = *fitted;
  // File names only: a calibration file is shipped and must not carry the fitting machine's paths.
  nlohmann::json inputs = nlohmann::json::array();
  for (const auto& in : args.inputs) {
    const auto [pop, file] = SplitInput(in);
    const std::string base = file.substr(file.find_last_of('/') + 1);
    inputs.push_back(pop.empty() ? base : pop + "=" + base);
  }
  j["fitted_on"] = {
      {"pairs", inputs},
      {"card_side", args.from_scores           ? "scores given with --card"
                    : args.card_mode == "none" ? "none: card comparisons use the selfie map"
                    : args.card_mode == "synthetic"
                        ? "synthetic card portraits (side A of each pair, DegradeLikeCardPortrait)"
                        : "card portraits as given (--card-pairs)"},
      {"left_out", summary}};
  if (!args.note.empty()) j["fitted_on"]["note"] = args.note;
  std::ofstream out(args.out);
  if (!out) return Fail(InvalidArgument("face.calibrate_args", "cannot write '" + args.out + "'"));
  out << j.dump(1) << "\n";
  // A short summary on stdout: where 0.5 and 0.95 sit and what they give per population.
  nlohmann::json brief = {{"model", model}, {"out", args.out}};
  for (const char* side : {"selfie", "card_vs_selfie"}) {
    const nlohmann::json& m = std::string(side) == "selfie" ? j : j.value(side, nlohmann::json());
    if (m.is_null()) continue;
    brief[side] = {{"slope", m["slope"]}, {"midpoint", m["midpoint"]}, {"anchors", m["anchors"]}};
    for (const auto& [pop, e] : m["populations"].items())
      brief[side]["populations"][pop] = {{"far_at_0.5", e["far_at_0.5"]},
                                         {"tar_at_0.5", e["tar_at_0.5"]},
                                         {"tar_at_high", e["tar_at_high"]}};
  }
  std::cout << brief.dump(2) << "\n";
  return 0;
}

}  // namespace

void AddFaceCalibrateCommand(CLI::App& face_cmd, int* exit_code) {
  auto a = std::make_shared<CalibrateArgs>();
  auto* c = face_cmd.add_subcommand(
      "calibrate",
      "Fit the similarity calibration of the current embedder from labelled pairs and write it "
      "(use it with EKYC_FACE_CALIBRATION)");
  c->add_option("pairs", a->inputs,
                "[POP=]PAIRS.csv (img_a,img_b,same[,set]); POP names the population, else the "
                "set column does")
      ->required();
  c->add_option("--out", a->out, "Calibration file to write")->required();
  c->add_option("--root", a->root, "Directory the image paths are relative to");
  c->add_option("--card", a->card_mode,
                "Card-vs-selfie map: synthetic (side A degraded like a printed portrait, "
                "default) or none")
      ->check(CLI::IsMember({"synthetic", "none"}));
  c->add_option("--card-pairs", a->card_inputs,
                "[POP=]PAIRS.csv whose img_a are real card portraits (replaces --card synthetic)")
      ->each([a](const std::string&) { a->card_mode = "pairs"; });
  c->add_flag("--from-scores", a->from_scores,
              "The files are `ekyc face eval --scores-out` files (selfie side; card side with "
              "--card-pairs), nothing is run");
  c->add_option("--model", a->model, "Model id to record (--from-scores; default: the engine's)");
  c->add_option("--note", a->note, "A description of the pairs, recorded in the file");
  c->add_option("--scores-out", a->scores_out, "Write PREFIX-selfie.csv / PREFIX-card.csv");
  c->add_option("--embedder", a->fusion.embedder, "Embedder file instead of EKYC_FACE_EMBEDDER");
  c->add_option("--weights", a->fusion.weights, "Shares of the networks, comma-separated");
  c->add_option("--bootstrap", a->fit.bootstrap, "Cluster-bootstrap replicates of the tail (200)");
  c->add_option("--duplicate-population", a->fit.high_populations,
                "Population(s) whose impostor tail sets similarity 0.95, the duplicate rule's "
                "default (default: all; the highest wins)");
  c->add_flag("--duplicate-bound", a->fit.high_upper_bound,
              "Map 0.95 to the upper bound of the FAR 1e-5 cosine over the identity bootstrap "
              "instead of its point estimate (stricter; needs many people to be useful)");
  c->add_option("--confidence", a->fit.confidence,
                "The bound's confidence with --duplicate-bound (0.95)");
  c->add_option("--tail-fraction", a->fit.tail_fraction,
                "Share of impostor pairs in the modelled tail (0.05)");
  c->callback([a, exit_code] { *exit_code = Run(*a); });
}

}  // namespace ekyc::app
