// Internal persistence interface shared by the SQLite and PostgreSQL backends. Only this layer
// knows SQL; the engine (face_store.cpp) holds the logic, encryption and the ANN index.
//
// Thread-safety: a Db serialises its own connection use; Tx objects live only inside one
// Read()/Write() call on the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace ekyc::store {

// Entries of an audit row's comma-separated id list (face_ids).
inline int64_t CountIds(const std::string& joined) {
  if (joined.empty()) return 0;
  int64_t n = 1;
  for (char c : joined) n += c == ',' ? 1 : 0;
  return n;
}

struct UserRow {
  int64_t pk = 0;
  std::string collection;
  std::string user_id;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct FaceRow {
  int64_t pk = 0;
  std::string face_id;
  double quality = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::string image_mime;
  bool has_image = false;
  std::optional<std::string> sealed_image;  // only when asked for
  std::vector<std::string> models;
};

struct FingerprintRow {
  int64_t pk = 0;
  std::string fingerprint_id;
  std::string finger_position;
  int64_t created_at = 0;
  std::string image_mime;
  std::optional<std::string> sealed_image;
};

// An embedding with what is needed to open it and to index it.
struct EmbeddingRow {
  int64_t pk = 0;  // also the ANN label; never reused
  std::string collection;
  std::string user_id;
  std::string face_id;
  std::string model_id;
  std::string sealed;
};

struct ChangeRow {
  int64_t seq = 0;
  std::string collection;
  std::string model_id;
  char op = 'a';  // 'a' added, 'd' deleted
  int64_t emb_pk = 0;
};

// A face lacking an embedding of some model (for re-embedding).
struct ReembedRow {
  int64_t face_pk = 0;
  std::string collection;
  std::string user_id;
  std::string face_id;
  std::optional<std::string> sealed_image;
  std::optional<std::string> sealed_old;  // embedding of `old_model`, if any
};

// Kinds of sealed columns, for key rotation.
enum class SealedKind { kEmbedding, kFaceImage, kFingerprintImage };
struct SealedRow {
  int64_t pk = 0;
  std::string collection, user_id, item_id, model_id;  // for the associated data
  std::string sealed;
};

struct CountRow {
  int64_t users = 0, faces = 0, fingerprints = 0, audit_rows = 0;
  std::vector<std::pair<std::string, int64_t>> embeddings_per_model;
};

class Tx {
 public:
  virtual ~Tx() = default;

  virtual Result<std::optional<std::string>> GetMeta(const std::string& key) = 0;
  virtual Status PutMeta(const std::string& key, const std::string& value) = 0;

  virtual Result<std::optional<UserRow>> FindUser(const std::string& collection,
                                                  const std::string& user_id) = 0;
  virtual Result<int64_t> InsertUser(const std::string& collection, const std::string& user_id,
                                     int64_t now) = 0;
  virtual Status TouchUser(int64_t user_pk, int64_t now) = 0;
  virtual Status DeleteUser(int64_t user_pk) = 0;  // cascades to faces, embeddings, fingerprints

  virtual Result<int64_t> InsertFace(int64_t user_pk, const std::string& face_id, double quality,
                                     const std::string& image_mime,
                                     const std::optional<std::string>& sealed_image,
                                     int64_t now) = 0;
  virtual Result<std::optional<int64_t>> FindFace(int64_t user_pk, const std::string& face_id) = 0;
  virtual Status DeleteFace(int64_t face_pk) = 0;
  virtual Result<std::vector<FaceRow>> ListFaces(int64_t user_pk, bool with_images) = 0;

  virtual Result<int64_t> InsertEmbedding(int64_t face_pk, const std::string& model_id, int dim,
                                          const std::string& sealed, int64_t now) = 0;
  // Embeddings of one user (model empty = all models), with collection/user/face filled.
  virtual Result<std::vector<EmbeddingRow>> UserEmbeddings(int64_t user_pk,
                                                           const std::string& model_id) = 0;
  virtual Result<std::vector<EmbeddingRow>> FaceEmbeddings(int64_t face_pk) = 0;
  virtual Result<std::optional<EmbeddingRow>> GetEmbedding(int64_t pk) = 0;
  // Every embedding of a model in pk order, after `after_pk`, at most `limit`.
  virtual Result<std::vector<EmbeddingRow>> EmbeddingsOfModel(const std::string& model_id,
                                                              int64_t after_pk, int limit) = 0;

  virtual Result<int64_t> InsertFingerprint(int64_t user_pk, const std::string& fingerprint_id,
                                            const std::string& position,
                                            const std::string& image_mime,
                                            const std::string& sealed_image, int64_t now) = 0;
  virtual Result<bool> DeleteFingerprint(int64_t user_pk, const std::string& fingerprint_id) = 0;
  virtual Status DeleteFingerprintsOfUser(int64_t user_pk) = 0;
  virtual Result<std::vector<FingerprintRow>> ListFingerprints(int64_t user_pk,
                                                               bool with_images) = 0;

  virtual Status AppendChange(const std::string& collection, const std::string& model_id, char op,
                              int64_t emb_pk) = 0;
  virtual Result<std::vector<ChangeRow>> ChangesSince(int64_t seq, int limit) = 0;
  virtual Result<int64_t> MaxChangeSeq() = 0;

  virtual Status Audit(int64_t now, const std::string& actor, const std::string& operation,
                       const std::string& collection, const std::string& user_id,
                       const std::string& face_ids, const std::string& outcome) = 0;

  virtual Result<std::vector<ReembedRow>> FacesLackingModel(const std::string& new_model,
                                                            const std::string& old_model,
                                                            int64_t after_face_pk, int limit) = 0;

  virtual Result<std::vector<SealedRow>> ListSealed(SealedKind kind, int64_t after_pk,
                                                    int limit) = 0;
  virtual Status UpdateSealed(SealedKind kind, int64_t pk, const std::string& sealed) = 0;

  virtual Result<CountRow> Counts() = 0;
  // Audit rows newest first (id < before_id when before_id > 0); `items` counts face_ids' entries.
  virtual Result<std::vector<AuditEvent>> RecentAudit(int limit, int64_t before_id) = 0;
};

class Db {
 public:
  virtual ~Db() = default;
  virtual std::string backend() const = 0;
  // Runs fn in one transaction; commits when it returns OK, rolls back otherwise.
  // `exclusive` writes are serialised across every node sharing the database.
  virtual Status Write(const std::function<Status(Tx&)>& fn, bool exclusive = true) = 0;
  // Runs fn in a read-only transaction over one consistent snapshot.
  virtual Status Read(const std::function<Status(Tx&)>& fn) = 0;
  // After deletions: push deleted content out of journals where the backend can (SQLite WAL).
  virtual void AfterDelete() {}
  // Calls on_change (from a background thread) when another node may have written. No-op for
  // backends with a single writer process.
  virtual Status StartListening(std::function<void()> on_change, int poll_ms) = 0;
  virtual void StopListening() = 0;
};

Result<std::unique_ptr<Db>> OpenSqliteDb(const std::string& path);
Result<std::unique_ptr<Db>> OpenPostgresDb(const std::string& dsn);

}  // namespace ekyc::store
