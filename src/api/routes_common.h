// The vendor routes wired to the real capabilities (input, doc + vn, face, live, store).
//
// Start-up (ekyc serve, and the routes integration test) calls LoadCapabilities() once: it loads
// the shared immutable objects (model set, vn index + normalizer, face store, calibration) and
// records, per capability, why it is unavailable. CapabilityWorkerInit() then builds each worker's
// own FaceEngine / DocReader / LivenessChecker. A route whose capability failed to load answers
// 501 / E501 with a message naming what is missing; nothing is ever faked.
//
// Thread-safety: Capabilities is immutable after LoadCapabilities() except `worker_errors`, which
// is guarded by its own mutex (written by worker inits, read by readiness checks and handlers).
// The FaceStore is itself thread-safe. Per-worker engines live in each WorkerContext.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/api.h"
#include "core/config.h"
#include "core/log.h"
#include "doc/doc.h"
#include "face/face.h"
#include "infer/infer.h"
#include "input/input.h"
#include "live/live.h"
#include "store/store.h"
#include "vn/vn.h"

namespace ekyc::api {

// Messages of per-worker load failures ("face", "doc", "live" -> message).
class WorkerErrors {
 public:
  void Set(const std::string& capability, const std::string& message);
  std::optional<std::string> Get(const std::string& capability) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> errors_;
};

struct Capabilities {
  input::InputPolicy image_policy;
  input::VideoPolicy video_policy;

  std::shared_ptr<const infer::ModelSet> models;  // null when the model set failed to load
  std::string models_error;

  face::FaceEngineOptions face_options;
  std::string face_error;  // non-empty: face routes answer 501 with this

  doc::DocReaderOptions doc_options;
  bool card_liveness = true;  // EKYC_CARD_LIVENESS
  live::LivenessOptions live_options;

  std::shared_ptr<const vn::AddressNormalizer> normalizer;
  std::shared_ptr<const vn::TextTools> text;
  std::string vn_error;

  std::shared_ptr<store::FaceStore> store;
  std::string store_error;
  std::string face_model_id;  // the store's active model = the face engine's embedding model

  mutable WorkerErrors worker_errors;
};

struct CapabilityPaths {
  std::string vn_index;  // vn::DefaultIndexPath(exe, EKYC_VN_INDEX)
};

// Loads everything shared; never fails (failures are recorded in the result, see above).
std::shared_ptr<Capabilities> LoadCapabilities(const Config& config, const CapabilityPaths& paths,
                                               const Logger* logger);

// "models_loaded", "storage_open", "vn_index_loaded".
std::vector<ReadinessCheck> CapabilityChecks(std::shared_ptr<const Capabilities> caps);

// Emplaces this worker's std::unique_ptr<FaceEngine / DocReader / LivenessChecker>; a failure is
// recorded (its routes answer 501) and does not stop the server.
WorkerInit CapabilityWorkerInit(std::shared_ptr<const Capabilities> caps);

// All ten vendor routes.
void InstallVendorRoutes(RouteTable& routes, std::shared_ptr<const Capabilities> caps);
// Per family (routes_ekyc.cpp, routes_facedb.cpp, routes_match.cpp, routes_predict.cpp).
void InstallEkycRoutes(RouteTable& routes, std::shared_ptr<const Capabilities> caps);
void InstallFaceDbRoutes(RouteTable& routes, std::shared_ptr<const Capabilities> caps);
void InstallMatchRoutes(RouteTable& routes, std::shared_ptr<const Capabilities> caps);
void InstallPredictRoutes(RouteTable& routes, std::shared_ptr<const Capabilities> caps);

// The abuse limits of the vendor routes (routes_limits.cpp), from EKYC_LIVENESS_FAIL_* and
// EKYC_ENUMERATION_*: failed liveness per user_id and per key on the selfie-video registration,
// search/verify misses per key. Rules whose limits are all 0 are left out.
std::vector<AttemptLimit> VendorAttemptLimits(const Config& config);

// Operator routes (routes_ops.cpp), not in the vendor API: `server_info` and `audit_events`.
struct OpsInfo {
  std::string version;      // this build (ekyc version)
  std::string api_version;  // the vendor API version it speaks
};
void InstallOpsRoutes(RouteTable& routes, const std::shared_ptr<const Capabilities>& caps,
                      const OpsInfo& info);
const std::vector<std::string>& OpsRouteNames();

// Chip data verification (routes_chip.cpp, docs/chip.md): chip_challenge, chip_verify, and chip
// data on the eKYC registration routes. Install after InstallVendorRoutes (it wraps their
// registration handlers). The CSCA trust store comes from EKYC_CSCA_DIR; when it cannot be
// loaded the chip routes answer 501 with the reason (ChipCapabilitiesError).
struct ChipCapabilities;
std::shared_ptr<ChipCapabilities> LoadChipCapabilities(const Config& config);
std::string ChipCapabilitiesError(const ChipCapabilities& chip);
void InstallChipRoutes(RouteTable& routes, const std::shared_ptr<const Capabilities>& caps,
                       const std::shared_ptr<ChipCapabilities>& chip);

namespace routes {

// ---- request fields ----
// A required image field (file or text: bytes, base64, data: URL, http(s) URL). Missing ->
// field.missing (422); decoding errors keep the input module's reasons (image.*, url.*).
Result<input::Image> ImageField(const Request& r, const std::string& name, const Capabilities& caps,
                                WorkerContext& ctx);
// The first of `names` present; nullptr when none.
const std::string* FindAny(const Request& r, const std::vector<std::string>& names,
                           std::string* found = nullptr);
Result<bool> BoolField(const Request& r, const std::string& name, bool fallback);
Result<double> DoubleField(const Request& r, const std::string& name, double fallback, double min,
                           double max);
Result<int> IntField(const Request& r, const std::string& name, int fallback, int min, int max);
// A required identifier (user_id, face_id, collection): 1..128 printable ASCII characters.
Result<std::string> IdField(const Request& r, const std::string& name);
// Optional identifier: `fallback` when absent.
Result<std::string> OptionalIdField(const Request& r, const std::string& name,
                                    const std::string& fallback);
// The collection named by `collection` (or `database_name`); store::kDefaultCollection when absent.
Result<std::string> CollectionField(const Request& r);

// ---- capabilities of this worker (501 with the reason when unavailable) ----
Status NotAvailable(const std::string& what, const std::string& why);
Result<face::FaceEngine*> Face(WorkerContext& ctx, const Capabilities& caps);
Result<doc::DocReader*> Doc(WorkerContext& ctx, const Capabilities& caps);
Result<live::LivenessChecker*> Live(WorkerContext& ctx, const Capabilities& caps);
Result<store::FaceStore*> Store(const Capabilities& caps);

// ---- building blocks ----
// Reads one side and returns the vendor element with vn `normalized` / `validate` / `is_valid`.
Result<doc::DocResult> ReadSide(WorkerContext& ctx, const Capabilities& caps, const cv::Mat& image,
                                bool check_rotate);
nlohmann::json SideJson(const doc::DocResult& side, const Capabilities& caps);
// The side's `liveness` block: the card liveness check (src/cardlive) or, with
// EKYC_CARD_LIVENESS=off, the vendor's unchecked "True".
nlohmann::json CardLivenessJson(const doc::DocResult& side, const Capabilities& caps);
// Analyzes the largest face of a selfie-like image; face.not_found -> face.no_face_on_capture.
Result<face::FaceAnalysis> AnalyzeSelfie(face::FaceEngine& engine, const cv::Mat& bgr);
// The store's "not found" as the vendor's E855.
Status StoreOutcome(const Status& s);
// Encoded JPEG of an image (for keeping the registered source image).
std::string EncodeJpeg(const cv::Mat& bgr);
store::Caller CallerOf(const Request& r);
// request.deadline_exceeded (504) once the request's deadline has passed; checked before writes.
Status CheckDeadline(const Request& r);
// The business outcome of a face::CompareResult::error_code (0, 1, 2, 4); OK for -1.
Status CompareOutcome(int error_code);
double Round4(double v);
// The match element of a registration the store refused as a duplicate face (`status`, E850):
// the vendor's text in `error` with the similarity to the face already registered as its
// confidence, and `registration` naming that face. Shared by the card and chip registrations.
void FillDuplicateRefusal(const Status& status, const store::DuplicateMatch& dup,
                          nlohmann::json* block);

}  // namespace routes
}  // namespace ekyc::api
