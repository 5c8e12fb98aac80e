// `ekyc live check FILE` (selfie video or photo -> JSON decision and signals) and
// `ekyc live eval LIST.csv` (APCER per attack type / BPCER over a labelled list of clips).
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <sstream>

#include "app/commands.h"
#include "input/input.h"
#include "live/live.h"

namespace ekyc::app {
namespace {

struct Clip {
  std::vector<cv::Mat> frames;
  double fps = 0.0;
  int decoded = 0;
};

// Reads a video with the input module's decoder, keeping about `keep` evenly spaced frames (the
// CLI stands in for the input module's sampler here, without the server's duration limit).
Result<Clip> ReadVideo(const std::string& path, int keep) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto decoder = input::VideoDecoder::Create(bytes);
  if (!decoder.ok())
    return Unsupported("live.bad_video", "cannot open " + path + " as an image or a video");
  Clip c;
  double fps = (*decoder)->info().fps;
  if (!(fps > 0 && fps < 240)) fps = 25.0;
  const double count = static_cast<double>((*decoder)->info().declared_frames);
  const int step = count > keep ? static_cast<int>(count / keep) : 1;
  // Next() decodes; only the kept frames pay for the colour conversion in Bgr().
  for (int i = 0;; ++i) {
    auto more = (*decoder)->Next();
    if (!more.ok() || !*more) break;
    ++c.decoded;
    if (i % step != 0) continue;
    auto frame = (*decoder)->Bgr();
    if (frame.ok()) c.frames.push_back(*frame);
  }
  if (c.frames.empty())
    return Unsupported("live.bad_video", "no frame could be decoded from " + path);
  c.fps = fps / step;
  return c;
}

double Ms(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// Returns the JSON for one file (decision or refusal).
nlohmann::json CheckFile(live::LivenessChecker& checker, const std::string& path, int max_frames,
                         const std::vector<live::ChallengeAction>& challenge = {}) {
  using Clock = std::chrono::steady_clock;
  nlohmann::json j;
  const auto t0 = Clock::now();
  cv::Mat img = cv::imread(path, cv::IMREAD_COLOR);
  if (!img.empty()) {
    auto r = checker.CheckPhoto(img);
    const auto t1 = Clock::now();
    if (!r.ok())
      return {{"kind", "photo"}, {"error", r.status().reason()}, {"message", r.status().message()}};
    j = live::ToJson(*r);
    const Status st = r->DecisionStatus();
    if (!st.ok()) j["error"] = st.reason();
    j["timing_ms"] = {{"check", std::round(Ms(t0, t1))}};
    return j;
  }
  auto clip = ReadVideo(path, max_frames);
  if (!clip.ok()) return {{"error", clip.status().reason()}, {"message", clip.status().message()}};
  const auto t1 = Clock::now();
  const std::clock_t c1 = std::clock();
  auto r = checker.CheckVideo(clip->frames, clip->fps, challenge);
  const std::clock_t c2 = std::clock();
  const auto t2 = Clock::now();
  if (!r.ok()) {
    j = {{"kind", "video"},
         {"live", false},
         {"error", r.status().reason()},
         {"message", r.status().message()}};
  } else {
    j = live::ToJson(*r);
    const Status s = r->DecisionStatus();
    if (!s.ok()) j["error"] = s.reason();
  }
  // check_cpu: process CPU time of the check (the code is single-threaded), less sensitive than
  // wall time to other load on the machine.
  j["timing_ms"] = {{"decode", std::round(Ms(t0, t1))},
                    {"check", std::round(Ms(t1, t2))},
                    {"check_cpu", std::round(1000.0 * (c2 - c1) / CLOCKS_PER_SEC)}};
  j["frames_decoded"] = clip->decoded;
  return j;
}

int RunCheck(const std::string& path, const live::LivenessOptions& opt,
             const std::string& challenge_text) {
  std::vector<live::ChallengeAction> challenge;
  if (!challenge_text.empty()) {
    auto parsed = live::ParseChallenge(challenge_text);
    if (!parsed.ok()) {
      std::cerr << parsed.status().ToString() << "\n";
      return 2;
    }
    challenge = *parsed;
  }
  auto checker = live::LivenessChecker::Create(opt);
  if (!checker.ok()) {
    std::cerr << checker.status().ToString() << "\n";
    return 2;
  }
  const nlohmann::json j = CheckFile(**checker, path, opt.max_frames, challenge);
  std::cout << j.dump(2) << "\n";
  if (j.contains("error") && !j.contains("score")) return 3;  // could not decide
  if (j.value("live", false)) return 0;
  return j.value("decision", "") == "not_enough_evidence" ? 4 : 1;
}

// LIST.csv: path,label[,attack_type]; label genuine = bona fide, anything else = attack.
// A refusal (no face, several faces, face lost) counts as "not accepted": it rejects an attack and
// costs a genuine user a retry, so it is counted in APCER/BPCER like a spoof decision.
int RunEval(const std::string& list, const live::LivenessOptions& opt, const std::string& details) {
  std::ifstream in(list);
  if (!in) {
    std::cerr << "cannot read " << list << "\n";
    return 2;
  }
  auto checker = live::LivenessChecker::Create(opt);
  if (!checker.ok()) {
    std::cerr << checker.status().ToString() << "\n";
    return 2;
  }
  std::ofstream det;
  if (!details.empty()) det.open(details);
  struct Tally {
    int n = 0, accepted = 0;
    double check_ms = 0;
    bool bona_fide = false;
  };
  std::map<std::string, Tally> by_type;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#' || line.rfind("path,", 0) == 0) continue;
    std::stringstream ss(line);
    std::string path, label, type;
    std::getline(ss, path, ',');
    std::getline(ss, label, ',');
    std::getline(ss, type, ',');
    // Bona fide variants (e.g. lowq_h264: a genuine clip as a cheap phone encodes it) keep their
    // type and count in BPCER.
    if (type.empty()) type = label;
    const bool bona_fide = label == "genuine";
    nlohmann::json j = CheckFile(**checker, path, opt.max_frames);
    const bool accepted = j.value("live", false);
    auto& t = by_type[type];
    ++t.n;
    t.bona_fide = bona_fide;
    t.accepted += accepted ? 1 : 0;
    if (j.contains("timing_ms") && j["timing_ms"].contains("check"))
      t.check_ms += j["timing_ms"]["check"].get<double>();
    j["path"] = path;
    j["type"] = type;
    if (det) det << j.dump() << std::endl;  // flushed: a long run can be followed and resumed
    std::cerr << (accepted ? "ACCEPT " : "reject ") << type << " " << path
              << " score=" << j.value("score", 0.0) << " " << j.value("error", "") << "\n";
  }
  nlohmann::json s;
  s["threshold"] = opt.threshold;
  int bona_n = 0, bona_rejected = 0;
  for (const auto& [type, t] : by_type) {
    nlohmann::json e = {{"n", t.n},
                        {"accepted", t.accepted},
                        {"mean_check_ms", t.n ? std::round(t.check_ms / t.n) : 0}};
    if (t.bona_fide) {
      e["bpcer"] = t.n ? static_cast<double>(t.n - t.accepted) / t.n : 0.0;
      bona_n += t.n;
      bona_rejected += t.n - t.accepted;
    } else {
      e["apcer"] = t.n ? static_cast<double>(t.accepted) / t.n : 0.0;
    }
    s["types"][type] = e;
  }
  if (bona_n > 0)
    s["bpcer_all_bona_fide"] = {{"n", bona_n},
                                {"rejected", bona_rejected},
                                {"bpcer", static_cast<double>(bona_rejected) / bona_n}};
  std::cout << s.dump(2) << "\n";
  return 0;
}

}  // namespace

void AddLiveCommand(CLI::App& app, int* exit_code) {
  auto* live_cmd = app.add_subcommand(
      "live", "Liveness (presentation-attack detection) for selfie videos and photos");
  live_cmd->require_subcommand(1);
  auto opt = std::make_shared<live::LivenessOptions>();
  live_cmd->add_option("--threshold", opt->threshold, "Decision threshold on the liveness score")
      ->capture_default_str();
  live_cmd->add_option("--max-frames", opt->max_frames, "Frames sampled from a video")
      ->capture_default_str();
  live_cmd->add_option("--shape-predictor", opt->shape_predictor_path, "dlib 68-landmark model")
      ->capture_default_str();
  if (const char* md = std::getenv("EKYC_MODEL_DIR")) opt->model_dir = md;
  live_cmd
      ->add_option("--model-dir", opt->model_dir,
                   "Converted models (antispoof/liveness CNN signals); env EKYC_MODEL_DIR")
      ->capture_default_str();

  auto* check = live_cmd->add_subcommand(
      "check",
      "Print the liveness decision and signals of a selfie video or photo as JSON "
      "(exit 0 live, 1 spoof, 4 not enough evidence, 3 refused, 2 error)");
  auto path = std::make_shared<std::string>();
  check->add_option("file", *path, "Video (MP4/WebM/MOV/AVI) or photo (JPEG/PNG)")->required();
  auto challenge = std::make_shared<std::string>();
  check->add_option(
      "--challenge", *challenge,
      "Video only: actions the user was asked to perform, in order, e.g. left,blink,right");
  check->callback([=] { *exit_code = RunCheck(*path, *opt, *challenge); });

  auto* eval = live_cmd->add_subcommand(
      "eval", "APCER per attack type and BPCER over a labelled list (path,label[,type])");
  auto list = std::make_shared<std::string>();
  auto details = std::make_shared<std::string>();
  eval->add_option("list", *list, "CSV: path,label[genuine|print|replay|...],attack_type")
      ->required();
  eval->add_option("--details", *details, "Write one JSON line per clip here");
  eval->callback([=] { *exit_code = RunEval(*list, *opt, *details); });
}

}  // namespace ekyc::app
