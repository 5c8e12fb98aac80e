// Chip (NFC) data routes, a project extension (docs/chip.md):
//   chip_challenge  a nonce for the card's active authentication (single use, bounded lifetime);
//   chip_verify     passive (and, with a signed nonce, active) authentication of the data groups a
//                   phone read, the DG13/DG1 fields in the shape of predict's, the selfie (photo or
//                   video, liveness as usual) matched against the DG2 portrait, and card images,
//                   when given, cross-checked field by field against the chip;
// and chip data on the eKYC registration routes: register_ekyc_front_back_face(_video) with `sod`
// and the data groups register from the verified chip, in place of or beside the card images,
// and mark the customer so in the store and its audit log.
#include <openssl/evp.h>

#include <ctime>
#include <filesystem>

#include "api/errors.h"
#include "api/routes_common.h"
#include "chip/chip.h"

namespace ekyc::api {

struct ChipCapabilities {
  std::unique_ptr<chip::TrustAnchors> anchors;  // null when the trust store could not be loaded
  std::string error;
  chip::ChallengeStore challenges;
};

namespace {

using nlohmann::json;
using namespace routes;

// The business outcome of chip data that did not verify (E470, docs/errors.md).
constexpr const char* kReasonNotVerified = "chip.not_verified";

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

std::string Hex(std::string_view bytes) {
  static const char* k = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += k[c >> 4];
    out += k[c & 15];
  }
  return out;
}

bool HasChipData(const Request& r) {
  return r.Has("sod");
}

Result<chip::TrustAnchors*> Anchors(const ChipCapabilities& chip) {
  if (!chip.anchors) return NotAvailable("chip data verification", chip.error);
  return chip.anchors.get();
}

// A file field: raw bytes when uploaded as a file, else base64 text. Sizes are bounded per data
// group before decoding.
Result<std::string> FileField(const Request& r, const std::string& name, int dg, bool required) {
  const std::string* v = r.Find(name);
  if (v == nullptr || v->empty()) {
    if (required) return InvalidArgument("field.missing", name + " is required (chip data)");
    return std::string();
  }
  const auto max = static_cast<int64_t>(chip::MaxBytesFor(dg));
  if (r.files.count(name) != 0) {
    if (static_cast<int64_t>(v->size()) > max)
      return ResourceExhausted("chip.field_too_large",
                               name + " is larger than " + std::to_string(max) + " bytes");
    return *v;
  }
  auto d = input::DecodeBase64(*v, max);
  if (!d.ok()) {
    if (d.status().reason() == "image.too_large")
      return ResourceExhausted("chip.field_too_large",
                               name + " is larger than " + std::to_string(max) + " bytes");
    return InvalidArgument("field.invalid", name + " is not base64 (or an uploaded file)");
  }
  return d;
}

Result<chip::ChipData> ChipFields(const Request& r) {
  chip::ChipData d;
  EKYC_ASSIGN_OR_RETURN(d.sod, FileField(r, "sod", 100, true));
  EKYC_ASSIGN_OR_RETURN(d.com, FileField(r, "com", 0, false));
  for (int dg = 1; dg <= 16; ++dg) {
    const bool required = dg == 1 || dg == 2 || dg == 13;
    EKYC_ASSIGN_OR_RETURN(std::string bytes, FileField(r, "dg" + std::to_string(dg), dg, required));
    if (!bytes.empty()) d.dgs[dg] = std::move(bytes);
  }
  return d;
}

struct ChipRun {
  chip::ChipReport report;
  doc::DocResult fields;  // the chip's fields in the card reader's shape
  json fields_json;
  json report_json;
};

// Verifies the chip data of the request (with active authentication when a challenge answer is
// there) and builds the predict-shaped fields.
Result<ChipRun> RunChip(const Capabilities& caps, ChipCapabilities& chipcaps, const Request& r,
                        WorkerContext& ctx) {
  EKYC_ASSIGN_OR_RETURN(chip::TrustAnchors * anchors, Anchors(chipcaps));
  EKYC_ASSIGN_OR_RETURN(chip::ChipData data, ChipFields(r));
  const std::string* aa_id = r.Find("aa_challenge_id");
  const std::string* aa_sig = r.Find("aa_signature");
  if ((aa_id == nullptr) != (aa_sig == nullptr))
    return InvalidArgument("field.missing", "aa_challenge_id and aa_signature go together");
  chip::VerifyOptions options;
  std::optional<Status> challenge_problem;
  if (aa_id != nullptr) {
    EKYC_ASSIGN_OR_RETURN(std::string signature, FileField(r, "aa_signature", 15, true));
    auto challenge = chipcaps.challenges.Take(*aa_id, r.api_key_name);
    if (challenge.ok()) {
      options.active_auth = chip::ActiveAuthInput{*challenge, signature};
    } else {
      challenge_problem = challenge.status();
    }
  }
  ChipRun run;
  {
    StageTimer t(ctx, "chip");
    run.report = chip::VerifyChip(data, *anchors->Current(), options);
  }
  if (challenge_problem) {
    // A signature over a nonce this server did not issue to this client (or already spent) is
    // what a replayed or cloned data set sends: active authentication failed.
    for (auto& c : run.report.checks) {
      if (c.name != "active_authentication") continue;
      c.outcome = chip::CheckOutcome::kFailed;
      c.reason = "chip.aa_challenge_unknown";
      c.detail = challenge_problem->message();
    }
    run.report.verified = false;
  }
  run.fields = chip::ChipDocResult(run.report);
  run.fields_json = SideJson(run.fields, caps);
  run.fields_json.erase("card");
  run.fields_json.erase("liveness");  // printed-card liveness does not apply to chip data
  run.fields_json["source"] = "chip";
  run.report_json = run.report.ToJson();
  auto trust = anchors->Current();
  run.report_json["trust_store"] = {{"anchors", trust->anchors()},
                                    {"crls", trust->crls().size()},
                                    {"reload_error", anchors->last_error()}};
  return run;
}

// The selfie: a photo (passive liveness, reported) or a video (liveness enforced, best frame).
struct Selfie {
  bool given = false;
  double live_score = 0;
  cv::Mat bgr;
  std::optional<bool> live;
  json liveness_detail;
  Status liveness_outcome;  // live.spoof_detected for a video judged not live
};

Result<std::string> VideoBytes(const Capabilities& caps, const Request& r,
                               const std::string& name) {
  const std::string* v = r.Find(name);
  if (r.files.count(name) != 0) return *v;
  auto dec = input::DecodeBase64(*v, caps.video_policy.max_bytes);
  if (!dec.ok()) return dec.status().WithContext(name);
  return dec;
}

Result<Selfie> ReadSelfie(const Capabilities& caps, const Request& r, WorkerContext& ctx,
                          bool video_route) {
  Selfie s;
  std::string video_name;
  const std::string* video = FindAny(r, {"video_general", "video"}, &video_name);
  if (video != nullptr && !video->empty()) {
    EKYC_ASSIGN_OR_RETURN(live::LivenessChecker * checker, Live(ctx, caps));
    std::vector<live::ChallengeAction> challenge;
    if (const std::string* ch = r.Find("challenge"); ch != nullptr && !ch->empty()) {
      EKYC_ASSIGN_OR_RETURN(challenge, live::ParseChallenge(*ch));
    }
    EKYC_ASSIGN_OR_RETURN(std::string bytes, VideoBytes(caps, r, video_name));
    input::VideoClip clip;
    {
      StageTimer t(ctx, "decode");
      auto decoded = input::DecodeVideo(bytes, caps.video_policy);
      if (!decoded.ok()) return decoded.status().WithContext("video");
      clip = std::move(*decoded);
    }
    StageTimer t(ctx, "live");
    const double fps = clip.duration_s > 0 ? clip.frames.size() / clip.duration_s : clip.fps;
    auto res = checker->CheckVideo(clip.frames, fps, challenge);
    if (!res.ok()) {
      if (res.status().reason() == "live.no_face")
        return Status(StatusCode::kInvalidArgument, "face.no_face_on_capture",
                      res.status().message());
      return res.status().WithContext("video");
    }
    s.given = true;
    s.live = res->live;
    s.live_score = res->score;
    s.liveness_detail = live::ToJson(*res);
    s.liveness_detail["mode"] = "video";
    s.bgr = res->best_frame;
    if (!res->live || res->best_frame.empty()) {
      s.liveness_outcome = res->DecisionStatus();
      if (s.liveness_outcome.ok())
        s.liveness_outcome =
            Status(StatusCode::kPermissionDenied, "live.spoof_detected", "no usable frame");
    }
    return s;
  }
  if (video_route) return InvalidArgument("field.missing", "video_general (or video) is required");
  if (!r.Has("image_general")) return s;
  EKYC_ASSIGN_OR_RETURN(input::Image img, ImageField(r, "image_general", caps, ctx));
  s.given = true;
  s.bgr = img.bgr;
  s.liveness_detail = {{"mode", "passive"}, {"checked", false}};
  // Passive photo liveness is reported, not enforced, as on the other photo routes.
  if (auto checker = Live(ctx, caps); checker.ok()) {
    StageTimer t(ctx, "live");
    if (auto p = (*checker)->CheckPhoto(img.bgr); p.ok()) {
      s.live = p->live;
      s.liveness_detail = live::ToJson(*p);
      s.liveness_detail["mode"] = "passive";
    }
  }
  return s;
}

struct Match {
  json block;
  Status outcome;  // the vendor's 0/1/2/4, or the liveness outcome
  std::optional<face::CompareResult> cmp;
};

// The selfie against the DG2 portrait with FaceEngine::Compare (the card path's detector,
// alignment and embedding), its cosine mapped for portrait-vs-selfie pairs.
Result<Match> MatchPortrait(const Capabilities& caps, WorkerContext& ctx, const ChipRun& run,
                            const Selfie& selfie, double threshold) {
  Match m;
  if (!selfie.liveness_outcome.ok()) {
    const double confidence = Round4(1.0 - selfie.live_score);
    m.block = {{"is_matched",
                {{"value", "False"},
                 {"similarity", 0.0},
                 {"confidence", confidence},
                 {"liveness", "False"}}},
               {"error",
                {{"value", "Liveness check failed"}, {"confidence", confidence}, {"code", "E460"}}},
               {"liveness_detail", selfie.liveness_detail}};
    m.outcome = selfie.liveness_outcome;
    return m;
  }
  EKYC_ASSIGN_OR_RETURN(face::FaceEngine * engine, Face(ctx, caps));
  face::CompareResult cmp;
  {
    StageTimer t(ctx, "face");
    EKYC_ASSIGN_OR_RETURN(cmp, engine->Compare(run.report.portrait, selfie.bgr, threshold));
  }
  // The DG2 portrait is the issuer's digital photo, not a phone photo of a printed portrait: the
  // similarity is mapped with the selfie-vs-selfie calibration, which keeps the false-match rate
  // nearer its target for such pairs than the printed-card map does (docs/chip.md, "Selfie against
  // the chip portrait", measured on DG2-like portraits).
  if (cmp.error_code == -1 || cmp.error_code == 4) {
    cmp.similarity = engine->calibration().Map(cmp.cosine);
    cmp.matched = cmp.similarity >= threshold;
    cmp.confidence = cmp.matched ? cmp.similarity : 1.0 - cmp.similarity;
    cmp.error_code = cmp.matched ? -1 : 4;
    cmp.error_message = cmp.matched ? "" : "Matching fail";
  }
  m.block = cmp.MatchBlock(selfie.live);
  if (!selfie.live) m.block["is_matched"]["liveness"] = "N/A";
  m.block["liveness_detail"] = selfie.liveness_detail;
  m.block["face_source"] = "chip_dg2";
  m.outcome = CompareOutcome(cmp.error_code);
  m.cmp = std::move(cmp);
  return m;
}

// Card images beside the chip: each side read as predict reads it, then every printed field
// compared with the chip's.
Result<json> ReadCardSides(const Capabilities& caps, const Request& r, WorkerContext& ctx,
                           const ChipRun& run, bool check_rotate, bool* given) {
  *given = false;
  std::vector<doc::DocResult> sides;
  json sides_json = json::array();
  for (const char* name : {"image_card1", "image_card2"}) {
    if (!r.Has(name)) continue;
    EKYC_ASSIGN_OR_RETURN(input::Image img, ImageField(r, name, caps, ctx));
    auto side = ReadSide(ctx, caps, img.bgr, check_rotate);
    if (!side.ok()) return side.status().WithContext(name);
    sides_json.push_back(SideJson(*side, caps));
    sides.push_back(std::move(*side));
  }
  if (sides.empty()) return json(nullptr);
  *given = true;
  chip::CardCrossCheck check = chip::CrossCheckCard(run.fields, sides, caps.normalizer.get());
  return json{{"sides", sides_json}, {"crosscheck", check.ToJson()}};
}

Status NotVerified(const ChipRun& run) {
  std::string why;
  for (const auto& reason : run.report.FailureReasons()) why += (why.empty() ? "" : ", ") + reason;
  return Status(
      StatusCode::kInvalidArgument, kReasonNotVerified,
      "the chip data were not verified: " + (why.empty() ? std::string("incomplete") : why));
}

Result<json> ChipChallenge(ChipCapabilities& chipcaps, const Request& r) {
  EKYC_RETURN_IF_ERROR(Anchors(chipcaps).status());
  EKYC_ASSIGN_OR_RETURN(chip::ChallengeStore::Issued c, chipcaps.challenges.Issue(r.api_key_name));
  return json{{"challenge_id", c.id},
              {"challenge", Base64(c.challenge)},
              {"challenge_hex", Hex(c.challenge)},
              {"expires_at", c.expires_at},
              {"expires_in_s", c.expires_at - static_cast<int64_t>(std::time(nullptr))}};
}

Result<json> ChipVerify(const Capabilities& caps, ChipCapabilities& chipcaps, const Request& r,
                        WorkerContext& ctx) {
  EKYC_ASSIGN_OR_RETURN(double threshold, DoubleField(r, "threshold", 0.5, 0.0, 1.0));
  EKYC_ASSIGN_OR_RETURN(bool check_rotate, BoolField(r, "check_rotate", true));
  EKYC_ASSIGN_OR_RETURN(ChipRun run, RunChip(caps, chipcaps, r, ctx));
  json out = {{"fields", run.fields_json},
              {"chip", run.report_json},
              {"match", nullptr},
              {"card", nullptr}};
  if (!run.report.verified) {
    // Nothing else is worth computing on data that may be forged.
    return OutputWithOutcome(out, NotVerified(run));
  }
  bool card_given = false;
  EKYC_ASSIGN_OR_RETURN(out["card"], ReadCardSides(caps, r, ctx, run, check_rotate, &card_given));
  EKYC_ASSIGN_OR_RETURN(Selfie selfie, ReadSelfie(caps, r, ctx, false));
  if (!selfie.given) return out;
  EKYC_ASSIGN_OR_RETURN(Match m, MatchPortrait(caps, ctx, run, selfie, threshold));
  out["match"] = m.block;
  return m.outcome.ok() ? out : OutputWithOutcome(out, m.outcome);
}

// register_ekyc_front_back_face(_video) with chip data: output [chip fields, card or null, match
// block with `chip` and `registration`, null, null].
Result<json> ChipRegister(const Capabilities& caps, ChipCapabilities& chipcaps, const Request& r,
                          WorkerContext& ctx, bool video_route) {
  EKYC_RETURN_IF_ERROR(Face(ctx, caps).status());
  EKYC_ASSIGN_OR_RETURN(store::FaceStore * db, Store(caps));
  EKYC_ASSIGN_OR_RETURN(std::string user_id, IdField(r, "user_id"));
  EKYC_ASSIGN_OR_RETURN(double threshold, DoubleField(r, "threshold", 0.5, 0.0, 1.0));
  EKYC_ASSIGN_OR_RETURN(bool check_rotate, BoolField(r, "check_rotate", true));
  if (!video_route && !r.Has("image_general"))
    return InvalidArgument("field.missing", "image_general is required");
  EKYC_ASSIGN_OR_RETURN(ChipRun run, RunChip(caps, chipcaps, r, ctx));
  json output = json::array({run.fields_json, nullptr, json::object(), nullptr, nullptr});
  if (!run.report.verified) {
    output[2] = {{"chip", run.report_json}, {"registration", {{"registered", false}}}};
    return OutputWithOutcome(output, NotVerified(run));
  }
  bool card_given = false;
  EKYC_ASSIGN_OR_RETURN(output[1], ReadCardSides(caps, r, ctx, run, check_rotate, &card_given));
  EKYC_ASSIGN_OR_RETURN(Selfie selfie, ReadSelfie(caps, r, ctx, video_route));
  EKYC_ASSIGN_OR_RETURN(Match m, MatchPortrait(caps, ctx, run, selfie, threshold));
  json block = m.block;
  block["chip"] = run.report_json;
  if (!m.outcome.ok() || !m.cmp || !m.cmp->selfie) {
    block["registration"] = {{"registered", false}};
    output[2] = block;
    return OutputWithOutcome(output, m.outcome.ok() ? CompareOutcome(4) : m.outcome);
  }

  store::RegisterRequest req;
  req.user_id = user_id;
  req.model_id = caps.face_model_id;
  store::FaceInput fi;
  fi.embedding = m.cmp->selfie->embedding.values;
  fi.quality = m.cmp->selfie->face.score;
  fi.image = EncodeJpeg(selfie.bgr);
  fi.image_mime = "image/jpeg";
  req.faces.push_back(std::move(fi));
  // What the registration rests on, for the audit log (no personal data).
  const chip::Check* aa = run.report.Find("active_authentication");
  req.identity.source = card_given ? "chip+card_images" : "chip";
  req.identity.detail =
      "passive_authentication=passed; active_authentication=" +
      std::string(aa != nullptr ? chip::CheckOutcomeName(aa->outcome) : "not_checked") +
      "; ds_sha256=" +
      (run.report.sod && run.report.sod->signer ? run.report.sod->signer->sha256 : "") +
      "; csca_sha256=" + (run.report.csca ? run.report.csca->sha256 : "");
  if (card_given) {
    // The card images beside the chip: whether the printed card is this chip's card (its ID
    // number) and how many printed fields disagreed, so an audit can tell a card that matched
    // from one that did not.
    const json& x = output[1]["crosscheck"];
    req.identity.detail += std::string("; card_id_matches=") +
                           (x.value("id_matches", false) ? "true" : "false") +
                           "; card_fields_mismatched=" + std::to_string(x.value("mismatched", 0));
  }
  EKYC_RETURN_IF_ERROR(CheckDeadline(r));
  store::DuplicateMatch dup;
  StageTimer t(ctx, "store");
  auto reg = db->Register(CallerOf(r), req, &dup);
  if (!reg.ok()) {
    if (reg.status().reason() == "store.duplicate_face") {
      FillDuplicateRefusal(reg.status(), dup, &block);
      output[2] = block;
      return OutputWithOutcome(output, reg.status());
    }
    return reg.status();
  }
  block["registration"] = {{"registered", true},
                           {"user_id", reg->user_id},
                           {"user_created", reg->user_created},
                           {"face_ids", reg->face_ids},
                           {"identity_source", req.identity.source}};
  output[2] = block;
  return output;
}

}  // namespace

std::shared_ptr<ChipCapabilities> LoadChipCapabilities(const Config& config) {
  auto c = std::make_shared<ChipCapabilities>();
  auto anchors = chip::TrustAnchors::Open(config.csca_dir);
  if (anchors.ok()) {
    c->anchors = std::move(*anchors);
  } else {
    c->error =
        anchors.status().message() +
        "; create it with the issuing state's CSCA certificates (docs/chip.md, \"Trust store\")";
  }
  return c;
}

std::string ChipCapabilitiesError(const ChipCapabilities& chip) {
  return chip.error;
}

void InstallChipRoutes(RouteTable& routes, const std::shared_ptr<const Capabilities>& caps,
                       const std::shared_ptr<ChipCapabilities>& chip) {
  routes.Set("chip_challenge",
             [chip](const Request& r, WorkerContext&) { return ChipChallenge(*chip, r); });
  routes.Set("chip_verify", [caps, chip](const Request& r, WorkerContext& ctx) {
    return ChipVerify(*caps, *chip, r, ctx);
  });
  // The registration routes take chip data beside or in place of the card images; without `sod`
  // they answer exactly as before.
  for (const char* name :
       {"register_ekyc_front_back_face", "register_ekyc_front_back_face_video"}) {
    const Handler* base = routes.Find(name);
    Handler card_path = base != nullptr ? *base : Handler();
    const bool video = std::string(name).find("video") != std::string::npos;
    routes.Set(name,
               [caps, chip, card_path, video, name = std::string(name)](
                   const Request& r, WorkerContext& ctx) -> Result<json> {
                 if (HasChipData(r)) return ChipRegister(*caps, *chip, r, ctx, video);
                 if (!card_path)
                   return NotAvailable(name, "the route's card path is not installed");
                 return card_path(r, ctx);
               });
  }
}

}  // namespace ekyc::api
