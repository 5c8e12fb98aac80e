// PostgreSQL backend (libpqxx 6.4). Several nodes share one database. Every write that changes
// the set of indexed vectors appends to `changes` (BIGSERIAL) and NOTIFYs `ekyc_changes`; a
// listener thread per node wakes the engine, which applies the changes after its last seen seq.
// Exclusive writes take one cluster-wide advisory lock, so change sequence numbers become visible
// in order (no gaps a node could skip) and the duplicate-face rule sees every node's faces.
#include <atomic>
#include <chrono>
#include <mutex>
#include <pqxx/pqxx>
#include <thread>

#include "store/db.h"

namespace ekyc::store {
namespace {

constexpr long long kWriteLock = 0x656b7963'0001;   // "ekyc" 1
constexpr long long kSchemaLock = 0x656b7963'0002;  // "ekyc" 2
constexpr const char* kChannel = "ekyc_changes";

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  id BIGSERIAL PRIMARY KEY,
  collection TEXT NOT NULL, user_id TEXT NOT NULL,
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
  UNIQUE (collection, user_id));
CREATE TABLE IF NOT EXISTS faces (
  id BIGSERIAL PRIMARY KEY,
  user_pk BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  face_id TEXT NOT NULL UNIQUE, quality DOUBLE PRECISION NOT NULL,
  image_mime TEXT NOT NULL DEFAULT '', image BYTEA,
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS faces_user ON faces(user_pk);
CREATE TABLE IF NOT EXISTS embeddings (
  id BIGSERIAL PRIMARY KEY,
  face_pk BIGINT NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
  model_id TEXT NOT NULL, dim INTEGER NOT NULL, vec BYTEA NOT NULL,
  created_at BIGINT NOT NULL, UNIQUE (face_pk, model_id));
CREATE INDEX IF NOT EXISTS embeddings_model ON embeddings(model_id, id);
CREATE TABLE IF NOT EXISTS fingerprints (
  id BIGSERIAL PRIMARY KEY,
  user_pk BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  fingerprint_id TEXT NOT NULL UNIQUE, finger_position TEXT NOT NULL,
  image_mime TEXT NOT NULL DEFAULT '', image BYTEA NOT NULL, created_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS fingerprints_user ON fingerprints(user_pk);
CREATE TABLE IF NOT EXISTS changes (
  seq BIGSERIAL PRIMARY KEY,
  collection TEXT NOT NULL, model_id TEXT NOT NULL, op TEXT NOT NULL, emb_pk BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
  id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL,
  operation TEXT NOT NULL, collection TEXT NOT NULL, user_id TEXT NOT NULL,
  face_ids TEXT NOT NULL, outcome TEXT NOT NULL);
)SQL";

std::string Bytes(const pqxx::field& f) {
  return pqxx::binarystring(f).str();
}

class PgTx : public Tx {
 public:
  explicit PgTx(pqxx::transaction_base& t) : t_(t) {}

  Result<std::optional<std::string>> GetMeta(const std::string& key) override {
    auto r = t_.exec_params("SELECT value FROM meta WHERE key=$1", key);
    if (r.empty()) return std::optional<std::string>();
    return std::optional<std::string>(r[0][0].as<std::string>());
  }
  Status PutMeta(const std::string& key, const std::string& value) override {
    t_.exec_params(
        "INSERT INTO meta(key,value) VALUES($1,$2) ON CONFLICT(key) DO UPDATE SET "
        "value=excluded.value",
        key, value);
    return Status::Ok();
  }

  Result<std::optional<UserRow>> FindUser(const std::string& collection,
                                          const std::string& user_id) override {
    auto r = t_.exec_params(
        "SELECT id, created_at, updated_at FROM users WHERE collection=$1 AND user_id=$2",
        collection, user_id);
    if (r.empty()) return std::optional<UserRow>();
    return std::optional<UserRow>(UserRow{r[0][0].as<int64_t>(), collection, user_id,
                                          r[0][1].as<int64_t>(), r[0][2].as<int64_t>()});
  }
  Result<int64_t> InsertUser(const std::string& collection, const std::string& user_id,
                             int64_t now) override {
    auto r = t_.exec_params1(
        "INSERT INTO users(collection,user_id,created_at,updated_at) VALUES($1,$2,$3,$3) RETURNING "
        "id",
        collection, user_id, now);
    return r[0].as<int64_t>();
  }
  Status TouchUser(int64_t user_pk, int64_t now) override {
    t_.exec_params("UPDATE users SET updated_at=$1 WHERE id=$2", now, user_pk);
    return Status::Ok();
  }
  Status DeleteUser(int64_t user_pk) override {
    t_.exec_params("DELETE FROM users WHERE id=$1", user_pk);
    return Status::Ok();
  }

  Result<int64_t> InsertFace(int64_t user_pk, const std::string& face_id, double quality,
                             const std::string& image_mime,
                             const std::optional<std::string>& sealed_image, int64_t now) override {
    if (sealed_image) {
      return t_
          .exec_params1(
              "INSERT INTO faces(user_pk,face_id,quality,image_mime,image,created_at,updated_at) "
              "VALUES($1,$2,$3,$4,$5,$6,$6) RETURNING id",
              user_pk, face_id, quality, image_mime, pqxx::binarystring(*sealed_image), now)[0]
          .as<int64_t>();
    }
    return t_
        .exec_params1(
            "INSERT INTO faces(user_pk,face_id,quality,image_mime,image,created_at,updated_at) "
            "VALUES($1,$2,$3,$4,NULL,$5,$5) RETURNING id",
            user_pk, face_id, quality, image_mime, now)[0]
        .as<int64_t>();
  }
  Result<std::optional<int64_t>> FindFace(int64_t user_pk, const std::string& face_id) override {
    auto r =
        t_.exec_params("SELECT id FROM faces WHERE user_pk=$1 AND face_id=$2", user_pk, face_id);
    if (r.empty()) return std::optional<int64_t>();
    return std::optional<int64_t>(r[0][0].as<int64_t>());
  }
  Status DeleteFace(int64_t face_pk) override {
    t_.exec_params("DELETE FROM faces WHERE id=$1", face_pk);
    return Status::Ok();
  }
  Result<std::vector<FaceRow>> ListFaces(int64_t user_pk, bool with_images) override {
    auto r = t_.exec_params(
        "SELECT f.id, f.face_id, f.quality, f.created_at, f.updated_at, f.image_mime, "
        "f.image IS NOT NULL, CASE WHEN $1 THEN f.image END, "
        "(SELECT string_agg(model_id, E'\\n' ORDER BY model_id) FROM embeddings e WHERE "
        "e.face_pk=f.id) "
        "FROM faces f WHERE f.user_pk=$2 ORDER BY f.id",
        with_images, user_pk);
    std::vector<FaceRow> out;
    for (const auto& row : r) {
      FaceRow f;
      f.pk = row[0].as<int64_t>();
      f.face_id = row[1].as<std::string>();
      f.quality = row[2].as<double>();
      f.created_at = row[3].as<int64_t>();
      f.updated_at = row[4].as<int64_t>();
      f.image_mime = row[5].as<std::string>();
      f.has_image = row[6].as<bool>();
      if (!row[7].is_null()) f.sealed_image = Bytes(row[7]);
      if (!row[8].is_null()) {
        std::string models = row[8].as<std::string>();
        size_t p = 0;
        while (p <= models.size()) {
          size_t q = models.find('\n', p);
          if (q == std::string::npos) q = models.size();
          f.models.push_back(models.substr(p, q - p));
          p = q + 1;
        }
      }
      out.push_back(std::move(f));
    }
    return out;
  }

  Result<int64_t> InsertEmbedding(int64_t face_pk, const std::string& model_id, int dim,
                                  const std::string& sealed, int64_t now) override {
    return t_
        .exec_params1(
            "INSERT INTO embeddings(face_pk,model_id,dim,vec,created_at) "
            "VALUES($1,$2,$3,$4,$5) RETURNING id",
            face_pk, model_id, dim, pqxx::binarystring(sealed), now)[0]
        .as<int64_t>();
  }

  static constexpr const char* kEmbSelect =
      "SELECT e.id, u.collection, u.user_id, f.face_id, e.model_id, e.vec FROM embeddings e "
      "JOIN faces f ON f.id=e.face_pk JOIN users u ON u.id=f.user_pk ";

  static std::vector<EmbeddingRow> Embeddings(const pqxx::result& r) {
    std::vector<EmbeddingRow> out;
    out.reserve(r.size());
    for (const auto& row : r) {
      out.push_back({row[0].as<int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
                     row[3].as<std::string>(), row[4].as<std::string>(), Bytes(row[5])});
    }
    return out;
  }
  Result<std::vector<EmbeddingRow>> UserEmbeddings(int64_t user_pk,
                                                   const std::string& model_id) override {
    return Embeddings(t_.exec_params(
        std::string(kEmbSelect) + "WHERE u.id=$1 AND ($2='' OR e.model_id=$2) ORDER BY e.id",
        user_pk, model_id));
  }
  Result<std::vector<EmbeddingRow>> FaceEmbeddings(int64_t face_pk) override {
    return Embeddings(
        t_.exec_params(std::string(kEmbSelect) + "WHERE f.id=$1 ORDER BY e.id", face_pk));
  }
  Result<std::optional<EmbeddingRow>> GetEmbedding(int64_t pk) override {
    auto rows = Embeddings(t_.exec_params(std::string(kEmbSelect) + "WHERE e.id=$1", pk));
    if (rows.empty()) return std::optional<EmbeddingRow>();
    return std::optional<EmbeddingRow>(std::move(rows[0]));
  }
  Result<std::vector<EmbeddingRow>> EmbeddingsOfModel(const std::string& model_id, int64_t after_pk,
                                                      int limit) override {
    return Embeddings(t_.exec_params(
        std::string(kEmbSelect) + "WHERE e.model_id=$1 AND e.id>$2 ORDER BY e.id LIMIT $3",
        model_id, after_pk, limit));
  }

  Result<int64_t> InsertFingerprint(int64_t user_pk, const std::string& fingerprint_id,
                                    const std::string& position, const std::string& image_mime,
                                    const std::string& sealed_image, int64_t now) override {
    return t_
        .exec_params1(
            "INSERT INTO fingerprints(user_pk,fingerprint_id,finger_position,image_mime,image,"
            "created_at) VALUES($1,$2,$3,$4,$5,$6) RETURNING id",
            user_pk, fingerprint_id, position, image_mime, pqxx::binarystring(sealed_image), now)[0]
        .as<int64_t>();
  }
  Result<bool> DeleteFingerprint(int64_t user_pk, const std::string& fingerprint_id) override {
    auto r = t_.exec_params("DELETE FROM fingerprints WHERE user_pk=$1 AND fingerprint_id=$2",
                            user_pk, fingerprint_id);
    return r.affected_rows() > 0;
  }
  Status DeleteFingerprintsOfUser(int64_t user_pk) override {
    t_.exec_params("DELETE FROM fingerprints WHERE user_pk=$1", user_pk);
    return Status::Ok();
  }
  Result<std::vector<FingerprintRow>> ListFingerprints(int64_t user_pk, bool with_images) override {
    auto r = t_.exec_params(
        "SELECT id, fingerprint_id, finger_position, created_at, image_mime, "
        "CASE WHEN $1 THEN image END FROM fingerprints WHERE user_pk=$2 ORDER BY id",
        with_images, user_pk);
    std::vector<FingerprintRow> out;
    for (const auto& row : r) {
      FingerprintRow f{row[0].as<int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
                       row[3].as<int64_t>(), row[4].as<std::string>(), std::nullopt};
      if (!row[5].is_null()) f.sealed_image = Bytes(row[5]);
      out.push_back(std::move(f));
    }
    return out;
  }

  Status AppendChange(const std::string& collection, const std::string& model_id, char op,
                      int64_t emb_pk) override {
    t_.exec_params("INSERT INTO changes(collection,model_id,op,emb_pk) VALUES($1,$2,$3,$4)",
                   collection, model_id, std::string(1, op), emb_pk);
    // Delivered at commit; identical notifications in one transaction are folded into one.
    t_.exec_params("SELECT pg_notify($1, '')", std::string(kChannel));
    return Status::Ok();
  }
  Result<std::vector<ChangeRow>> ChangesSince(int64_t seq, int limit) override {
    auto r = t_.exec_params(
        "SELECT seq, collection, model_id, op, emb_pk FROM changes WHERE seq>$1 ORDER BY seq LIMIT "
        "$2",
        seq, limit);
    std::vector<ChangeRow> out;
    for (const auto& row : r) {
      std::string op = row[3].as<std::string>();
      out.push_back({row[0].as<int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
                     op.empty() ? '?' : op[0], row[4].as<int64_t>()});
    }
    return out;
  }
  Result<int64_t> MaxChangeSeq() override {
    return t_.exec1("SELECT COALESCE(MAX(seq),0) FROM changes")[0].as<int64_t>();
  }

  Status Audit(int64_t now, const std::string& actor, const std::string& operation,
               const std::string& collection, const std::string& user_id,
               const std::string& face_ids, const std::string& outcome) override {
    t_.exec_params(
        "INSERT INTO audit(at,actor,operation,collection,user_id,face_ids,outcome) "
        "VALUES($1,$2,$3,$4,$5,$6,$7)",
        now, actor, operation, collection, user_id, face_ids, outcome);
    return Status::Ok();
  }

  Result<std::vector<ReembedRow>> FacesLackingModel(const std::string& new_model,
                                                    const std::string& old_model,
                                                    int64_t after_face_pk, int limit) override {
    auto r = t_.exec_params(
        "SELECT f.id, u.collection, u.user_id, f.face_id, f.image, "
        "(SELECT vec FROM embeddings o WHERE o.face_pk=f.id AND o.model_id=$1) "
        "FROM faces f JOIN users u ON u.id=f.user_pk WHERE f.id>$2 AND NOT EXISTS "
        "(SELECT 1 FROM embeddings n WHERE n.face_pk=f.id AND n.model_id=$3) ORDER BY f.id LIMIT "
        "$4",
        old_model, after_face_pk, new_model, limit);
    std::vector<ReembedRow> out;
    for (const auto& row : r) {
      ReembedRow x{row[0].as<int64_t>(),
                   row[1].as<std::string>(),
                   row[2].as<std::string>(),
                   row[3].as<std::string>(),
                   std::nullopt,
                   std::nullopt};
      if (!row[4].is_null()) x.sealed_image = Bytes(row[4]);
      if (!row[5].is_null()) x.sealed_old = Bytes(row[5]);
      out.push_back(std::move(x));
    }
    return out;
  }

  Result<std::vector<SealedRow>> ListSealed(SealedKind kind, int64_t after_pk, int limit) override {
    const char* sql = nullptr;
    switch (kind) {
      case SealedKind::kEmbedding:
        sql =
            "SELECT e.id, u.collection, u.user_id, f.face_id, e.model_id, e.vec FROM embeddings e "
            "JOIN faces f ON f.id=e.face_pk JOIN users u ON u.id=f.user_pk WHERE e.id>$1 "
            "ORDER BY e.id LIMIT $2";
        break;
      case SealedKind::kFaceImage:
        sql =
            "SELECT f.id, u.collection, u.user_id, f.face_id, '', f.image FROM faces f "
            "JOIN users u ON u.id=f.user_pk WHERE f.id>$1 AND f.image IS NOT NULL "
            "ORDER BY f.id LIMIT $2";
        break;
      case SealedKind::kFingerprintImage:
        sql =
            "SELECT p.id, u.collection, u.user_id, p.fingerprint_id, '', p.image FROM fingerprints "
            "p "
            "JOIN users u ON u.id=p.user_pk WHERE p.id>$1 ORDER BY p.id LIMIT $2";
        break;
    }
    auto r = t_.exec_params(sql, after_pk, limit);
    std::vector<SealedRow> out;
    for (const auto& row : r) {
      out.push_back({row[0].as<int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
                     row[3].as<std::string>(), row[4].as<std::string>(), Bytes(row[5])});
    }
    return out;
  }
  Status UpdateSealed(SealedKind kind, int64_t pk, const std::string& sealed) override {
    const char* sql = kind == SealedKind::kEmbedding ? "UPDATE embeddings SET vec=$1 WHERE id=$2"
                      : kind == SealedKind::kFaceImage
                          ? "UPDATE faces SET image=$1 WHERE id=$2"
                          : "UPDATE fingerprints SET image=$1 WHERE id=$2";
    t_.exec_params(sql, pqxx::binarystring(sealed), pk);
    return Status::Ok();
  }

  Result<CountRow> Counts() override {
    CountRow c;
    auto r = t_.exec1(
        "SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM faces), "
        "(SELECT COUNT(*) FROM fingerprints), (SELECT COUNT(*) FROM audit)");
    c.users = r[0].as<int64_t>();
    c.faces = r[1].as<int64_t>();
    c.fingerprints = r[2].as<int64_t>();
    c.audit_rows = r[3].as<int64_t>();
    for (const auto& row :
         t_.exec("SELECT model_id, COUNT(*) FROM embeddings GROUP BY model_id ORDER BY model_id")) {
      c.embeddings_per_model.emplace_back(row[0].as<std::string>(), row[1].as<int64_t>());
    }
    return c;
  }

  Result<std::vector<AuditEvent>> RecentAudit(int limit, int64_t before_id) override {
    auto r = t_.exec_params(
        "SELECT id, at, actor, operation, collection, outcome, face_ids FROM audit "
        "WHERE ($1=0 OR id<$1) ORDER BY id DESC LIMIT $2",
        before_id, limit);
    std::vector<AuditEvent> out;
    for (const auto& row : r) {
      out.push_back({row[0].as<int64_t>(), row[1].as<int64_t>(), row[2].as<std::string>(),
                     row[3].as<std::string>(), row[4].as<std::string>(), row[5].as<std::string>(),
                     CountIds(row[6].as<std::string>())});
    }
    return out;
  }

 private:
  pqxx::transaction_base& t_;
};

class Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, std::atomic<bool>* flag)
      : pqxx::notification_receiver(c, kChannel), flag_(flag) {}
  void operator()(const std::string&, int) override { *flag_ = true; }

 private:
  std::atomic<bool>* flag_;
};

Status DbError(const std::exception& e) {
  return {StatusCode::kUnavailable, "store.db_error", std::string("PostgreSQL: ") + e.what()};
}

class PgDb : public Db {
 public:
  explicit PgDb(std::string dsn) : dsn_(std::move(dsn)) {}
  ~PgDb() override { StopListening(); }

  std::string backend() const override { return "postgres"; }

  Status Connect() {
    try {
      conn_ = std::make_unique<pqxx::connection>(dsn_);
      pqxx::work w(*conn_);
      w.exec_params("SELECT pg_advisory_xact_lock($1)", kSchemaLock);
      w.exec(kSchema);
      w.commit();
      return Status::Ok();
    } catch (const std::exception& e) {
      conn_.reset();
      return {StatusCode::kUnavailable, "store.db_open",
              std::string("cannot connect to PostgreSQL (check EKYC_PG_DSN): ") + e.what()};
    }
  }

  Status Write(const std::function<Status(Tx&)>& fn, bool exclusive) override {
    std::lock_guard lock(mu_);
    try {
      EKYC_RETURN_IF_ERROR(Reconnect());
      pqxx::work w(*conn_);
      if (exclusive) w.exec_params("SELECT pg_advisory_xact_lock($1)", kWriteLock);
      PgTx tx(w);
      Status st = fn(tx);
      if (!st.ok()) {
        w.abort();
        return st;
      }
      w.commit();
      return Status::Ok();
    } catch (const pqxx::broken_connection& e) {
      conn_.reset();
      return DbError(e);
    } catch (const std::exception& e) {
      return DbError(e);
    }
  }

  Status Read(const std::function<Status(Tx&)>& fn) override {
    std::lock_guard lock(mu_);
    try {
      EKYC_RETURN_IF_ERROR(Reconnect());
      pqxx::transaction<pqxx::repeatable_read, pqxx::read_write> t(*conn_);
      PgTx tx(t);
      Status st = fn(tx);
      t.commit();
      return st;
    } catch (const pqxx::broken_connection& e) {
      conn_.reset();
      return DbError(e);
    } catch (const std::exception& e) {
      return DbError(e);
    }
  }

  Status StartListening(std::function<void()> on_change, int poll_ms) override {
    stop_ = false;
    listener_ = std::thread(
        [this, on_change = std::move(on_change), poll_ms] { Listen(on_change, poll_ms); });
    return Status::Ok();
  }

  void StopListening() override {
    stop_ = true;
    if (listener_.joinable()) listener_.join();
  }

 private:
  Status Reconnect() {
    if (conn_) return Status::Ok();
    try {
      conn_ = std::make_unique<pqxx::connection>(dsn_);
      return Status::Ok();
    } catch (const std::exception& e) {
      return DbError(e);
    }
  }

  void Listen(const std::function<void()>& on_change, int poll_ms) {
    using Clock = std::chrono::steady_clock;
    std::unique_ptr<pqxx::connection> conn;
    std::unique_ptr<Receiver> receiver;
    std::atomic<bool> notified{false};
    auto last = Clock::now();
    while (!stop_) {
      try {
        if (!conn) {
          conn = std::make_unique<pqxx::connection>(dsn_);
          receiver = std::make_unique<Receiver>(*conn, &notified);
          notified = true;  // catch up on whatever happened while disconnected
        }
        conn->await_notification(0, 200'000);
      } catch (const std::exception&) {
        receiver.reset();
        conn.reset();
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
      }
      if (notified.exchange(false) || Clock::now() - last > std::chrono::milliseconds(poll_ms)) {
        last = Clock::now();
        on_change();
      }
    }
    receiver.reset();
  }

  std::string dsn_;
  std::mutex mu_;  // the main connection is used by one thread at a time
  std::unique_ptr<pqxx::connection> conn_;
  std::atomic<bool> stop_{false};
  std::thread listener_;
};

}  // namespace

Result<std::unique_ptr<Db>> OpenPostgresDb(const std::string& dsn) {
  if (dsn.empty()) return InvalidArgument("store.config", "EKYC_PG_DSN is empty");
  auto db = std::make_unique<PgDb>(dsn);
  EKYC_RETURN_IF_ERROR(db->Connect());
  return std::unique_ptr<Db>(std::move(db));
}

}  // namespace ekyc::store
