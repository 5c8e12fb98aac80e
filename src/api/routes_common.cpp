#include "api/routes_common.h"

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <set>

#include "api/errors.h"
#include "cardlive/cardlive.h"

namespace ekyc::api {

void WorkerErrors::Set(const std::string& capability, const std::string& message) {
  std::lock_guard lock(mu_);
  errors_[capability] = message;
}

std::optional<std::string> WorkerErrors::Get(const std::string& capability) const {
  std::lock_guard lock(mu_);
  auto it = errors_.find(capability);
  if (it == errors_.end()) return std::nullopt;
  return it->second;
}

std::shared_ptr<Capabilities> LoadCapabilities(const Config& config, const CapabilityPaths& paths,
                                               const Logger* logger) {
  auto caps = std::make_shared<Capabilities>();
  caps->image_policy = input::InputPolicy::FromConfig(config);
  caps->card_liveness = config.card_liveness;
  caps->video_policy = input::VideoPolicy::FromConfig(config);

  auto models = infer::ModelSet::Load(config.model_dir);
  if (models.ok()) {
    caps->models = *models;
  } else {
    caps->models_error = models.status().message() + " (EKYC_MODEL_DIR)";
  }

  std::string embedder_error;
  if (auto fo = face::FaceEngineOptions::FromEnv(); fo.ok()) {
    caps->face_options = *fo;
  } else {
    embedder_error = fo.status().message() + " (EKYC_FACE_EMBEDDER)";
  }
  if (caps->models) caps->face_options.models = caps->models;
  std::error_code ec;
  // The calibration maps cosine to the similarity scale of every threshold (face and store).
  std::optional<face::Calibration> calibration;
  std::string calibration_error;
  if (auto cal = face::Calibration::Load(caps->face_options.calibration_path); cal.ok()) {
    calibration = *cal;
  } else {
    calibration_error =
        "the face similarity calibration could not be loaded: " + cal.status().message() +
        " (set EKYC_FACE_CALIBRATION)";
  }
  std::string missing_model;
  for (const auto& n : caps->face_options.networks) {
    if (!n.model.empty() && !(caps->models && caps->models->Has(n.model)))
      missing_model = "model '" + n.model + "' of network '" + n.name + "' (" +
                      (caps->models_error.empty() ? "not in the model set" : caps->models_error) +
                      ")";
    else if (n.model.empty() && !std::filesystem::exists(n.onnx_path, ec))
      missing_model = n.onnx_path + " (network '" + n.name + "')";
  }
  if (!embedder_error.empty()) {
    caps->face_error = embedder_error;
  } else if (!missing_model.empty()) {
    caps->face_error = "the face embedding model is missing: " + missing_model;
  } else if (!std::filesystem::exists(caps->face_options.shape_predictor_path, ec)) {
    caps->face_error =
        "the dlib landmark model is missing: " + caps->face_options.shape_predictor_path +
        " (install libdlib-data or set EKYC_DLIB_SHAPE_PREDICTOR)";
  } else if (!calibration) {
    caps->face_error = calibration_error;
  }

  caps->doc_options.lines = *doc::ParseTextEngine(config.doc_lines);  // validated by Config::Load
  caps->doc_options.page = *doc::ParseTextEngine(config.doc_page);
  caps->doc_options.mrz = *doc::ParseTextEngine(config.doc_mrz);
  caps->doc_options.date_lines = *doc::ParseTextEngine(config.doc_date_lines);
  caps->doc_options.models = caps->models;

  caps->live_options.model_dir = caps->models ? caps->models->dir() : "";
  caps->live_options.shape_predictor_path = caps->face_options.shape_predictor_path;
  caps->live_options.max_frames = caps->video_policy.max_frames;  // EKYC_VIDEO_FRAMES

  auto norm = vn::CreateAddressNormalizer(paths.vn_index);
  auto text = vn::TextTools::Create();
  if (!norm.ok()) {
    caps->vn_error = norm.status().message();
  } else if (!text.ok()) {
    caps->vn_error = text.status().message();
  } else {
    caps->normalizer = *norm;
    caps->text = std::shared_ptr<const vn::TextTools>(std::move(*text));
    caps->doc_options.places = caps->normalizer->shared_index();
  }

  store::StoreOptions so = store::OptionsFromConfig(config);
  // Stored vectors are tagged with (and searched by) the id of the embeddings the face engine
  // makes, so a pipeline change never mixes vectors; migrate with `ekyc store reembed`.
  so.active_model = face::FaceEngine::EmbeddingModelId(caps->face_options);
  caps->face_model_id = so.active_model;
  if (!calibration) {
    caps->store_error = "the face store needs the similarity calibration: " + calibration_error;
  } else {
    so.calibrate = [cal = *calibration](float cosine) { return cal.Map(cosine); };
    std::filesystem::create_directories(config.data_dir, ec);
    auto st = store::OpenFaceStore(so, logger);
    if (st.ok()) {
      caps->store = std::shared_ptr<store::FaceStore>(std::move(*st));
    } else {
      caps->store_error = st.status().message();
    }
  }
  return caps;
}

std::vector<ReadinessCheck> CapabilityChecks(std::shared_ptr<const Capabilities> caps) {
  std::vector<ReadinessCheck> checks;
  checks.push_back({"models_loaded", [caps]() -> Status {
                      if (!caps->face_error.empty())
                        return FailedPrecondition("models.missing", caps->face_error);
                      for (const char* c : {"face", "doc", "live"}) {
                        if (auto e = caps->worker_errors.Get(c))
                          return FailedPrecondition("models.missing", std::string(c) + ": " + *e);
                      }
                      return Status::Ok();
                    }});
  checks.push_back({"storage_open", [caps]() -> Status {
                      if (!caps->store)
                        return FailedPrecondition("store.closed", caps->store_error);
                      return Status::Ok();
                    }});
  checks.push_back({"vn_index_loaded", [caps]() -> Status {
                      if (!caps->normalizer)
                        return FailedPrecondition("vn.index_missing", caps->vn_error);
                      return Status::Ok();
                    }});
  return checks;
}

WorkerInit CapabilityWorkerInit(std::shared_ptr<const Capabilities> caps) {
  return [caps](WorkerContext& ctx) -> Status {
    if (caps->face_error.empty()) {
      auto e = face::FaceEngine::Create(caps->face_options);
      if (e.ok())
        ctx.Emplace<std::unique_ptr<face::FaceEngine>>(std::move(*e));
      else
        caps->worker_errors.Set("face", e.status().message());
    }
    auto d = doc::DocReader::Create(caps->doc_options);
    if (d.ok())
      ctx.Emplace<std::unique_ptr<doc::DocReader>>(std::move(*d));
    else
      caps->worker_errors.Set("doc", d.status().message());
    auto l = live::LivenessChecker::Create(caps->live_options);
    if (l.ok())
      ctx.Emplace<std::unique_ptr<live::LivenessChecker>>(std::move(*l));
    else
      caps->worker_errors.Set("live", l.status().message());
    return Status::Ok();
  };
}

void InstallVendorRoutes(RouteTable& routes, std::shared_ptr<const Capabilities> caps) {
  InstallEkycRoutes(routes, caps);
  InstallFaceDbRoutes(routes, caps);
  InstallMatchRoutes(routes, caps);
  InstallPredictRoutes(routes, caps);
}

namespace routes {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct Today {
  vn::Date date;
  int yy = 0;
};

// A limit as people write it: 0, 1, 0.5 (std::to_string gives 0.000000).
std::string ShortNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

Today Now() {
  using namespace std::chrono;
  year_month_day ymd{floor<days>(system_clock::now())};
  Today t;
  t.date.year = static_cast<int>(ymd.year());
  t.date.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  t.date.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  t.yy = t.date.year % 100;
  return t;
}

vn::CardKind KindOf(doc::DocType t) {
  switch (t) {
    case doc::DocType::kCmnd9:
    case doc::DocType::kCmnd12:
      return vn::CardKind::kCmnd;
    case doc::DocType::kCccd2016:
    case doc::DocType::kCccdChip:
      return vn::CardKind::kCccd;
    case doc::DocType::kCanCuoc:
      return vn::CardKind::kCanCuoc;
    default:
      return vn::CardKind::kUnknown;
  }
}

}  // namespace

const std::string* FindAny(const Request& r, const std::vector<std::string>& names,
                           std::string* found) {
  for (const auto& n : names) {
    if (const std::string* v = r.Find(n)) {
      if (found) *found = n;
      return v;
    }
  }
  return nullptr;
}

Result<input::Image> ImageField(const Request& r, const std::string& name, const Capabilities& caps,
                                WorkerContext& ctx) {
  const std::string* v = r.Find(name);
  if (v == nullptr) return InvalidArgument("field.missing", name + " is required");
  StageTimer t(ctx, "decode");
  auto img = input::LoadImage(*v, caps.image_policy);
  if (!img.ok()) {
    // An uploaded file is named as such: "image_card1 (uploaded file): The data is text, ...".
    return img.status().WithContext(r.files.count(name) != 0 ? name + " (uploaded file)" : name);
  }
  return img;
}

Result<bool> BoolField(const Request& r, const std::string& name, bool fallback) {
  const std::string* v = r.Find(name);
  if (v == nullptr || v->empty()) return fallback;
  const std::string s = Lower(*v);
  if (s == "true" || s == "1" || s == "yes") return true;
  if (s == "false" || s == "0" || s == "no") return false;
  return InvalidArgument("field.invalid",
                         name + " must be a boolean: true or false (1/0 and yes/no also work)");
}

Result<double> DoubleField(const Request& r, const std::string& name, double fallback, double min,
                           double max) {
  const std::string* v = r.Find(name);
  if (v == nullptr || v->empty()) return fallback;
  char* end = nullptr;
  double d = std::strtod(v->c_str(), &end);
  if (end == v->c_str() || *end != '\0' || !std::isfinite(d) || d < min || d > max) {
    return InvalidArgument("field.invalid", name + " must be a number from " + ShortNumber(min) +
                                                " to " + ShortNumber(max));
  }
  return d;
}

Result<int> IntField(const Request& r, const std::string& name, int fallback, int min, int max) {
  const std::string* v = r.Find(name);
  if (v == nullptr || v->empty()) return fallback;
  char* end = nullptr;
  long n = std::strtol(v->c_str(), &end, 10);
  if (end == v->c_str() || *end != '\0' || n < min || n > max) {
    return InvalidArgument("field.invalid", name + " must be an integer from " +
                                                std::to_string(min) + " to " + std::to_string(max));
  }
  return static_cast<int>(n);
}

Result<std::string> OptionalIdField(const Request& r, const std::string& name,
                                    const std::string& fallback) {
  const std::string* v = r.Find(name);
  if (v == nullptr || v->empty()) return fallback;
  if (v->size() > 128)
    return InvalidArgument("field.invalid", name + " is longer than 128 characters");
  for (char c : *v) {
    if (c < 0x21 || c > 0x7e)
      return InvalidArgument("field.invalid", name + " must be printable ASCII without spaces");
  }
  return *v;
}

Result<std::string> IdField(const Request& r, const std::string& name) {
  const std::string* v = r.Find(name);
  if (v == nullptr || v->empty()) return InvalidArgument("field.missing", name + " is required");
  return OptionalIdField(r, name, "");
}

Result<std::string> CollectionField(const Request& r) {
  if (r.Has("collection")) return OptionalIdField(r, "collection", store::kDefaultCollection);
  return OptionalIdField(r, "database_name", store::kDefaultCollection);
}

Status NotAvailable(const std::string& what, const std::string& why) {
  return Status(StatusCode::kUnsupported, kReasonNotAvailable,
                what + " is not available on this server: " + why);
}

Result<face::FaceEngine*> Face(WorkerContext& ctx, const Capabilities& caps) {
  if (!caps.face_error.empty()) return NotAvailable("face matching", caps.face_error);
  auto* p = ctx.Find<std::unique_ptr<face::FaceEngine>>();
  if (p == nullptr || !*p)
    return NotAvailable("face matching", caps.worker_errors.Get("face").value_or("not loaded"));
  return p->get();
}

Result<doc::DocReader*> Doc(WorkerContext& ctx, const Capabilities& caps) {
  if (!caps.normalizer) return NotAvailable("card reading", "vn index: " + caps.vn_error);
  auto* p = ctx.Find<std::unique_ptr<doc::DocReader>>();
  if (p == nullptr || !*p)
    return NotAvailable("card reading", caps.worker_errors.Get("doc").value_or("not loaded"));
  return p->get();
}

Result<live::LivenessChecker*> Live(WorkerContext& ctx, const Capabilities& caps) {
  auto* p = ctx.Find<std::unique_ptr<live::LivenessChecker>>();
  if (p == nullptr || !*p)
    return NotAvailable("liveness", caps.worker_errors.Get("live").value_or("not loaded"));
  return p->get();
}

Result<store::FaceStore*> Store(const Capabilities& caps) {
  if (!caps.store) return NotAvailable("the face database", caps.store_error);
  return caps.store.get();
}

Result<doc::DocResult> ReadSide(WorkerContext& ctx, const Capabilities& caps, const cv::Mat& image,
                                bool check_rotate) {
  EKYC_ASSIGN_OR_RETURN(doc::DocReader * reader, Doc(ctx, caps));
  StageTimer t(ctx, "doc");
  return reader->Read(image, check_rotate);
}

namespace {

// The vendor returns every text value in upper case ("NỮ", "XUÂN LA, TÂY HỒ, HÀ NỘI"), whatever
// the card prints ("Nữ", "Xuân La, Tây Hồ, Hà Nội"). Text fields follow it; the printed form stays
// in `value_printed` when it differs (mixed-case addresses read better on screen). Numbers and
// dates are not text: ID numbers and "Không thời hạn" (no expiry) keep their printed form.
void UpperCaseTextValues(const doc::DocResult& side, nlohmann::json& j) {
  static const std::set<std::string> kNotText = {"id", "so_dinh_danh", "ngay_sinh", "ngay_cap",
                                                 "ngay_het_han"};
  for (const auto& [name, f] : side.fields) {
    if (!f.present() || kNotText.count(name) != 0 || !j.contains(name)) continue;
    const std::string upper = vn::TextTools::Upper(f.value);
    if (upper == f.value) continue;
    nlohmann::json& out = j[name];
    out["value_printed"] = f.value;
    out["value"] = upper;
    if (out.contains("value_unidecode") && out["value_unidecode"].is_string()) {
      std::string ascii = out["value_unidecode"].get<std::string>();
      for (char& c : ascii) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out["value_unidecode"] = ascii;
    }
  }
}

}  // namespace

nlohmann::json CardLivenessJson(const doc::DocResult& side, const Capabilities& caps) {
  // Switched off, the vendor's answer: "True" without a check (the vendor does not check cards).
  if (!caps.card_liveness) return {{"liveness", "True"}, {"checked", false}};
  if (side.card.empty()) return {{"liveness", "N/A"}, {"checked", false}};
  cardlive::CardLivenessInput in;
  in.card = side.card;
  in.class_code = doc::ClassOf(side.type, side.side).code;
  if (side.card_located && side.corners.size() == 4)
    in.source_width_px = cv::norm(side.corners[1] - side.corners[0]);
  const cardlive::CardLivenessResult r = cardlive::CheckCardLiveness(in);
  nlohmann::json j = cardlive::ToJson(r);
  j.erase("live");
  j["liveness"] = r.live ? "True" : "False";
  j["checked"] = true;
  return j;
}

nlohmann::json SideJson(const doc::DocResult& side, const Capabilities& caps) {
  nlohmann::json j = side.ToJson();
  j["liveness"] = CardLivenessJson(side, caps);
  if (!caps.normalizer || !caps.text) return j;
  const vn::TextTools& text = *caps.text;
  const Today today = Now();
  auto value = [&](const char* name) -> std::string {
    const doc::Field* f = side.Get(name);
    return f != nullptr && f->present() ? f->value : std::string();
  };
  auto date = [&](const char* name, int pivot) -> std::optional<vn::Date> {
    std::string v = value(name);
    if (v.empty()) return std::nullopt;
    return vn::ParseDate(v, {.two_digit_year_pivot = pivot});
  };
  const std::optional<vn::Date> dob = date("ngay_sinh", today.yy + 1);
  const std::optional<vn::Date> issue = date("ngay_cap", today.yy + 1);
  const std::optional<vn::Date> expiry = date("ngay_het_han", 100);
  const int sex = value("gioi_tinh").empty() ? -1 : vn::ParseSex(value("gioi_tinh"));

  for (const char* name : {"ngay_sinh", "ngay_cap", "ngay_het_han"}) {
    if (!j.contains(name)) continue;
    const std::optional<vn::Date> d = std::string(name) == "ngay_sinh"  ? dob
                                      : std::string(name) == "ngay_cap" ? issue
                                                                        : expiry;
    j[name]["normalized"] = vn::DateNormalizedJson(d, text);
  }
  if (j.contains("gioi_tinh")) j["gioi_tinh"]["normalized"] = vn::SexNormalizedJson(sex);
  if (j.contains("quoc_tich")) {
    j["quoc_tich"]["normalized"] =
        vn::NationalityNormalizedJson(vn::ParseNationality(value("quoc_tich")), text);
  }
  for (const char* name :
       {"nguyen_quan", "ho_khau_thuong_tru", "noi_dang_ky_khai_sinh", "noi_sinh"}) {
    if (!j.contains(name)) continue;
    j[name]["normalized"] = caps.normalizer->ToJson(caps.normalizer->Normalize(value(name)));
  }
  // The passport number is not a citizen ID; its personal number (so_dinh_danh) is.
  const char* id_field = side.type == doc::DocType::kPassport ? "so_dinh_danh" : "id";
  if (j.contains(id_field) && !value(id_field).empty()) {
    std::vector<double> idconf;
    for (double c : side.Get(id_field)->char_confidences) idconf.push_back(Round4(c));
    j[id_field]["validate"] =
        vn::IdValidateJson(vn::ValidateId(value(id_field), dob, sex, std::move(idconf)));
  }
  UpperCaseTextValues(side, j);
  if (j.contains("ngay_het_han")) {
    vn::ExpiryCheck e =
        vn::CheckExpiry(expiry.value_or(vn::Date{}), dob, issue, KindOf(side.type), today.date);
    j["ngay_het_han"]["is_valid"] = e.is_valid;
    if (!e.is_valid) j["ngay_het_han"]["is_valid_reason"] = e.reason;
  }
  return j;
}

Result<face::FaceAnalysis> AnalyzeSelfie(face::FaceEngine& engine, const cv::Mat& bgr) {
  auto a = engine.Analyze(bgr, face::Source::kSelfie);
  if (!a.ok() && a.status().reason() == "face.not_found") {
    return Status(StatusCode::kInvalidArgument, "face.no_face_on_capture", a.status().message());
  }
  return a;
}

Status StoreOutcome(const Status& s) {
  // Nothing to compare with is the vendor's "Face id is not exists" (E855), whether the user is
  // unknown or has no face made by the current face model (only fingerprints, or faces awaiting
  // `ekyc store reembed`); never a 503, which would tell the client to retry.
  if (s.reason() == "store.not_found" || s.reason() == "store.no_faces")
    return Status(StatusCode::kNotFound, "face.id_not_found", s.message());
  return s;
}

std::string EncodeJpeg(const cv::Mat& bgr) {
  std::vector<uchar> buf;
  if (!cv::imencode(".jpg", bgr, buf, {cv::IMWRITE_JPEG_QUALITY, 92})) return {};
  return std::string(buf.begin(), buf.end());
}

store::Caller CallerOf(const Request& r) {
  return {r.api_key_name.empty() ? std::string("api") : "api:" + r.api_key_name};
}

Status CompareOutcome(int error_code) {
  switch (error_code) {
    case 0:
      return InvalidArgument("face.no_face_on_capture_and_card",
                             "no face on the selfie nor the card");
    case 1:
      return InvalidArgument("face.no_face_on_capture", "no face on the selfie");
    case 2:
      return InvalidArgument("face.no_face_on_card", "no face on the card");
    case 4:
      return InvalidArgument("face.match_failed", "similarity below the threshold");
    default:
      return Status::Ok();
  }
}

Status CheckDeadline(const Request& r) {
  if (!r.DeadlinePassed()) return Status::Ok();
  return Status(StatusCode::kDeadlineExceeded, kReasonDeadline,
                "the request passed its deadline (EKYC_REQUEST_TIMEOUT_MS); nothing was stored");
}

double Round4(double v) {
  return std::round(v * 10000.0) / 10000.0;
}

void FillDuplicateRefusal(const Status& status, const store::DuplicateMatch& dup,
                          nlohmann::json* block) {
  const ErrorInfo e = MapStatus(status);
  (*block)["error"] = {
      {"value", e.message}, {"confidence", Round4(dup.similarity)}, {"code", e.code}};
  (*block)["registration"] = {{"registered", false},
                              {"duplicate_similarity", Round4(dup.similarity)},
                              {"duplicate_user_id", dup.user_id},
                              {"duplicate_face_id", dup.face_id}};
}

}  // namespace routes
}  // namespace ekyc::api
