// `ekyc card-live --list LIST [--read]`: card liveness of each listed photo, one JSON line each
// (signals, score, decision, ms), for tools/cardattack/eval.py. LIST lines: `PATH CLASS_CODE`
// (the vendor class code: CCCD, CCCD_CHIP, CAN_CUOC, CMND, CMND_12, PASSPORT).
// Without --read the card is located and rectified only (no OCR; the class code comes from the
// list); with --read the document reader runs as the API does and its class code is used.
#include <fstream>
#include <iostream>
#include <opencv2/imgcodecs.hpp>
#include <sstream>

#include "app/commands.h"
#include "cardlive/cardlive.h"
#include "doc/doc.h"
#include "doc/locate.h"

namespace ekyc::app {
namespace {

constexpr double kId1Aspect = 85.6 / 53.98;
constexpr double kPassportAspect = 125.0 / 88.0;

nlohmann::json Line(const std::string& path, const std::string& code, bool read,
                    doc::DocReader* reader) {
  nlohmann::json j = {{"image", path}};
  cv::Mat img = cv::imread(path, cv::IMREAD_COLOR);
  if (img.empty()) return j.update({{"error", "undecodable"}}), j;
  cardlive::CardLivenessInput in;
  std::string class_code = code;
  std::vector<cv::Point2f> corners;
  if (read) {
    auto r = reader->Read(img, true);
    if (!r.ok()) return j.update({{"error", r.status().reason()}}), j;
    in.card = r->card;
    class_code = doc::ClassOf(r->type, r->side).code;
    corners = r->corners;
  } else {
    auto q = doc::LocateCard(img);
    if (!q.ok()) return j.update({{"error", q.status().reason()}}), j;
    const double aspect = code == "PASSPORT" ? kPassportAspect : kId1Aspect;
    in.card = doc::Rectify(img, q->corners, 1000, aspect);
    corners = q->corners;
    j["located"] = q->located;
  }
  if (corners.size() == 4) in.source_width_px = cv::norm(corners[1] - corners[0]);
  in.class_code = class_code;
  const cardlive::CardLivenessResult r = cardlive::CheckCardLiveness(in);
  nlohmann::json signals = nlohmann::json::object();
  for (const auto& c : r.cues) signals[c.name] = c.measured ? nlohmann::json(c.value) : nullptr;
  j["class_code"] = class_code;
  j["signals"] = signals;
  j["score"] = r.score;
  j["live"] = r.live;
  j["ms"] = r.ms;
  j["cpu_ms"] = r.cpu_ms;
  return j;
}

}  // namespace

void AddCardLiveCommand(CLI::App& app, int* exit_code) {
  auto* cmd =
      app.add_subcommand("card-live", "card liveness signals and decision per listed photo");
  auto list = std::make_shared<std::string>();
  auto read = std::make_shared<bool>(false);
  cmd->add_option("--list", *list, "file of `PATH CLASS_CODE` lines")->required();
  cmd->add_flag("--read", *read,
                "run the document reader (as the API does) instead of locating only");
  cmd->callback([=] {
    std::unique_ptr<doc::DocReader> reader;
    if (*read) {
      auto r = doc::DocReader::Create();
      if (!r.ok()) {
        std::cerr << r.status().message() << "\n";
        *exit_code = 2;
        return;
      }
      reader = std::move(*r);
    }
    std::ifstream f(*list);
    if (!f) {
      std::cerr << "cannot open " << *list << "\n";
      *exit_code = 2;
      return;
    }
    std::string line;
    while (std::getline(f, line)) {
      std::istringstream ls(line);
      std::string path, code;
      if (!(ls >> path >> code)) continue;
      std::cout << Line(path, code, *read, reader.get()).dump() << std::endl;
    }
    *exit_code = 0;
  });
}

}  // namespace ekyc::app
