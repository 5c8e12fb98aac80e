// The backend-independent engine: validation, duplicate rule, encryption, the ANN indexes and
// their catch-up from the change sequence, audit. Persistence goes through Db/Tx (db.h).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "core/config.h"
#include "core/ids.h"
#include "core/log.h"
#include "store/ann_index.h"
#include "store/crypto.h"
#include "store/db.h"
#include "store/snapshot.h"
#include "store/store.h"

namespace ekyc::store {
namespace {

constexpr size_t kMaxIdLength = 128;
constexpr int kPage = 2048;
constexpr int64_t kProgressEvery = 100000;  // rebuild progress log interval (embeddings)

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::vector<float>> Normalize(const std::vector<float>& v, const std::string& what) {
  if (v.empty()) return InvalidArgument("store.bad_embedding", what + " is empty");
  double n = 0;
  for (float x : v) {
    if (!std::isfinite(x))
      return InvalidArgument("store.bad_embedding", what + " has a NaN or infinity");
    n += static_cast<double>(x) * x;
  }
  if (n < 1e-20) return InvalidArgument("store.bad_embedding", what + " has zero length");
  double inv = 1.0 / std::sqrt(n);
  std::vector<float> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = static_cast<float>(v[i] * inv);
  return out;
}

Status CheckId(const std::string& id, const std::string& what) {
  if (id.empty()) return InvalidArgument("store.bad_id", what + " is empty");
  if (id.size() > kMaxIdLength) {
    return InvalidArgument(
        "store.bad_id", what + " is longer than " + std::to_string(kMaxIdLength) + " characters");
  }
  return Status::Ok();
}

Status StoreNotFound(const std::string& message) {
  return NotFound("store.not_found", message);
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

double Dot(const std::vector<float>& a, const std::vector<float>& b) {
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d += static_cast<double>(a[i]) * b[i];
  return d;
}

class Engine : public FaceStore {
 public:
  Engine(StoreOptions opt, std::unique_ptr<Db> db, DataKey key, const Logger* logger)
      : opt_(std::move(opt)), db_(std::move(db)), key_(std::move(key)) {
    if (logger) logger_.emplace(*logger);
  }
  ~Engine() override {
    {
      std::lock_guard l(snapshot_thread_mu_);
      stop_snapshotter_ = true;
    }
    snapshot_cv_.notify_all();
    if (snapshotter_.joinable()) snapshotter_.join();
    db_->StopListening();
    // Clean shutdown: persist the index so that the next start does not rebuild it.
    if (initialized_ && !opt_.snapshot_dir.empty() && opt_.snapshot_on_close &&
        PendingChanges() > 0) {
      Status st = SnapshotNow();
      if (!st.ok() && logger_) logger_->Warn("store.snapshot_failed", {{"error", st.ToString()}});
    }
  }

  Status Init() {
    auto t0 = std::chrono::steady_clock::now();
    std::lock_guard w(write_mu_);
    int64_t max_seq = 0;
    EKYC_RETURN_IF_ERROR(db_->Read([&](Tx& tx) -> Status {
      EKYC_ASSIGN_OR_RETURN(auto check, tx.GetMeta("key_check"));
      store_tag_ = check.value_or("");
      EKYC_ASSIGN_OR_RETURN(max_seq, tx.MaxChangeSeq());
      return Status::Ok();
    }));
    bool loaded = false;
    if (!opt_.snapshot_dir.empty()) {
      RemoveStaleSnapshotTemps(opt_.snapshot_dir);
      Status st = LoadSnapshot(max_seq);
      loaded = st.ok();
      if (!loaded && logger_) {
        nlohmann::json fields = {{"reason", st.reason()}, {"detail", st.message()}};
        if (st.reason() == "store.snapshot_missing") {
          logger_->Info("store.snapshot_absent", fields);
        } else {
          logger_->Warn("store.snapshot_unusable_rebuilding", fields);
        }
      }
    }
    int64_t rows = 0;
    if (!loaded) {
      indexes_.clear();
      EKYC_ASSIGN_OR_RETURN(rows, RebuildFromRows());
    }
    int64_t from_seq = applied_seq_;
    EKYC_RETURN_IF_ERROR(SyncLocked());
    index_source_ = loaded ? "snapshot" : "rows";
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    if (logger_) {
      int64_t live = 0;
      for (const auto& [name, idx] : indexes_) live += static_cast<int64_t>(idx->live());
      logger_->Info("store.index_ready", {{"backend", db_->backend()},
                                          {"model", opt_.active_model},
                                          {"source", index_source_},
                                          {"embeddings", live},
                                          {"rows_read", rows},
                                          {"changes_replayed", applied_seq_.load() - from_seq},
                                          {"change_seq", applied_seq_.load()},
                                          {"ms", ms}});
    }
    EKYC_RETURN_IF_ERROR(db_->StartListening([this] { OnRemoteChange(); }, opt_.pg_poll_ms));
    if (!opt_.snapshot_dir.empty()) snapshotter_ = std::thread([this] { SnapshotLoop(); });
    initialized_ = true;
    return Status::Ok();
  }

  // Reads every active-model embedding and inserts it into the indexes, in parallel. Requires
  // write_mu_. Returns how many were read; applied_seq_ is the sequence the read saw.
  Result<int64_t> RebuildFromRows() {
    auto t0 = std::chrono::steady_clock::now();
    int64_t seq = 0;
    int64_t count = 0;
    int threads = opt_.rebuild_threads > 0
                      ? opt_.rebuild_threads
                      : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    EKYC_RETURN_IF_ERROR(db_->Read([&](Tx& tx) -> Status {
      EKYC_ASSIGN_OR_RETURN(seq, tx.MaxChangeSeq());
      int64_t after = 0;
      for (;;) {
        EKYC_ASSIGN_OR_RETURN(auto rows, tx.EmbeddingsOfModel(opt_.active_model, after, kPage * 4));
        if (rows.empty()) break;
        after = rows.back().pk;
        // Group by collection, then insert each group in parallel.
        std::map<std::string,
                 std::tuple<std::vector<int64_t>, std::vector<FaceRef>, std::vector<float>>>
            groups;
        for (auto& r : rows) {
          EKYC_ASSIGN_OR_RETURN(
              std::string plain,
              key_.Open(r.sealed, EmbeddingAad(r.collection, r.user_id, r.face_id, r.model_id)));
          EKYC_ASSIGN_OR_RETURN(std::vector<float> v, BytesToFloats(plain));
          auto& [labels, refs, vecs] = groups[r.collection];
          if (!vecs.empty() && vecs.size() / labels.size() != v.size()) {
            return {StatusCode::kDataLoss, "store.corrupt",
                    "embeddings of one model have different lengths in collection " + r.collection};
          }
          labels.push_back(r.pk);
          refs.push_back({std::move(r.user_id), std::move(r.face_id)});
          vecs.insert(vecs.end(), v.begin(), v.end());
        }
        for (auto& [collection, g] : groups) {
          auto& [labels, refs, vecs] = g;
          size_t dim = vecs.size() / labels.size();
          EKYC_ASSIGN_OR_RETURN(AnnIndex * idx, IndexFor(collection, dim));
          idx->AddBatch(labels, std::move(refs), vecs, threads);
          count += static_cast<int64_t>(labels.size());
        }
        // Large rebuilds take minutes: say how far along they are.
        if (logger_ && count / kProgressEvery !=
                           (count - static_cast<int64_t>(rows.size())) / kProgressEvery) {
          logger_->Info("store.rebuild_progress",
                        {{"embeddings", count},
                         {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now() - t0)
                                    .count()}});
        }
      }
      return Status::Ok();
    }));
    applied_seq_ = seq;
    return count;
  }

  // Loads the snapshot of the active model. Requires write_mu_. On success the indexes reflect
  // every change up to applied_seq_ (the snapshot's sequence); later changes are applied by the
  // caller.
  Status LoadSnapshot(int64_t max_seq) {
    EKYC_ASSIGN_OR_RETURN(auto snap,
                          ReadSnapshot(SnapshotPath(opt_.snapshot_dir, opt_.active_model), key_,
                                       store_tag_, opt_.active_model, opt_.hnsw_m,
                                       opt_.hnsw_ef_construction, opt_.hnsw_ef_search));
    if (snap.seq > max_seq) {
      // The database is older than the snapshot (restored from a backup?): the snapshot may hold
      // faces the tables no longer have.
      return Status(StatusCode::kDataLoss, "store.snapshot_invalid",
                    "index snapshot is at change " + std::to_string(snap.seq) +
                        " but the database only at " + std::to_string(max_seq));
    }
    std::unique_lock lock(index_mu_);
    indexes_ = std::move(snap.indexes);
    applied_seq_ = snap.seq;
    snapshot_seq_ = snap.seq;
    return Status::Ok();
  }

  Status SnapshotNow() override {
    if (opt_.snapshot_dir.empty()) {
      return InvalidArgument("store.config",
                             "no snapshot directory configured (StoreOptions::snapshot_dir)");
    }
    std::lock_guard one(snapshot_mu_);
    auto t0 = std::chrono::steady_clock::now();
    PreparedSnapshot prepared;
    {
      // Writes wait while the graphs are copied into memory; searches go on.
      std::lock_guard w(write_mu_);
      std::shared_lock lock(index_mu_);
      EKYC_ASSIGN_OR_RETURN(prepared, PrepareSnapshot(applied_seq_, indexes_));
    }
    auto copied_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    EKYC_ASSIGN_OR_RETURN(uint64_t bytes,
                          WriteSnapshot(SnapshotPath(opt_.snapshot_dir, opt_.active_model), key_,
                                        store_tag_, opt_.active_model, prepared));
    snapshot_seq_ = prepared.seq;
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    if (logger_) {
      logger_->Info("store.snapshot_written",
                    {{"model", opt_.active_model},
                     {"change_seq", prepared.seq},
                     {"embeddings", static_cast<int64_t>(prepared.labels)},
                     {"bytes", static_cast<int64_t>(bytes)},
                     {"writes_held_ms", copied_ms},
                     {"ms", ms}});
    }
    return Status::Ok();
  }

  Result<RegisterResult> Register(const Caller& who, const RegisterRequest& req,
                                  DuplicateMatch* duplicate) override {
    return DoRegister(who, req, duplicate, /*replace=*/false);
  }
  Result<RegisterResult> ReplaceUser(const Caller& who, const RegisterRequest& req,
                                     DuplicateMatch* duplicate) override {
    return DoRegister(who, req, duplicate, /*replace=*/true);
  }

  Result<VerifyResult> Verify(const Caller& who, const std::string& collection,
                              const std::string& user_id,
                              const std::vector<float>& probe) override {
    EKYC_RETURN_IF_ERROR(CheckId(collection, "collection"));
    EKYC_RETURN_IF_ERROR(CheckId(user_id, "user_id"));
    EKYC_ASSIGN_OR_RETURN(std::vector<float> unit, Normalize(probe, "probe embedding"));
    VerifyResult out;
    out.user_id = user_id;
    Status outcome;
    EKYC_RETURN_IF_ERROR(db_->Read([&](Tx& tx) -> Status {
      EKYC_ASSIGN_OR_RETURN(auto user, tx.FindUser(collection, user_id));
      if (!user) {
        outcome = StoreNotFound("user not found in collection '" + collection + "'");
        return Status::Ok();
      }
      EKYC_ASSIGN_OR_RETURN(auto rows, tx.UserEmbeddings(user->pk, opt_.active_model));
      for (const auto& r : rows) {
        EKYC_ASSIGN_OR_RETURN(std::vector<float> v, OpenEmbedding(r));
        if (v.size() != unit.size()) {
          outcome =
              InvalidArgument("store.dimension_mismatch",
                              "probe has " + std::to_string(unit.size()) +
                                  " dimensions, stored faces have " + std::to_string(v.size()));
          return Status::Ok();
        }
        auto cosine = static_cast<float>(Dot(unit, v));
        out.per_face.push_back({r.face_id, Calibrate(cosine), cosine});
      }
      return Status::Ok();
    }));
    if (outcome.ok() && out.per_face.empty()) {
      outcome = FailedPrecondition("store.no_faces",
                                   "the user has no face embedded with model " + opt_.active_model);
    }
    AuditRead(who, "verify", collection, user_id, outcome);
    if (!outcome.ok()) return outcome;
    std::sort(out.per_face.begin(), out.per_face.end(),
              [](const FaceScore& a, const FaceScore& b) { return a.similarity > b.similarity; });
    out.best_similarity = out.per_face.front().similarity;
    out.best_face_id = out.per_face.front().face_id;
    return out;
  }

  Result<SearchResult> Search(const Caller& who, const std::string& collection,
                              const std::vector<float>& probe, size_t top_k,
                              double threshold) override {
    EKYC_RETURN_IF_ERROR(CheckId(collection, "collection"));
    if (top_k == 0 || top_k > 1000) {
      return InvalidArgument("store.bad_top_k", "top_k must be from 1 to 1000");
    }
    EKYC_ASSIGN_OR_RETURN(std::vector<float> unit, Normalize(probe, "probe embedding"));
    SearchResult out;
    {
      std::shared_lock lock(index_mu_);
      auto it = indexes_.find(collection);
      if (it != indexes_.end()) {
        if (it->second->dim() != unit.size()) {
          return InvalidArgument("store.dimension_mismatch",
                                 "probe has " + std::to_string(unit.size()) +
                                     " dimensions, the collection's faces have " +
                                     std::to_string(it->second->dim()));
        }
        // Over-fetch so that users with several faces do not crowd others out, then keep each
        // user's best face (scores are exact, recomputed from the stored vectors).
        auto cands = it->second->Search(unit.data(), std::max<size_t>(top_k * 4, 32));
        std::unordered_map<std::string, size_t> seen;
        for (const auto& c : cands) {
          double sim = Calibrate(c.cosine);
          if (sim < threshold) continue;
          if (seen.count(c.ref->user_id)) continue;
          seen.emplace(c.ref->user_id, out.matches.size());
          out.matches.push_back({c.ref->user_id, c.ref->face_id, sim, c.cosine});
        }
      }
    }
    if (out.matches.size() > top_k) out.matches.resize(top_k);
    AuditRead(who, "search", collection, "", Status::Ok());
    return out;
  }

  Result<UserRecord> GetUser(const Caller& who, const std::string& collection,
                             const std::string& user_id, bool with_images) override {
    EKYC_RETURN_IF_ERROR(CheckId(collection, "collection"));
    EKYC_RETURN_IF_ERROR(CheckId(user_id, "user_id"));
    UserRecord out;
    Status outcome;
    EKYC_RETURN_IF_ERROR(db_->Read([&](Tx& tx) -> Status {
      EKYC_ASSIGN_OR_RETURN(auto user, tx.FindUser(collection, user_id));
      if (!user) {
        outcome = StoreNotFound("user not found in collection '" + collection + "'");
        return Status::Ok();
      }
      out.collection = collection;
      out.user_id = user_id;
      out.created_at = user->created_at;
      out.updated_at = user->updated_at;
      EKYC_ASSIGN_OR_RETURN(auto faces, tx.ListFaces(user->pk, with_images));
      for (auto& f : faces) {
        FaceRecord r{f.face_id,    f.quality,   f.models,     f.created_at,
                     f.updated_at, f.has_image, f.image_mime, std::nullopt};
        if (with_images && f.sealed_image) {
          EKYC_ASSIGN_OR_RETURN(
              r.image, key_.Open(*f.sealed_image, FaceImageAad(collection, user_id, f.face_id)));
        }
        out.faces.push_back(std::move(r));
      }
      EKYC_ASSIGN_OR_RETURN(auto fps, tx.ListFingerprints(user->pk, with_images));
      for (auto& f : fps) {
        FingerprintRecord r{f.fingerprint_id, f.finger_position, f.created_at, f.image_mime,
                            std::nullopt};
        if (with_images && f.sealed_image) {
          EKYC_ASSIGN_OR_RETURN(
              r.image,
              key_.Open(*f.sealed_image, FingerprintAad(collection, user_id, f.fingerprint_id)));
        }
        out.fingerprints.push_back(std::move(r));
      }
      return Status::Ok();
    }));
    AuditRead(who, with_images ? "get_user_with_images" : "get_user", collection, user_id, outcome);
    if (!outcome.ok()) return outcome;
    return out;
  }

  Status DeleteFace(const Caller& who, const std::string& collection, const std::string& user_id,
                    const std::string& face_id) override {
    EKYC_RETURN_IF_ERROR(CheckId(face_id, "face_id"));
    return DoDelete(who, "delete_face", collection, user_id, face_id,
                    [&](Tx& tx, const UserRow& user, Status* outcome) -> Status {
                      EKYC_ASSIGN_OR_RETURN(auto face, tx.FindFace(user.pk, face_id));
                      if (!face) {
                        *outcome = StoreNotFound("face not found for this user");
                        return Status::Ok();
                      }
                      EKYC_ASSIGN_OR_RETURN(auto embs, tx.FaceEmbeddings(*face));
                      for (const auto& e : embs) {
                        EKYC_RETURN_IF_ERROR(tx.AppendChange(collection, e.model_id, 'd', e.pk));
                      }
                      EKYC_RETURN_IF_ERROR(tx.DeleteFace(*face));
                      return tx.TouchUser(user.pk, Now());
                    });
  }

  Status DeleteFingerprint(const Caller& who, const std::string& collection,
                           const std::string& user_id, const std::string& fingerprint_id) override {
    EKYC_RETURN_IF_ERROR(CheckId(fingerprint_id, "fingerprint_id"));
    return DoDelete(who, "delete_fingerprint", collection, user_id, fingerprint_id,
                    [&](Tx& tx, const UserRow& user, Status* outcome) -> Status {
                      EKYC_ASSIGN_OR_RETURN(bool gone,
                                            tx.DeleteFingerprint(user.pk, fingerprint_id));
                      if (!gone) {
                        *outcome = StoreNotFound("fingerprint not found for this user");
                        return Status::Ok();
                      }
                      return tx.TouchUser(user.pk, Now());
                    });
  }

  Status DeleteUser(const Caller& who, const std::string& collection,
                    const std::string& user_id) override {
    return DoDelete(who, "delete_user", collection, user_id, "",
                    [&](Tx& tx, const UserRow& user, Status*) -> Status {
                      EKYC_ASSIGN_OR_RETURN(auto embs, tx.UserEmbeddings(user.pk, ""));
                      for (const auto& e : embs) {
                        EKYC_RETURN_IF_ERROR(tx.AppendChange(collection, e.model_id, 'd', e.pk));
                      }
                      return tx.DeleteUser(user.pk);
                    });
  }

  Result<StoreStats> Stats() override {
    StoreStats s;
    s.backend = db_->backend();
    s.active_model = opt_.active_model;
    CountRow c;
    EKYC_RETURN_IF_ERROR(db_->Read([&](Tx& tx) -> Status {
      EKYC_ASSIGN_OR_RETURN(c, tx.Counts());
      return Status::Ok();
    }));
    s.users = c.users;
    s.faces = c.faces;
    s.fingerprints = c.fingerprints;
    s.audit_rows = c.audit_rows;
    s.embeddings_per_model = c.embeddings_per_model;
    std::shared_lock lock(index_mu_);
    for (const auto& [name, idx] : indexes_) {
      s.indexed_per_collection.emplace_back(name, static_cast<int64_t>(idx->live()));
    }
    s.change_seq = applied_seq_;
    s.index_source = index_source_;
    s.snapshot_seq = snapshot_seq_;
    return s;
  }

  Result<std::vector<AuditEvent>> RecentAudit(int limit, int64_t before_id) override {
    if (limit < 1 || limit > 1000)
      return InvalidArgument("store.bad_limit", "audit limit must be from 1 to 1000");
    std::vector<AuditEvent> out;
    EKYC_RETURN_IF_ERROR(db_->Read([&](Tx& tx) -> Status {
      EKYC_ASSIGN_OR_RETURN(out, tx.RecentAudit(limit, before_id));
      return Status::Ok();
    }));
    return out;
  }

  Result<ReembedReport> Reembed(const Caller& who, const std::string& new_model,
                                const Embedder& embedder) override {
    EKYC_RETURN_IF_ERROR(CheckId(new_model, "model id"));
    ReembedReport rep;
    int64_t after = 0;
    size_t dim = 0;
    for (;;) {
      std::vector<ReembedRow> rows;
      EKYC_RETURN_IF_ERROR(db_->Read([&](Tx& tx) -> Status {
        EKYC_ASSIGN_OR_RETURN(rows, tx.FacesLackingModel(new_model, opt_.active_model, after, 256));
        return Status::Ok();
      }));
      if (rows.empty()) break;
      after = rows.back().face_pk;
      struct New {
        const ReembedRow* row;
        std::vector<float> unit;
      };
      std::vector<New> made;
      for (const auto& r : rows) {
        std::string image;
        std::vector<float> old;
        if (r.sealed_image) {
          EKYC_ASSIGN_OR_RETURN(
              image, key_.Open(*r.sealed_image, FaceImageAad(r.collection, r.user_id, r.face_id)));
        }
        if (r.sealed_old) {
          EKYC_ASSIGN_OR_RETURN(
              std::string plain,
              key_.Open(*r.sealed_old,
                        EmbeddingAad(r.collection, r.user_id, r.face_id, opt_.active_model)));
          EKYC_ASSIGN_OR_RETURN(old, BytesToFloats(plain));
        }
        if (image.empty() && old.empty()) {
          ++rep.skipped_no_source;
          continue;
        }
        ReembedInput in{r.collection, r.user_id, r.face_id, image.empty() ? nullptr : &image,
                        old.empty() ? nullptr : &old};
        auto v = embedder(in);
        if (!v.ok()) {
          ++rep.failed;
          if (logger_) logger_->Warn("store.reembed_failed", {{"reason", v.status().reason()}});
          continue;
        }
        auto unit = Normalize(*v, "re-embedded vector");
        if (!unit.ok() || (dim != 0 && unit->size() != dim)) {
          ++rep.failed;
          continue;
        }
        dim = unit->size();
        made.push_back({&r, std::move(*unit)});
      }
      if (made.empty()) continue;
      std::lock_guard w(write_mu_);
      EKYC_RETURN_IF_ERROR(db_->Write([&](Tx& tx) -> Status {
        int64_t now = Now();
        std::vector<std::string> ids;
        for (const auto& m : made) {
          const auto& r = *m.row;
          EKYC_ASSIGN_OR_RETURN(std::string sealed, key_.Seal(FloatsToBytes(m.unit),
                                                              EmbeddingAad(r.collection, r.user_id,
                                                                           r.face_id, new_model)));
          EKYC_ASSIGN_OR_RETURN(
              int64_t pk, tx.InsertEmbedding(r.face_pk, new_model, static_cast<int>(m.unit.size()),
                                             sealed, now));
          EKYC_RETURN_IF_ERROR(tx.AppendChange(r.collection, new_model, 'a', pk));
          ids.push_back(r.face_id);
        }
        return tx.Audit(now, who.name, "reembed:" + new_model, "*", "*", Join(ids), "ok");
      }));
      rep.embedded += static_cast<int64_t>(made.size());
    }
    return rep;
  }

  Status SyncNow() override {
    std::lock_guard w(write_mu_);
    return SyncLocked();
  }

  Status CheckIndexConsistency() override {
    std::lock_guard w(write_mu_);
    std::map<std::string, std::vector<int64_t>> want;
    EKYC_RETURN_IF_ERROR(db_->Read([&](Tx& tx) -> Status {
      EKYC_RETURN_IF_ERROR(CatchUp(tx));
      int64_t after = 0;
      for (;;) {
        EKYC_ASSIGN_OR_RETURN(auto rows, tx.EmbeddingsOfModel(opt_.active_model, after, kPage * 4));
        if (rows.empty()) break;
        after = rows.back().pk;
        for (const auto& r : rows) want[r.collection].push_back(r.pk);
      }
      return Status::Ok();
    }));
    std::shared_lock lock(index_mu_);
    for (const auto& [name, idx] : indexes_) {
      auto have = idx->Labels();
      auto& w = want[name];
      std::sort(w.begin(), w.end());
      if (have != w) {
        return Internal("store.index_inconsistent",
                        "collection '" + name + "': index holds " + std::to_string(have.size()) +
                            " vectors, tables hold " + std::to_string(w.size()));
      }
    }
    for (const auto& [name, w] : want) {
      if (!w.empty() && !indexes_.count(name)) {
        return Internal("store.index_inconsistent", "collection '" + name + "' is not indexed");
      }
    }
    return Status::Ok();
  }

 private:
  double Calibrate(float cosine) const {
    return opt_.calibrate ? opt_.calibrate(cosine) : static_cast<double>(cosine);
  }

  Result<std::vector<float>> OpenEmbedding(const EmbeddingRow& r) const {
    EKYC_ASSIGN_OR_RETURN(
        std::string plain,
        key_.Open(r.sealed, EmbeddingAad(r.collection, r.user_id, r.face_id, r.model_id)));
    return BytesToFloats(plain);
  }

  // Requires index_mu_ held exclusively, or no concurrent readers (start-up).
  Result<AnnIndex*> IndexFor(const std::string& collection, size_t dim) {
    auto& slot = indexes_[collection];
    if (!slot) {
      slot = std::make_unique<AnnIndex>(dim, opt_.hnsw_m, opt_.hnsw_ef_construction,
                                        opt_.hnsw_ef_search);
    }
    if (slot->dim() != dim) {
      return Status(
          StatusCode::kDataLoss, "store.corrupt",
          "collection '" + collection + "' holds vectors of different lengths for one model");
    }
    return slot.get();
  }

  // Applies every change after applied_seq_ to the indexes. Requires write_mu_.
  Status CatchUp(Tx& tx) {
    for (;;) {
      EKYC_ASSIGN_OR_RETURN(auto changes, tx.ChangesSince(applied_seq_, kPage));
      if (changes.empty()) return Status::Ok();
      struct Op {
        char op;
        const ChangeRow* ch;
        std::vector<float> v;
        FaceRef ref;
      };
      std::vector<Op> ops;
      for (const auto& ch : changes) {
        if (ch.model_id != opt_.active_model) continue;
        if (ch.op == 'd') {
          ops.push_back({'d', &ch, {}, {}});
          continue;
        }
        EKYC_ASSIGN_OR_RETURN(auto row, tx.GetEmbedding(ch.emb_pk));
        if (!row) continue;  // deleted since; a later 'd' change follows
        EKYC_ASSIGN_OR_RETURN(auto v, OpenEmbedding(*row));
        ops.push_back({'a', &ch, std::move(v), {row->user_id, row->face_id}});
      }
      std::unique_lock lock(index_mu_);
      for (auto& op : ops) {
        if (op.op == 'a') {
          EKYC_ASSIGN_OR_RETURN(AnnIndex * idx, IndexFor(op.ch->collection, op.v.size()));
          idx->Add(op.ch->emb_pk, op.v.data(), std::move(op.ref));
        } else if (auto it = indexes_.find(op.ch->collection); it != indexes_.end()) {
          it->second->Remove(op.ch->emb_pk);
        }
      }
      applied_seq_ = changes.back().seq;
    }
  }

  Status SyncLocked() {
    return db_->Read([&](Tx& tx) { return CatchUp(tx); });
  }

  // Changes applied since the last snapshot (everything when there is none).
  int64_t PendingChanges() const { return applied_seq_.load() - snapshot_seq_.load(); }

  void SnapshotLoop() {
    auto last = std::chrono::steady_clock::now();
    bool failed = false;
    auto interval = std::chrono::seconds(std::max(1, opt_.snapshot_interval_s));
    std::unique_lock l(snapshot_thread_mu_);
    while (!stop_snapshotter_) {
      snapshot_cv_.wait_for(l, std::min<std::chrono::seconds>(interval, std::chrono::seconds(5)),
                            [&] { return stop_snapshotter_; });
      if (stop_snapshotter_) break;
      int64_t pending = PendingChanges();
      auto now = std::chrono::steady_clock::now();
      bool due = pending >= opt_.snapshot_after_changes || now - last >= interval;
      // After a failure (e.g. an unwritable directory) wait a full interval: each attempt copies
      // the whole graph.
      if (pending <= 0 || !due || (failed && now - last < interval)) continue;
      l.unlock();
      Status st = SnapshotNow();
      l.lock();
      last = std::chrono::steady_clock::now();
      failed = !st.ok();
      if (failed && logger_) logger_->Warn("store.snapshot_failed", {{"error", st.ToString()}});
    }
  }

  void OnRemoteChange() {
    Status st = SyncNow();
    if (!st.ok() && logger_) logger_->Warn("store.sync_failed", {{"error", st.ToString()}});
  }

  // Requires index_mu_ (shared). Returns the best match with another user at/above threshold.
  std::optional<DuplicateMatch> FindDuplicate(const std::string& collection,
                                              const std::string& user_id,
                                              const std::vector<std::vector<float>>& units) const {
    auto it = indexes_.find(collection);
    if (it == indexes_.end()) return std::nullopt;
    std::optional<DuplicateMatch> best;
    for (size_t i = 0; i < units.size(); ++i) {
      for (const auto& c : it->second->Search(units[i].data(), 32)) {
        if (c.ref->user_id == user_id) continue;
        double sim = Calibrate(c.cosine);
        if (sim >= opt_.duplicate_threshold && (!best || sim > best->similarity)) {
          best = DuplicateMatch{c.ref->user_id, c.ref->face_id, sim, i};
        }
        break;  // candidates are best first: the first other user decides for this face
      }
    }
    return best;
  }

  Result<RegisterResult> DoRegister(const Caller& who, const RegisterRequest& req,
                                    DuplicateMatch* duplicate, bool replace) {
    const std::string op = replace ? "replace_user" : "register";
    EKYC_RETURN_IF_ERROR(CheckId(req.collection, "collection"));
    EKYC_RETURN_IF_ERROR(CheckId(req.user_id, "user_id"));
    if (req.faces.empty() && (replace || req.fingerprints.empty())) {
      return InvalidArgument("store.nothing_to_register",
                             replace ? "at least one face is required"
                                     : "at least one face or fingerprint is required");
    }
    std::vector<std::vector<float>> units;
    if (!req.faces.empty()) {
      if (req.model_id != opt_.active_model) {
        return FailedPrecondition("store.model_mismatch",
                                  "embeddings from model '" + req.model_id +
                                      "' cannot be stored: the active model is '" +
                                      opt_.active_model + "'");
      }
      for (size_t i = 0; i < req.faces.size(); ++i) {
        EKYC_ASSIGN_OR_RETURN(
            auto u, Normalize(req.faces[i].embedding, "embedding of face " + std::to_string(i)));
        if (!units.empty() && u.size() != units[0].size()) {
          return InvalidArgument("store.dimension_mismatch",
                                 "faces have embeddings of different lengths");
        }
        units.push_back(std::move(u));
      }
      std::shared_lock lock(index_mu_);
      auto it = indexes_.find(req.collection);
      if (it != indexes_.end() && it->second->dim() != units[0].size()) {
        return InvalidArgument("store.dimension_mismatch",
                               "embeddings have " + std::to_string(units[0].size()) +
                                   " dimensions, the collection's faces have " +
                                   std::to_string(it->second->dim()));
      }
    }
    for (const auto& fp : req.fingerprints) {
      if (fp.image.empty())
        return InvalidArgument("store.bad_fingerprint", "fingerprint image is empty");
      EKYC_RETURN_IF_ERROR(CheckId(fp.finger_position, "finger_position"));
    }

    RegisterResult res;
    res.user_id = req.user_id;
    std::optional<DuplicateMatch> dup;
    bool replaced = false;
    std::lock_guard w(write_mu_);
    EKYC_RETURN_IF_ERROR(db_->Write([&](Tx& tx) -> Status {
      res = RegisterResult{req.user_id, false, {}, {}};
      // See every other node's writes before applying the duplicate rule.
      EKYC_RETURN_IF_ERROR(CatchUp(tx));
      int64_t now = Now();
      {
        std::shared_lock lock(index_mu_);
        dup = FindDuplicate(req.collection, req.user_id, units);
      }
      if (dup)
        return tx.Audit(now, who.name, op, req.collection, req.user_id, "",
                        "refused:duplicate_face");
      EKYC_ASSIGN_OR_RETURN(auto user, tx.FindUser(req.collection, req.user_id));
      int64_t user_pk = 0;
      if (user) {
        user_pk = user->pk;
        EKYC_RETURN_IF_ERROR(tx.TouchUser(user_pk, now));
      } else {
        EKYC_ASSIGN_OR_RETURN(user_pk, tx.InsertUser(req.collection, req.user_id, now));
        res.user_created = true;
      }
      if (replace && user) {
        EKYC_ASSIGN_OR_RETURN(auto embs, tx.UserEmbeddings(user_pk, ""));
        for (const auto& e : embs)
          EKYC_RETURN_IF_ERROR(tx.AppendChange(req.collection, e.model_id, 'd', e.pk));
        EKYC_ASSIGN_OR_RETURN(auto faces, tx.ListFaces(user_pk, false));
        for (const auto& f : faces) EKYC_RETURN_IF_ERROR(tx.DeleteFace(f.pk));
        if (!req.fingerprints.empty()) EKYC_RETURN_IF_ERROR(tx.DeleteFingerprintsOfUser(user_pk));
        replaced = !faces.empty();
      }
      for (size_t i = 0; i < req.faces.size(); ++i) {
        const auto& f = req.faces[i];
        std::string face_id = NewUuid();
        std::optional<std::string> sealed_image;
        if (!f.image.empty()) {
          EKYC_ASSIGN_OR_RETURN(
              sealed_image, key_.Seal(f.image, FaceImageAad(req.collection, req.user_id, face_id)));
        }
        EKYC_ASSIGN_OR_RETURN(int64_t face_pk, tx.InsertFace(user_pk, face_id, f.quality,
                                                             f.image_mime, sealed_image, now));
        EKYC_ASSIGN_OR_RETURN(
            std::string sealed,
            key_.Seal(FloatsToBytes(units[i]),
                      EmbeddingAad(req.collection, req.user_id, face_id, opt_.active_model)));
        EKYC_ASSIGN_OR_RETURN(int64_t emb_pk,
                              tx.InsertEmbedding(face_pk, opt_.active_model,
                                                 static_cast<int>(units[i].size()), sealed, now));
        EKYC_RETURN_IF_ERROR(tx.AppendChange(req.collection, opt_.active_model, 'a', emb_pk));
        res.face_ids.push_back(face_id);
      }
      for (const auto& fp : req.fingerprints) {
        std::string fp_id = NewUuid();
        EKYC_ASSIGN_OR_RETURN(
            std::string sealed,
            key_.Seal(fp.image, FingerprintAad(req.collection, req.user_id, fp_id)));
        EKYC_RETURN_IF_ERROR(
            tx.InsertFingerprint(user_pk, fp_id, fp.finger_position, fp.image_mime, sealed, now)
                .status());
        res.fingerprint_ids.push_back(fp_id);
      }
      std::vector<std::string> ids = res.face_ids;
      ids.insert(ids.end(), res.fingerprint_ids.begin(), res.fingerprint_ids.end());
      return tx.Audit(now, who.name, op, req.collection, req.user_id, Join(ids), "ok");
    }));
    if (dup) {
      if (duplicate) *duplicate = *dup;
      char sim[32];
      std::snprintf(sim, sizeof sim, "%.4f", dup->similarity);
      return Status(StatusCode::kAlreadyExists, "store.duplicate_face",
                    "face " + std::to_string(dup->input_index) +
                        " matches an existing face of user '" + dup->user_id + "' (similarity " +
                        sim + " >= " + std::to_string(opt_.duplicate_threshold) + ")");
    }
    if (replaced) db_->AfterDelete();
    // Committed: bring the index up to date (a failure here is repaired by the next sync).
    Status st = SyncLocked();
    if (!st.ok() && logger_) logger_->Warn("store.sync_failed", {{"error", st.ToString()}});
    return res;
  }

  using DeleteFn = std::function<Status(Tx&, const UserRow&, Status*)>;
  Status DoDelete(const Caller& who, const std::string& op, const std::string& collection,
                  const std::string& user_id, const std::string& item_id, const DeleteFn& fn) {
    EKYC_RETURN_IF_ERROR(CheckId(collection, "collection"));
    EKYC_RETURN_IF_ERROR(CheckId(user_id, "user_id"));
    Status outcome;
    std::lock_guard w(write_mu_);
    EKYC_RETURN_IF_ERROR(db_->Write([&](Tx& tx) -> Status {
      outcome = Status::Ok();
      int64_t now = Now();
      EKYC_ASSIGN_OR_RETURN(auto user, tx.FindUser(collection, user_id));
      if (!user) {
        outcome = StoreNotFound("user not found in collection '" + collection + "'");
      } else {
        EKYC_RETURN_IF_ERROR(fn(tx, *user, &outcome));
      }
      return tx.Audit(now, who.name, op, collection, user_id, item_id,
                      outcome.ok() ? "ok" : "refused:" + outcome.reason());
    }));
    if (outcome.ok()) db_->AfterDelete();
    Status st = SyncLocked();
    if (!st.ok() && logger_) logger_->Warn("store.sync_failed", {{"error", st.ToString()}});
    return outcome;
  }

  void AuditRead(const Caller& who, const std::string& op, const std::string& collection,
                 const std::string& user_id, const Status& outcome) {
    if (!opt_.audit_reads) return;
    Status st = db_->Write(
        [&](Tx& tx) {
          return tx.Audit(Now(), who.name, op, collection, user_id, "",
                          outcome.ok() ? "ok" : "refused:" + outcome.reason());
        },
        /*exclusive=*/false);
    if (!st.ok() && logger_) logger_->Warn("store.audit_failed", {{"error", st.ToString()}});
  }

  StoreOptions opt_;
  std::unique_ptr<Db> db_;
  DataKey key_;
  std::optional<Logger> logger_;
  // Serialises writes and index catch-up. Lock order: snapshot_mu_, then write_mu_, then the Db's
  // own lock, then index_mu_. The snapshot thread holds snapshot_thread_mu_ only while waiting.
  std::mutex write_mu_;
  mutable std::shared_mutex index_mu_;                        // guards indexes_
  std::map<std::string, std::unique_ptr<AnnIndex>> indexes_;  // active model, by collection
  std::atomic<int64_t> applied_seq_{0};
  std::string store_tag_;     // the key check value: binds snapshots to this store and key
  std::string index_source_;  // "snapshot" or "rows"; set once in Init
  bool initialized_ = false;  // Init completed (never snapshot a half-built index)
  std::atomic<int64_t> snapshot_seq_{-1};
  std::mutex snapshot_mu_;  // one snapshot at a time (background thread, SnapshotNow, close)
  std::mutex snapshot_thread_mu_;
  std::condition_variable snapshot_cv_;
  bool stop_snapshotter_ = false;  // guarded by snapshot_thread_mu_
  std::thread snapshotter_;
};

Result<std::unique_ptr<Db>> OpenDb(const StoreOptions& o) {
  if (o.backend == StoreOptions::Backend::kPostgres) return OpenPostgresDb(o.pg_dsn);
  if (o.sqlite_path.empty()) return InvalidArgument("store.config", "no SQLite path given");
  return OpenSqliteDb(o.sqlite_path);
}

Status WrongKey(const StoreOptions& o) {
  return Status(StatusCode::kFailedPrecondition, "store.wrong_key",
                "the data key in " + o.key_file +
                    " is not the key this store was encrypted with; point EKYC_DATA_KEY_FILE at "
                    "the right key file (data cannot be read without it)");
}

// Loads the key and checks it against the stored check value (writing one on first use).
// Completes a key rotation that committed but crashed before installing the new key file.
Result<DataKey> LoadCheckedKey(const StoreOptions& o, Db& db) {
  std::optional<std::string> check;
  EKYC_RETURN_IF_ERROR(db.Read([&](Tx& tx) -> Status {
    EKYC_ASSIGN_OR_RETURN(check, tx.GetMeta("key_check"));
    return Status::Ok();
  }));
  bool create = o.create_key_if_missing && !check;
  EKYC_ASSIGN_OR_RETURN(DataKey key, DataKey::LoadOrCreate(o.key_file, create));
  if (!check) {
    EKYC_ASSIGN_OR_RETURN(std::string value, key.MakeCheckValue());
    Status st = db.Write([&](Tx& tx) -> Status {
      EKYC_ASSIGN_OR_RETURN(auto again, tx.GetMeta("key_check"));
      if (again) {  // another node initialised the store meanwhile
        check = again;
        return Status::Ok();
      }
      EKYC_RETURN_IF_ERROR(tx.PutMeta("schema_version", "1"));
      return tx.PutMeta("key_check", value);
    });
    EKYC_RETURN_IF_ERROR(st);
    if (!check) return key;
  }
  if (key.Verify(*check)) return key;
  std::string pending = o.key_file + ".new";
  std::error_code ec;
  if (std::filesystem::exists(pending, ec)) {
    auto fresh = DataKey::Load(pending);
    if (fresh.ok() && fresh->Verify(*check)) {
      std::filesystem::rename(pending, o.key_file, ec);
      if (ec) {
        return Internal("store.key_write",
                        "cannot install the rotated key " + pending + ": " + ec.message());
      }
      return std::move(*fresh);
    }
  }
  return WrongKey(o);
}

}  // namespace

StoreOptions OptionsFromConfig(const Config& config) {
  StoreOptions o;
  o.backend = config.store_backend == "postgres" ? StoreOptions::Backend::kPostgres
                                                 : StoreOptions::Backend::kSqlite;
  o.sqlite_path = config.data_dir + "/ekyc.db";
  o.pg_dsn = config.pg_dsn;
  o.key_file = config.data_key_file;
  // Several nodes must share one key: never invent one for PostgreSQL.
  o.create_key_if_missing = o.backend == StoreOptions::Backend::kSqlite;
  o.duplicate_threshold = config.duplicate_threshold;
  o.hnsw_ef_search = static_cast<size_t>(config.hnsw_ef_search);
  o.hnsw_m = static_cast<size_t>(config.hnsw_m);
  o.snapshot_dir = config.data_dir + "/index";
  return o;
}

Result<std::unique_ptr<FaceStore>> OpenFaceStore(const StoreOptions& options,
                                                 const Logger* logger) {
  if (options.key_file.empty()) return InvalidArgument("store.config", "no data key file given");
  if (options.active_model.empty()) return InvalidArgument("store.config", "no active model given");
  if (!(options.duplicate_threshold > -1.0 && options.duplicate_threshold <= 1.0) &&
      !options.calibrate) {
    return InvalidArgument("store.config", "duplicate threshold must be a cosine in (-1, 1]");
  }
  EKYC_ASSIGN_OR_RETURN(auto db, OpenDb(options));
  EKYC_ASSIGN_OR_RETURN(DataKey key, LoadCheckedKey(options, *db));
  auto engine = std::make_unique<Engine>(options, std::move(db), std::move(key), logger);
  EKYC_RETURN_IF_ERROR(engine->Init());
  return std::unique_ptr<FaceStore>(std::move(engine));
}

Status GenerateKeyFile(const std::string& path) {
  return DataKey::Random().WriteFile(path);
}

Status RotateKey(const StoreOptions& options, const Logger* logger) {
  EKYC_ASSIGN_OR_RETURN(auto db, OpenDb(options));
  StoreOptions no_create = options;
  no_create.create_key_if_missing = false;
  EKYC_ASSIGN_OR_RETURN(DataKey old_key, LoadCheckedKey(no_create, *db));
  // The data is still under old_key, so any pending key file is from an aborted rotation.
  std::string pending = options.key_file + ".new";
  std::error_code ec;
  std::filesystem::remove(pending, ec);
  DataKey new_key = DataKey::Random();
  EKYC_RETURN_IF_ERROR(new_key.WriteFile(pending));
  int64_t count = 0;
  Status st = db->Write([&](Tx& tx) -> Status {
    for (SealedKind kind :
         {SealedKind::kEmbedding, SealedKind::kFaceImage, SealedKind::kFingerprintImage}) {
      int64_t after = 0;
      for (;;) {
        EKYC_ASSIGN_OR_RETURN(auto rows, tx.ListSealed(kind, after, 512));
        if (rows.empty()) break;
        after = rows.back().pk;
        for (const auto& r : rows) {
          std::string aad = kind == SealedKind::kEmbedding
                                ? EmbeddingAad(r.collection, r.user_id, r.item_id, r.model_id)
                            : kind == SealedKind::kFaceImage
                                ? FaceImageAad(r.collection, r.user_id, r.item_id)
                                : FingerprintAad(r.collection, r.user_id, r.item_id);
          EKYC_ASSIGN_OR_RETURN(std::string plain, old_key.Open(r.sealed, aad));
          EKYC_ASSIGN_OR_RETURN(std::string sealed, new_key.Seal(plain, aad));
          EKYC_RETURN_IF_ERROR(tx.UpdateSealed(kind, r.pk, sealed));
          ++count;
        }
      }
    }
    EKYC_ASSIGN_OR_RETURN(std::string check, new_key.MakeCheckValue());
    EKYC_RETURN_IF_ERROR(tx.PutMeta("key_check", check));
    return tx.Audit(Now(), "cli:rotate-key", "rotate_key", "*", "*", "", "ok");
  });
  if (!st.ok()) {
    std::filesystem::remove(pending, ec);
    return st;
  }
  db->AfterDelete();  // old ciphertexts out of the WAL
  std::filesystem::rename(pending, options.key_file, ec);
  if (ec) {
    return Internal("store.key_write", "data re-encrypted, but installing " + pending + " as " +
                                           options.key_file + " failed (" + ec.message() +
                                           "); rename it by hand before starting the server");
  }
  if (!options.snapshot_dir.empty()) {
    // Sealed under the retired key: they could not be opened any more; do not keep them.
    for (const auto& e : std::filesystem::directory_iterator(options.snapshot_dir, ec)) {
      if (e.path().filename().string().rfind("index-", 0) == 0)
        std::filesystem::remove(e.path(), ec);
    }
  }
  if (logger) logger->Info("store.key_rotated", {{"values", count}});
  return Status::Ok();
}

}  // namespace ekyc::store
