// register_ekyc_front_back_face(_video): read both card sides, match the card portrait with the
// selfie (photo, or the best frame of a live video) and register the selfie face for user_id.
// Output: [front, back, match block, null, null] as in the vendor's sample.
#include "api/errors.h"
#include "api/routes_common.h"

namespace ekyc::api {
namespace {

using nlohmann::json;
using namespace routes;

struct Common {
  std::string user_id;
  double threshold = 0.5;
  bool check_rotate = true;
  doc::DocResult front, back;
  cv::Mat front_bgr;  // image_card1 as decoded
  json output = json::array();
};

// Everything before the selfie: fields, both sides read and annotated.
Result<Common> ReadCard(const Capabilities& caps, const Request& r, WorkerContext& ctx) {
  Common c;
  EKYC_ASSIGN_OR_RETURN(c.user_id, IdField(r, "user_id"));
  EKYC_ASSIGN_OR_RETURN(c.threshold, DoubleField(r, "threshold", 0.5, 0.0, 1.0));
  EKYC_ASSIGN_OR_RETURN(c.check_rotate, BoolField(r, "check_rotate", true));
  EKYC_ASSIGN_OR_RETURN(input::Image f, ImageField(r, "image_card1", caps, ctx));
  EKYC_ASSIGN_OR_RETURN(input::Image b, ImageField(r, "image_card2", caps, ctx));
  auto front = ReadSide(ctx, caps, f.bgr, c.check_rotate);
  if (!front.ok()) return front.status().WithContext("image_card1");
  auto back = ReadSide(ctx, caps, b.bgr, c.check_rotate);
  if (!back.ok()) return back.status().WithContext("image_card2");
  c.front = std::move(*front);
  c.front_bgr = f.bgr;
  c.back = std::move(*back);
  c.output.push_back(SideJson(c.front, caps));
  c.output.push_back(SideJson(c.back, caps));
  return c;
}

cv::Mat CardImage(const doc::DocResult& side, const cv::Mat& original) {
  return side.card.empty() ? original : side.card;
}

// Compares, and registers the selfie face when matched. `block_extra` is merged into the block.
Result<json> MatchAndRegister(const Capabilities& caps, const Request& r, WorkerContext& ctx,
                              Common& c, const cv::Mat& card_bgr, const cv::Mat& selfie_bgr,
                              std::optional<bool> liveness, const json& block_extra) {
  EKYC_ASSIGN_OR_RETURN(face::FaceEngine * engine, Face(ctx, caps));
  EKYC_ASSIGN_OR_RETURN(store::FaceStore * db, Store(caps));
  face::CompareResult cmp;
  {
    StageTimer t(ctx, "face");
    EKYC_ASSIGN_OR_RETURN(cmp, engine->Compare(card_bgr, selfie_bgr, c.threshold));
  }
  json block = cmp.MatchBlock(liveness);
  if (!liveness) block["is_matched"]["liveness"] = "N/A";
  for (auto it = block_extra.begin(); it != block_extra.end(); ++it) block[it.key()] = it.value();
  auto finish = [&](json blk, const Status& outcome) -> json {
    c.output.push_back(std::move(blk));
    c.output.push_back(nullptr);
    c.output.push_back(nullptr);
    return outcome.ok() ? c.output : OutputWithOutcome(c.output, outcome);
  };
  if (Status o = CompareOutcome(cmp.error_code); !o.ok()) return finish(block, o);

  store::RegisterRequest req;
  req.user_id = c.user_id;
  req.model_id = caps.face_model_id;
  store::FaceInput fi;
  fi.embedding = cmp.selfie->embedding.values;
  fi.quality = cmp.selfie->face.score;
  fi.image = EncodeJpeg(selfie_bgr);
  fi.image_mime = "image/jpeg";
  req.faces.push_back(std::move(fi));
  req.identity.source = "card_images";  // chip data take routes_chip.cpp's path
  // A result past its deadline is dropped by the server (504): do not register behind its back.
  EKYC_RETURN_IF_ERROR(CheckDeadline(r));
  store::DuplicateMatch dup;
  StageTimer t(ctx, "store");
  auto reg = db->Register(CallerOf(r), req, &dup);
  if (!reg.ok()) {
    if (reg.status().reason() == "store.duplicate_face") {
      FillDuplicateRefusal(reg.status(), dup, &block);
      return finish(block, reg.status());
    }
    return reg.status();
  }
  block["registration"] = {{"registered", true},
                           {"user_id", reg->user_id},
                           {"user_created", reg->user_created},
                           {"face_ids", reg->face_ids}};
  return finish(block, Status::Ok());
}

Result<json> RegisterPhoto(const Capabilities& caps, const Request& r, WorkerContext& ctx) {
  EKYC_RETURN_IF_ERROR(Face(ctx, caps).status());
  EKYC_RETURN_IF_ERROR(Store(caps).status());
  // The selfie is decoded first so a bad selfie fails before the (slow) card reading.
  EKYC_ASSIGN_OR_RETURN(input::Image selfie, ImageField(r, "image_general", caps, ctx));
  EKYC_ASSIGN_OR_RETURN(Common c, ReadCard(caps, r, ctx));
  // Passive photo liveness is reported (marked passive), not enforced: a single photo is weak
  // evidence (docs/liveness.md); the video route enforces liveness.
  std::optional<bool> live;
  json detail = {{"mode", "passive"}, {"checked", false}};
  if (auto checker = Live(ctx, caps); checker.ok()) {
    StageTimer t(ctx, "live");
    if (auto p = (*checker)->CheckPhoto(selfie.bgr); p.ok()) {
      live = p->live;
      detail = live::ToJson(*p);
      detail["mode"] = "passive";
    }
  }
  return MatchAndRegister(caps, r, ctx, c, CardImage(c.front, c.front_bgr), selfie.bgr, live,
                          {{"liveness_detail", detail}});
}

// The video field's bytes: uploaded file, base64 / data: URL text, or an http(s) URL.
Result<std::string> VideoBytes(const Capabilities& caps, const Request& r) {
  std::string name;
  const std::string* v = FindAny(r, {"video_general", "video"}, &name);
  if (v == nullptr) return InvalidArgument("field.missing", "video_general (or video) is required");
  if (r.files.count(name) != 0) return *v;
  if (v->rfind("http://", 0) == 0 || v->rfind("https://", 0) == 0) {
    input::InputPolicy p = caps.image_policy;
    p.max_bytes = caps.video_policy.max_bytes;
    auto got = input::FetchUrl(*v, p);
    if (!got.ok()) return got.status().WithContext(name);
    return got;
  }
  auto dec = input::DecodeBase64(*v, caps.video_policy.max_bytes);
  if (!dec.ok()) return dec.status().WithContext(name);
  return dec;
}

Result<json> RegisterVideo(const Capabilities& caps, const Request& r, WorkerContext& ctx) {
  EKYC_RETURN_IF_ERROR(Face(ctx, caps).status());
  EKYC_RETURN_IF_ERROR(Store(caps).status());
  EKYC_ASSIGN_OR_RETURN(live::LivenessChecker * checker, Live(ctx, caps));
  // Optional challenge-response (docs/liveness.md): the actions the relying party prompted for.
  std::vector<live::ChallengeAction> challenge;
  if (const std::string* ch = FindAny(r, {"challenge"}); ch != nullptr && !ch->empty()) {
    EKYC_ASSIGN_OR_RETURN(challenge, live::ParseChallenge(*ch));
  }
  // The video is decoded first so a bad upload fails before the (slow) card reading.
  input::VideoClip clip;
  {
    EKYC_ASSIGN_OR_RETURN(std::string bytes, VideoBytes(caps, r));
    StageTimer t(ctx, "decode");
    auto decoded = input::DecodeVideo(bytes, caps.video_policy);
    if (!decoded.ok()) return decoded.status().WithContext("video");
    clip = std::move(*decoded);
  }
  EKYC_ASSIGN_OR_RETURN(Common c, ReadCard(caps, r, ctx));
  live::VideoLiveness v;
  {
    StageTimer t(ctx, "live");
    const double fps = clip.duration_s > 0 ? clip.frames.size() / clip.duration_s : clip.fps;
    auto res = checker->CheckVideo(clip.frames, fps, challenge);
    if (!res.ok()) {
      if (res.status().reason() == "live.no_face") {
        return Status(StatusCode::kInvalidArgument, "face.no_face_on_capture",
                      res.status().message());
      }
      return res.status().WithContext("video");
    }
    v = std::move(*res);
  }
  json detail = live::ToJson(v);
  detail["mode"] = "video";
  if (!v.live || v.best_frame.empty()) {
    Status decision = v.DecisionStatus();
    if (decision.ok())
      decision = Status(StatusCode::kPermissionDenied, "live.spoof_detected", "no usable frame");
    // E460 (evidence of an attack) or E461 (not enough evidence: record again), as in the envelope.
    const ErrorInfo outcome = MapStatus(decision);
    json block = {{"is_matched",
                   {{"value", "False"},
                    {"similarity", 0.0},
                    {"confidence", Round4(1.0 - v.score)},
                    {"liveness", "False"}}},
                  {"error",
                   {{"value", outcome.message},
                    {"confidence", Round4(1.0 - v.score)},
                    {"code", outcome.code}}},
                  {"liveness_detail", detail}};
    c.output.push_back(block);
    c.output.push_back(nullptr);
    c.output.push_back(nullptr);
    return OutputWithOutcome(c.output, decision);
  }
  return MatchAndRegister(caps, r, ctx, c, CardImage(c.front, c.front_bgr), v.best_frame, true,
                          {{"liveness_detail", detail}});
}

}  // namespace

void InstallEkycRoutes(RouteTable& routes, std::shared_ptr<const Capabilities> caps) {
  routes.Set("register_ekyc_front_back_face",
             [caps](const Request& r, WorkerContext& ctx) { return RegisterPhoto(*caps, r, ctx); });
  routes.Set("register_ekyc_front_back_face_video",
             [caps](const Request& r, WorkerContext& ctx) { return RegisterVideo(*caps, r, ctx); });
}

}  // namespace ekyc::api
