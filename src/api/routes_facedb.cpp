// Face database routes: register_user_face, register_user_face_third_party, verify_user_face,
// search_face, get_all_face_of_user, delete_user_face (src/store behind them).
#include <opencv2/imgcodecs.hpp>

#include "api/routes_common.h"

namespace ekyc::api {
namespace {

using nlohmann::json;
using namespace routes;

constexpr int kMaxFaceFields = 10;  // image_face, image_face_1 .. image_face_10

const std::vector<std::string>& FingerPositions() {
  static const std::vector<std::string> kPositions = {
      "left_thumb",  "left_index",  "left_middle",  "left_ring",  "left_little",
      "right_thumb", "right_index", "right_middle", "right_ring", "right_little"};
  return kPositions;
}

std::string Base64(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(n >> s) & 63];
  }
  if (i < bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= uint8_t(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Face and fingerprint fields of a registration, analysed and encoded. Every input is checked
// before anything is written, so a bad image never leaves a half-registered user.
Result<store::RegisterRequest> ParseRegistration(const Capabilities& caps, const Request& r,
                                                 WorkerContext& ctx, face::FaceEngine& engine) {
  store::RegisterRequest req;
  EKYC_ASSIGN_OR_RETURN(req.user_id, IdField(r, "user_id"));
  EKYC_ASSIGN_OR_RETURN(req.collection, CollectionField(r));
  req.model_id = caps.face_model_id;
  std::vector<std::string> face_fields = {"image_face", "image_general"};
  for (int i = 1; i <= kMaxFaceFields; ++i)
    face_fields.push_back("image_face_" + std::to_string(i));
  for (const auto& name : face_fields) {
    if (!r.Has(name)) continue;
    EKYC_ASSIGN_OR_RETURN(input::Image img, ImageField(r, name, caps, ctx));
    StageTimer t(ctx, "face");
    auto a = AnalyzeSelfie(engine, img.bgr);
    if (!a.ok()) return a.status().WithContext(name);
    store::FaceInput fi;
    fi.embedding = a->embedding.values;
    fi.quality = a->face.score;
    fi.image = EncodeJpeg(img.bgr);
    fi.image_mime = "image/jpeg";
    req.faces.push_back(std::move(fi));
  }
  for (const auto& pos : FingerPositions()) {
    const std::string name = "finger_" + pos;
    if (!r.Has(name)) continue;
    EKYC_ASSIGN_OR_RETURN(input::Image img, ImageField(r, name, caps, ctx));
    std::vector<uchar> png;
    if (!cv::imencode(".png", img.bgr, png))
      return Internal("image.encode", "could not encode " + name);
    req.fingerprints.push_back({pos, std::string(png.begin(), png.end()), "image/png"});
  }
  if (req.faces.empty() && req.fingerprints.empty()) {
    return InvalidArgument("field.missing",
                           "give at least one face (image_face, image_general or image_face_1 "
                           ".. image_face_10) or fingerprint (finger_left_thumb .. "
                           "finger_right_little)");
  }
  return req;
}

Result<json> Register(const Capabilities& caps, const Request& r, WorkerContext& ctx,
                      bool replace) {
  EKYC_ASSIGN_OR_RETURN(face::FaceEngine * engine, Face(ctx, caps));
  EKYC_ASSIGN_OR_RETURN(store::FaceStore * db, Store(caps));
  EKYC_ASSIGN_OR_RETURN(store::RegisterRequest req, ParseRegistration(caps, r, ctx, *engine));
  // A result past its deadline is dropped by the server (504): do not register behind its back.
  EKYC_RETURN_IF_ERROR(CheckDeadline(r));
  store::DuplicateMatch dup;
  StageTimer t(ctx, "store");
  auto res =
      replace ? db->ReplaceUser(CallerOf(r), req, &dup) : db->Register(CallerOf(r), req, &dup);
  if (!res.ok()) {
    if (res.status().reason() == "store.duplicate_face") {
      // Which user already has this face is the point of duplicate detection (fraud checks); the
      // caller can search this collection anyway, so naming the user discloses nothing new.
      return OutputWithOutcome(json{{"user_id", req.user_id},
                                    {"registered", false},
                                    {"duplicate",
                                     {{"input_index", dup.input_index},
                                      {"similarity", Round4(dup.similarity)},
                                      {"user_id", dup.user_id},
                                      {"face_id", dup.face_id}}}},
                               res.status());
    }
    return res.status();
  }
  return json{{"user_id", res->user_id},
              {"collection", req.collection},
              {"registered", true},
              {"user_created", res->user_created},
              {"replaced", replace},
              {"face_ids", res->face_ids},
              {"fingerprint_ids", res->fingerprint_ids}};
}

// The probe face of verify/search: image_general (or image_face).
Result<face::FaceAnalysis> Probe(const Capabilities& caps, const Request& r, WorkerContext& ctx,
                                 face::FaceEngine& engine) {
  const std::string name =
      r.Has("image_general") || !r.Has("image_face") ? "image_general" : "image_face";
  EKYC_ASSIGN_OR_RETURN(input::Image img, ImageField(r, name, caps, ctx));
  StageTimer t(ctx, "face");
  return AnalyzeSelfie(engine, img.bgr);
}

Result<json> Verify(const Capabilities& caps, const Request& r, WorkerContext& ctx) {
  EKYC_ASSIGN_OR_RETURN(face::FaceEngine * engine, Face(ctx, caps));
  EKYC_ASSIGN_OR_RETURN(store::FaceStore * db, Store(caps));
  EKYC_ASSIGN_OR_RETURN(std::string user_id, IdField(r, "user_id"));
  EKYC_ASSIGN_OR_RETURN(std::string collection, CollectionField(r));
  EKYC_ASSIGN_OR_RETURN(double threshold, DoubleField(r, "threshold", 0.5, 0.0, 1.0));
  EKYC_ASSIGN_OR_RETURN(face::FaceAnalysis probe, Probe(caps, r, ctx, *engine));
  StageTimer t(ctx, "store");
  auto v = db->Verify(CallerOf(r), collection, user_id, probe.embedding.values);
  if (!v.ok()) return StoreOutcome(v.status());
  const bool matched = !v->per_face.empty() && v->best_similarity >= threshold;
  json faces = json::array();
  for (const auto& f : v->per_face)
    faces.push_back({{"face_id", f.face_id}, {"similarity", Round4(f.similarity)}});
  const double sim = v->best_similarity;
  json out = {{"user_id", user_id},
              {"is_matched",
               {{"value", matched ? "True" : "False"},
                {"similarity", Round4(sim)},
                {"confidence", Round4(matched ? sim : 1.0 - sim)},
                {"face_id", v->best_face_id}}},
              {"faces", faces}};
  if (v->per_face.empty()) {
    return OutputWithOutcome(out,
                             NotFound("face.id_not_found", "the user has no face to compare with"));
  }
  if (!matched) return OutputWithOutcome(out, CompareOutcome(4));
  return out;
}

Result<json> Search(const Capabilities& caps, const Request& r, WorkerContext& ctx) {
  EKYC_ASSIGN_OR_RETURN(face::FaceEngine * engine, Face(ctx, caps));
  EKYC_ASSIGN_OR_RETURN(store::FaceStore * db, Store(caps));
  EKYC_ASSIGN_OR_RETURN(std::string collection, CollectionField(r));
  EKYC_ASSIGN_OR_RETURN(double threshold, DoubleField(r, "threshold", 0.5, 0.0, 1.0));
  EKYC_ASSIGN_OR_RETURN(int top_k, IntField(r, "top_k", 5, 1, 100));
  EKYC_ASSIGN_OR_RETURN(face::FaceAnalysis probe, Probe(caps, r, ctx, *engine));
  StageTimer t(ctx, "store");
  EKYC_ASSIGN_OR_RETURN(
      store::SearchResult res,
      db->Search(CallerOf(r), collection, probe.embedding.values, top_k, threshold));
  json matches = json::array();
  for (const auto& m : res.matches) {
    matches.push_back(
        {{"user_id", m.user_id}, {"face_id", m.face_id}, {"similarity", Round4(m.similarity)}});
  }
  json out = {{"matches", matches},
              {"no_match", res.no_match()},
              {"threshold", threshold},
              {"top_k", top_k}};
  // An explicit "nobody": the vendor's Matching fail (code 4) with an empty list.
  if (res.no_match()) return OutputWithOutcome(out, CompareOutcome(4));
  return out;
}

Result<json> GetAll(const Capabilities& caps, const Request& r, WorkerContext& ctx) {
  EKYC_ASSIGN_OR_RETURN(store::FaceStore * db, Store(caps));
  EKYC_ASSIGN_OR_RETURN(std::string user_id, IdField(r, "user_id"));
  EKYC_ASSIGN_OR_RETURN(std::string collection, CollectionField(r));
  EKYC_ASSIGN_OR_RETURN(bool with_images, BoolField(r, "include_images", false));
  StageTimer t(ctx, "store");
  auto u = db->GetUser(CallerOf(r), collection, user_id, with_images);
  if (!u.ok()) return StoreOutcome(u.status());
  json faces = json::array();
  for (const auto& f : u->faces) {
    json j = {{"face_id", f.face_id},       {"quality", Round4(f.quality)},
              {"created_at", f.created_at}, {"updated_at", f.updated_at},
              {"has_image", f.has_image},   {"models", f.model_ids}};
    if (f.image) j["image"] = {{"mime", f.image_mime}, {"base64", Base64(*f.image)}};
    faces.push_back(std::move(j));
  }
  json fingers = json::array();
  for (const auto& f : u->fingerprints) {
    json j = {{"fingerprint_id", f.fingerprint_id},
              {"finger_position", f.finger_position},
              {"created_at", f.created_at}};
    if (f.image) j["image"] = {{"mime", f.image_mime}, {"base64", Base64(*f.image)}};
    fingers.push_back(std::move(j));
  }
  return json{{"user_id", u->user_id},
              {"collection", u->collection},
              {"created_at", u->created_at},
              {"updated_at", u->updated_at},
              {"faces", faces},
              {"fingerprints", fingers}};
}

Result<json> Delete(const Capabilities& caps, const Request& r, WorkerContext& ctx) {
  EKYC_ASSIGN_OR_RETURN(store::FaceStore * db, Store(caps));
  EKYC_ASSIGN_OR_RETURN(std::string user_id, IdField(r, "user_id"));
  EKYC_ASSIGN_OR_RETURN(std::string collection, CollectionField(r));
  EKYC_ASSIGN_OR_RETURN(std::string face_id, OptionalIdField(r, "face_id", ""));
  EKYC_ASSIGN_OR_RETURN(std::string finger_id, OptionalIdField(r, "fingerprint_id", ""));
  if (face_id.empty() && finger_id.empty()) {
    return InvalidArgument(
        "field.missing",
        "face_id is required (a face id, or \"all\" to delete the user with every "
        "face and fingerprint); or fingerprint_id");
  }
  EKYC_RETURN_IF_ERROR(CheckDeadline(r));
  StageTimer t(ctx, "store");
  json out = {{"user_id", user_id}};
  if (face_id == "all") {
    EKYC_RETURN_IF_ERROR(StoreOutcome(db->DeleteUser(CallerOf(r), collection, user_id)));
    out["deleted"] = "all";
    return out;
  }
  json deleted = json::array();
  if (!face_id.empty()) {
    EKYC_RETURN_IF_ERROR(StoreOutcome(db->DeleteFace(CallerOf(r), collection, user_id, face_id)));
    deleted.push_back({{"face_id", face_id}});
  }
  if (!finger_id.empty()) {
    EKYC_RETURN_IF_ERROR(
        StoreOutcome(db->DeleteFingerprint(CallerOf(r), collection, user_id, finger_id)));
    deleted.push_back({{"fingerprint_id", finger_id}});
  }
  out["deleted"] = deleted;
  return out;
}

}  // namespace

void InstallFaceDbRoutes(RouteTable& routes, std::shared_ptr<const Capabilities> caps) {
  routes.Set("register_user_face", [caps](const Request& r, WorkerContext& ctx) {
    return Register(*caps, r, ctx, false);
  });
  routes.Set("register_user_face_third_party", [caps](const Request& r, WorkerContext& ctx) {
    return Register(*caps, r, ctx, true);
  });
  routes.Set("verify_user_face",
             [caps](const Request& r, WorkerContext& ctx) { return Verify(*caps, r, ctx); });
  routes.Set("search_face",
             [caps](const Request& r, WorkerContext& ctx) { return Search(*caps, r, ctx); });
  routes.Set("get_all_face_of_user",
             [caps](const Request& r, WorkerContext& ctx) { return GetAll(*caps, r, ctx); });
  routes.Set("delete_user_face",
             [caps](const Request& r, WorkerContext& ctx) { return Delete(*caps, r, ctx); });
}

}  // namespace ekyc::api
