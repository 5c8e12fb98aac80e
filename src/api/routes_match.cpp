// check_match_image_card_image_general: card portrait (or any photo with a face) vs selfie, with
// passive photo liveness on the selfie. Nothing is stored.
#include "api/routes_common.h"

namespace ekyc::api {
namespace {

using nlohmann::json;
using namespace routes;

Result<json> CheckMatch(const Capabilities& caps, const Request& r, WorkerContext& ctx) {
  EKYC_ASSIGN_OR_RETURN(face::FaceEngine * engine, Face(ctx, caps));
  EKYC_ASSIGN_OR_RETURN(double threshold, DoubleField(r, "threshold", 0.5, 0.0, 1.0));
  EKYC_ASSIGN_OR_RETURN(bool check_rotate, BoolField(r, "check_rotate", true));
  EKYC_ASSIGN_OR_RETURN(input::Image card, ImageField(r, "image_card1", caps, ctx));
  EKYC_ASSIGN_OR_RETURN(input::Image selfie, ImageField(r, "image_general", caps, ctx));

  // A readable card front: compare against its rectified, upright card. Anything else (another
  // photo, an unreadable card, no card reader installed): the largest face of the whole image.
  json card_info = {{"face_source", "photo"}};
  cv::Mat card_img = card.bgr;
  auto side = ReadSide(ctx, caps, card.bgr, check_rotate);
  if (side.ok() && !side->card.empty() && side->side == doc::Side::kFront) {
    card_img = side->card;
    doc::ClassInfo c = doc::ClassOf(side->type, side->side);
    card_info = {{"face_source", "card"},
                 {"class_name",
                  {{"value", c.name}, {"normalized", {{"value", c.value}, {"code", c.code}}}}}};
  } else {
    card_info["note"] = "image_card1 was not read as an ID card front (" +
                        (side.ok() ? std::string("no portrait side") : side.status().reason()) +
                        "); the largest face in it was used";
  }

  face::CompareResult cmp;
  {
    StageTimer t(ctx, "face");
    EKYC_ASSIGN_OR_RETURN(cmp, engine->Compare(card_img, selfie.bgr, threshold));
  }

  // Passive (single photo) liveness of the selfie: reported, not enforced (see docs/api.md).
  std::optional<bool> live;
  json live_detail;
  auto checker = Live(ctx, caps);
  if (!checker.ok()) {
    live_detail = {
        {"mode", "passive"}, {"checked", false}, {"message", checker.status().message()}};
  } else {
    StageTimer t(ctx, "live");
    auto p = (*checker)->CheckPhoto(selfie.bgr);
    if (p.ok()) {
      live = p->live;
      live_detail = live::ToJson(*p);
      live_detail["mode"] = "passive";
    } else {
      live_detail = {{"mode", "passive"}, {"checked", false}, {"reason", p.status().reason()}};
    }
  }

  json block = cmp.MatchBlock(live);
  if (!live) block["is_matched"]["liveness"] = "N/A";
  block["is_matched"]["liveness_mode"] = "passive";
  block["liveness_detail"] = live_detail;
  block["card"] = card_info;
  Status outcome = CompareOutcome(cmp.error_code);
  if (!outcome.ok()) return OutputWithOutcome(block, outcome);
  return block;
}

}  // namespace

void InstallMatchRoutes(RouteTable& routes, std::shared_ptr<const Capabilities> caps) {
  routes.Set("check_match_image_card_image_general",
             [caps](const Request& r, WorkerContext& ctx) { return CheckMatch(*caps, r, ctx); });
}

}  // namespace ekyc::api
