// SQLite backend: one file, WAL journal, synchronous=FULL (an acknowledged write survives a crash
// of the process or the machine), secure_delete (deleted rows are overwritten, not just unlinked).
#include <sqlite3.h>

#include <filesystem>
#include <mutex>

#include "store/db.h"

namespace ekyc::store {
namespace {

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  collection TEXT NOT NULL, user_id TEXT NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  UNIQUE (collection, user_id));
CREATE TABLE IF NOT EXISTS faces (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_pk INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  face_id TEXT NOT NULL UNIQUE, quality REAL NOT NULL,
  image_mime TEXT NOT NULL DEFAULT '', image BLOB,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS faces_user ON faces(user_pk);
CREATE TABLE IF NOT EXISTS embeddings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  face_pk INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
  model_id TEXT NOT NULL, dim INTEGER NOT NULL, vec BLOB NOT NULL,
  created_at INTEGER NOT NULL, UNIQUE (face_pk, model_id));
CREATE INDEX IF NOT EXISTS embeddings_model ON embeddings(model_id, id);
CREATE TABLE IF NOT EXISTS fingerprints (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_pk INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  fingerprint_id TEXT NOT NULL UNIQUE, finger_position TEXT NOT NULL,
  image_mime TEXT NOT NULL DEFAULT '', image BLOB NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS fingerprints_user ON fingerprints(user_pk);
CREATE TABLE IF NOT EXISTS changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  collection TEXT NOT NULL, model_id TEXT NOT NULL, op TEXT NOT NULL, emb_pk INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL,
  operation TEXT NOT NULL, collection TEXT NOT NULL, user_id TEXT NOT NULL,
  face_ids TEXT NOT NULL, outcome TEXT NOT NULL);
)SQL";

Status DbError(sqlite3* db, const std::string& what) {
  return {StatusCode::kUnavailable, "store.db_error",
          "SQLite " + what + " failed: " + (db ? sqlite3_errmsg(db) : "out of memory")};
}

// One prepared statement; binds by 1-based position.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK) s_ = nullptr;
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return s_ != nullptr; }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& Bind(int i, double v) {
    sqlite3_bind_double(s_, i, v);
    return *this;
  }
  Stmt& Bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& BindBlob(int i, const std::string& v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& BindNull(int i) {
    sqlite3_bind_null(s_, i);
    return *this;
  }
  // SQLITE_ROW -> 1, SQLITE_DONE -> 0, error -> -1.
  int Step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    return -1;
  }
  int64_t Int(int c) const { return sqlite3_column_int64(s_, c); }
  double Real(int c) const { return sqlite3_column_double(s_, c); }
  bool IsNull(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  std::string Text(int c) const {
    const void* p = sqlite3_column_blob(s_, c);
    int n = sqlite3_column_bytes(s_, c);
    return p ? std::string(static_cast<const char*>(p), n) : std::string();
  }
  Status Error(const std::string& what) const { return DbError(db_, what); }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

#define PREP(var, sql) \
  Stmt var(db_, sql);  \
  if (!var.ok()) return DbError(db_, "prepare")
#define EXEC(var, what) \
  if (var.Step() < 0) return var.Error(what)

class SqliteTx : public Tx {
 public:
  explicit SqliteTx(sqlite3* db) : db_(db) {}

  Result<std::optional<std::string>> GetMeta(const std::string& key) override {
    PREP(s, "SELECT value FROM meta WHERE key=?");
    s.Bind(1, key);
    int r = s.Step();
    if (r < 0) return s.Error("read meta");
    if (r == 0) return std::optional<std::string>();
    return std::optional<std::string>(s.Text(0));
  }
  Status PutMeta(const std::string& key, const std::string& value) override {
    PREP(s,
         "INSERT INTO meta(key,value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET "
         "value=excluded.value");
    s.Bind(1, key).Bind(2, value);
    EXEC(s, "write meta");
    return Status::Ok();
  }

  Result<std::optional<UserRow>> FindUser(const std::string& collection,
                                          const std::string& user_id) override {
    PREP(s, "SELECT id, created_at, updated_at FROM users WHERE collection=? AND user_id=?");
    s.Bind(1, collection).Bind(2, user_id);
    int r = s.Step();
    if (r < 0) return s.Error("find user");
    if (r == 0) return std::optional<UserRow>();
    return std::optional<UserRow>(UserRow{s.Int(0), collection, user_id, s.Int(1), s.Int(2)});
  }
  Result<int64_t> InsertUser(const std::string& collection, const std::string& user_id,
                             int64_t now) override {
    PREP(s, "INSERT INTO users(collection,user_id,created_at,updated_at) VALUES(?,?,?,?)");
    s.Bind(1, collection).Bind(2, user_id).Bind(3, now).Bind(4, now);
    EXEC(s, "insert user");
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  }
  Status TouchUser(int64_t user_pk, int64_t now) override {
    PREP(s, "UPDATE users SET updated_at=? WHERE id=?");
    s.Bind(1, now).Bind(2, user_pk);
    EXEC(s, "update user");
    return Status::Ok();
  }
  Status DeleteUser(int64_t user_pk) override {
    PREP(s, "DELETE FROM users WHERE id=?");
    s.Bind(1, user_pk);
    EXEC(s, "delete user");
    return Status::Ok();
  }

  Result<int64_t> InsertFace(int64_t user_pk, const std::string& face_id, double quality,
                             const std::string& image_mime,
                             const std::optional<std::string>& sealed_image, int64_t now) override {
    PREP(s,
         "INSERT INTO faces(user_pk,face_id,quality,image_mime,image,created_at,updated_at) "
         "VALUES(?,?,?,?,?,?,?)");
    s.Bind(1, user_pk).Bind(2, face_id).Bind(3, quality).Bind(4, image_mime);
    if (sealed_image)
      s.BindBlob(5, *sealed_image);
    else
      s.BindNull(5);
    s.Bind(6, now).Bind(7, now);
    EXEC(s, "insert face");
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  }
  Result<std::optional<int64_t>> FindFace(int64_t user_pk, const std::string& face_id) override {
    PREP(s, "SELECT id FROM faces WHERE user_pk=? AND face_id=?");
    s.Bind(1, user_pk).Bind(2, face_id);
    int r = s.Step();
    if (r < 0) return s.Error("find face");
    if (r == 0) return std::optional<int64_t>();
    return std::optional<int64_t>(s.Int(0));
  }
  Status DeleteFace(int64_t face_pk) override {
    PREP(s, "DELETE FROM faces WHERE id=?");
    s.Bind(1, face_pk);
    EXEC(s, "delete face");
    return Status::Ok();
  }
  Result<std::vector<FaceRow>> ListFaces(int64_t user_pk, bool with_images) override {
    PREP(s,
         "SELECT f.id, f.face_id, f.quality, f.created_at, f.updated_at, f.image_mime, "
         "f.image IS NOT NULL, CASE WHEN ? THEN f.image END, "
         "(SELECT group_concat(model_id, char(10)) FROM embeddings e WHERE e.face_pk=f.id) "
         "FROM faces f WHERE f.user_pk=? ORDER BY f.id");
    s.Bind(1, int64_t{with_images ? 1 : 0}).Bind(2, user_pk);
    std::vector<FaceRow> out;
    int r;
    while ((r = s.Step()) == 1) {
      FaceRow f;
      f.pk = s.Int(0);
      f.face_id = s.Text(1);
      f.quality = s.Real(2);
      f.created_at = s.Int(3);
      f.updated_at = s.Int(4);
      f.image_mime = s.Text(5);
      f.has_image = s.Int(6) != 0;
      if (!s.IsNull(7)) f.sealed_image = s.Text(7);
      std::string models = s.Text(8);
      size_t p = 0;
      while (!models.empty() && p <= models.size()) {
        size_t q = models.find('\n', p);
        if (q == std::string::npos) q = models.size();
        f.models.push_back(models.substr(p, q - p));
        p = q + 1;
      }
      out.push_back(std::move(f));
    }
    if (r < 0) return s.Error("list faces");
    return out;
  }

  Result<int64_t> InsertEmbedding(int64_t face_pk, const std::string& model_id, int dim,
                                  const std::string& sealed, int64_t now) override {
    PREP(s, "INSERT INTO embeddings(face_pk,model_id,dim,vec,created_at) VALUES(?,?,?,?,?)");
    s.Bind(1, face_pk).Bind(2, model_id).Bind(3, int64_t{dim}).BindBlob(4, sealed).Bind(5, now);
    EXEC(s, "insert embedding");
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  }

  static constexpr const char* kEmbSelect =
      "SELECT e.id, u.collection, u.user_id, f.face_id, e.model_id, e.vec FROM embeddings e "
      "JOIN faces f ON f.id=e.face_pk JOIN users u ON u.id=f.user_pk ";

  Result<std::vector<EmbeddingRow>> Embeddings(Stmt& s) {
    std::vector<EmbeddingRow> out;
    int r;
    while ((r = s.Step()) == 1) {
      out.push_back({s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5)});
    }
    if (r < 0) return s.Error("read embeddings");
    return out;
  }
  Result<std::vector<EmbeddingRow>> UserEmbeddings(int64_t user_pk,
                                                   const std::string& model_id) override {
    std::string sql =
        std::string(kEmbSelect) + "WHERE u.id=? AND (?='' OR e.model_id=?) ORDER BY e.id";
    PREP(s, sql.c_str());
    s.Bind(1, user_pk).Bind(2, model_id).Bind(3, model_id);
    return Embeddings(s);
  }
  Result<std::vector<EmbeddingRow>> FaceEmbeddings(int64_t face_pk) override {
    std::string sql = std::string(kEmbSelect) + "WHERE f.id=? ORDER BY e.id";
    PREP(s, sql.c_str());
    s.Bind(1, face_pk);
    return Embeddings(s);
  }
  Result<std::optional<EmbeddingRow>> GetEmbedding(int64_t pk) override {
    std::string sql = std::string(kEmbSelect) + "WHERE e.id=?";
    PREP(s, sql.c_str());
    s.Bind(1, pk);
    EKYC_ASSIGN_OR_RETURN(auto rows, Embeddings(s));
    if (rows.empty()) return std::optional<EmbeddingRow>();
    return std::optional<EmbeddingRow>(std::move(rows[0]));
  }
  Result<std::vector<EmbeddingRow>> EmbeddingsOfModel(const std::string& model_id, int64_t after_pk,
                                                      int limit) override {
    std::string sql =
        std::string(kEmbSelect) + "WHERE e.model_id=? AND e.id>? ORDER BY e.id LIMIT ?";
    PREP(s, sql.c_str());
    s.Bind(1, model_id).Bind(2, after_pk).Bind(3, int64_t{limit});
    return Embeddings(s);
  }

  Result<int64_t> InsertFingerprint(int64_t user_pk, const std::string& fingerprint_id,
                                    const std::string& position, const std::string& image_mime,
                                    const std::string& sealed_image, int64_t now) override {
    PREP(s,
         "INSERT INTO fingerprints(user_pk,fingerprint_id,finger_position,image_mime,image,"
         "created_at) VALUES(?,?,?,?,?,?)");
    s.Bind(1, user_pk).Bind(2, fingerprint_id).Bind(3, position).Bind(4, image_mime);
    s.BindBlob(5, sealed_image).Bind(6, now);
    EXEC(s, "insert fingerprint");
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  }
  Result<bool> DeleteFingerprint(int64_t user_pk, const std::string& fingerprint_id) override {
    PREP(s, "DELETE FROM fingerprints WHERE user_pk=? AND fingerprint_id=?");
    s.Bind(1, user_pk).Bind(2, fingerprint_id);
    EXEC(s, "delete fingerprint");
    return sqlite3_changes(db_) > 0;
  }
  Status DeleteFingerprintsOfUser(int64_t user_pk) override {
    PREP(s, "DELETE FROM fingerprints WHERE user_pk=?");
    s.Bind(1, user_pk);
    EXEC(s, "delete fingerprints");
    return Status::Ok();
  }
  Result<std::vector<FingerprintRow>> ListFingerprints(int64_t user_pk, bool with_images) override {
    PREP(s,
         "SELECT id, fingerprint_id, finger_position, created_at, image_mime, "
         "CASE WHEN ? THEN image END FROM fingerprints WHERE user_pk=? ORDER BY id");
    s.Bind(1, int64_t{with_images ? 1 : 0}).Bind(2, user_pk);
    std::vector<FingerprintRow> out;
    int r;
    while ((r = s.Step()) == 1) {
      FingerprintRow f{s.Int(0), s.Text(1), s.Text(2), s.Int(3), s.Text(4), std::nullopt};
      if (!s.IsNull(5)) f.sealed_image = s.Text(5);
      out.push_back(std::move(f));
    }
    if (r < 0) return s.Error("list fingerprints");
    return out;
  }

  Status AppendChange(const std::string& collection, const std::string& model_id, char op,
                      int64_t emb_pk) override {
    PREP(s, "INSERT INTO changes(collection,model_id,op,emb_pk) VALUES(?,?,?,?)");
    s.Bind(1, collection).Bind(2, model_id).Bind(3, std::string(1, op)).Bind(4, emb_pk);
    EXEC(s, "append change");
    return Status::Ok();
  }
  Result<std::vector<ChangeRow>> ChangesSince(int64_t seq, int limit) override {
    PREP(s,
         "SELECT seq, collection, model_id, op, emb_pk FROM changes WHERE seq>? ORDER BY seq LIMIT "
         "?");
    s.Bind(1, seq).Bind(2, int64_t{limit});
    std::vector<ChangeRow> out;
    int r;
    while ((r = s.Step()) == 1) {
      std::string op = s.Text(3);
      out.push_back({s.Int(0), s.Text(1), s.Text(2), op.empty() ? '?' : op[0], s.Int(4)});
    }
    if (r < 0) return s.Error("read changes");
    return out;
  }
  Result<int64_t> MaxChangeSeq() override {
    PREP(s, "SELECT COALESCE(MAX(seq),0) FROM changes");
    if (s.Step() != 1) return s.Error("read change sequence");
    return s.Int(0);
  }

  Status Audit(int64_t now, const std::string& actor, const std::string& operation,
               const std::string& collection, const std::string& user_id,
               const std::string& face_ids, const std::string& outcome) override {
    PREP(s,
         "INSERT INTO audit(at,actor,operation,collection,user_id,face_ids,outcome) "
         "VALUES(?,?,?,?,?,?,?)");
    s.Bind(1, now).Bind(2, actor).Bind(3, operation).Bind(4, collection).Bind(5, user_id);
    s.Bind(6, face_ids).Bind(7, outcome);
    EXEC(s, "write audit");
    return Status::Ok();
  }

  Result<std::vector<ReembedRow>> FacesLackingModel(const std::string& new_model,
                                                    const std::string& old_model,
                                                    int64_t after_face_pk, int limit) override {
    PREP(
        s,
        "SELECT f.id, u.collection, u.user_id, f.face_id, f.image, "
        "(SELECT vec FROM embeddings o WHERE o.face_pk=f.id AND o.model_id=?) "
        "FROM faces f JOIN users u ON u.id=f.user_pk WHERE f.id>? AND NOT EXISTS "
        "(SELECT 1 FROM embeddings n WHERE n.face_pk=f.id AND n.model_id=?) ORDER BY f.id LIMIT ?");
    s.Bind(1, old_model).Bind(2, after_face_pk).Bind(3, new_model).Bind(4, int64_t{limit});
    std::vector<ReembedRow> out;
    int r;
    while ((r = s.Step()) == 1) {
      ReembedRow row{s.Int(0), s.Text(1), s.Text(2), s.Text(3), std::nullopt, std::nullopt};
      if (!s.IsNull(4)) row.sealed_image = s.Text(4);
      if (!s.IsNull(5)) row.sealed_old = s.Text(5);
      out.push_back(std::move(row));
    }
    if (r < 0) return s.Error("list faces to re-embed");
    return out;
  }

  Result<std::vector<SealedRow>> ListSealed(SealedKind kind, int64_t after_pk, int limit) override {
    const char* sql = nullptr;
    switch (kind) {
      case SealedKind::kEmbedding:
        sql =
            "SELECT e.id, u.collection, u.user_id, f.face_id, e.model_id, e.vec FROM embeddings e "
            "JOIN faces f ON f.id=e.face_pk JOIN users u ON u.id=f.user_pk WHERE e.id>? "
            "ORDER BY e.id LIMIT ?";
        break;
      case SealedKind::kFaceImage:
        sql =
            "SELECT f.id, u.collection, u.user_id, f.face_id, '', f.image FROM faces f "
            "JOIN users u ON u.id=f.user_pk WHERE f.id>? AND f.image IS NOT NULL "
            "ORDER BY f.id LIMIT ?";
        break;
      case SealedKind::kFingerprintImage:
        sql =
            "SELECT p.id, u.collection, u.user_id, p.fingerprint_id, '', p.image FROM fingerprints "
            "p "
            "JOIN users u ON u.id=p.user_pk WHERE p.id>? ORDER BY p.id LIMIT ?";
        break;
    }
    PREP(s, sql);
    s.Bind(1, after_pk).Bind(2, int64_t{limit});
    std::vector<SealedRow> out;
    int r;
    while ((r = s.Step()) == 1) {
      out.push_back({s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5)});
    }
    if (r < 0) return s.Error("list sealed values");
    return out;
  }
  Status UpdateSealed(SealedKind kind, int64_t pk, const std::string& sealed) override {
    const char* sql = kind == SealedKind::kEmbedding ? "UPDATE embeddings SET vec=? WHERE id=?"
                      : kind == SealedKind::kFaceImage
                          ? "UPDATE faces SET image=? WHERE id=?"
                          : "UPDATE fingerprints SET image=? WHERE id=?";
    PREP(s, sql);
    s.BindBlob(1, sealed).Bind(2, pk);
    EXEC(s, "re-encrypt");
    return Status::Ok();
  }

  Result<CountRow> Counts() override {
    CountRow c;
    {
      PREP(s,
           "SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM faces), "
           "(SELECT COUNT(*) FROM fingerprints), (SELECT COUNT(*) FROM audit)");
      if (s.Step() != 1) return s.Error("count");
      c.users = s.Int(0);
      c.faces = s.Int(1);
      c.fingerprints = s.Int(2);
      c.audit_rows = s.Int(3);
    }
    PREP(s, "SELECT model_id, COUNT(*) FROM embeddings GROUP BY model_id ORDER BY model_id");
    int r;
    while ((r = s.Step()) == 1) c.embeddings_per_model.emplace_back(s.Text(0), s.Int(1));
    if (r < 0) return s.Error("count embeddings");
    return c;
  }

  Result<std::vector<AuditEvent>> RecentAudit(int limit, int64_t before_id) override {
    PREP(s,
         "SELECT id, at, actor, operation, collection, outcome, face_ids FROM audit "
         "WHERE (?=0 OR id<?) ORDER BY id DESC LIMIT ?");
    s.Bind(1, before_id).Bind(2, before_id).Bind(3, int64_t{limit});
    std::vector<AuditEvent> out;
    int r;
    while ((r = s.Step()) == 1) {
      out.push_back(
          {s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), CountIds(s.Text(6))});
    }
    if (r < 0) return s.Error("read audit");
    return out;
  }

 private:
  sqlite3* db_;
};

class SqliteDb : public Db {
 public:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  ~SqliteDb() override { sqlite3_close_v2(db_); }

  std::string backend() const override { return "sqlite"; }

  Status Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown";
      sqlite3_free(err);
      return {StatusCode::kUnavailable, "store.db_error", std::string("SQLite: ") + msg};
    }
    return Status::Ok();
  }

  Status Run(const std::function<Status(Tx&)>& fn, const char* begin) {
    std::lock_guard lock(mu_);
    EKYC_RETURN_IF_ERROR(Exec(begin));
    SqliteTx tx(db_);
    Status st = fn(tx);
    if (st.ok()) {
      st = Exec("COMMIT");
      if (st.ok()) return st;
    }
    (void)Exec("ROLLBACK");
    return st;
  }
  Status Write(const std::function<Status(Tx&)>& fn, bool) override {
    return Run(fn, "BEGIN IMMEDIATE");
  }
  Status Read(const std::function<Status(Tx&)>& fn) override { return Run(fn, "BEGIN"); }
  // secure_delete zeroes freed content in the database file; the WAL still holds the old page
  // images until a checkpoint, so checkpoint and truncate it.
  void AfterDelete() override {
    std::lock_guard lock(mu_);
    (void)Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  Status StartListening(std::function<void()>, int) override { return Status::Ok(); }
  void StopListening() override {}

 private:
  std::mutex mu_;  // one connection, used by one thread at a time
  sqlite3* db_;
};

}  // namespace

Result<std::unique_ptr<Db>> OpenSqliteDb(const std::string& path) {
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto db = std::make_unique<SqliteDb>(raw);
  if (rc != SQLITE_OK) {
    return Status(StatusCode::kUnavailable, "store.db_open",
                  "cannot open SQLite database " + path + ": " + sqlite3_errstr(rc));
  }
  sqlite3_busy_timeout(raw, 10'000);
  // The file holds biometric data: owner-only permissions.
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
      std::filesystem::perm_options::replace, ec);
  EKYC_RETURN_IF_ERROR(
      db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
               "PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON;"));
  EKYC_RETURN_IF_ERROR(db->Exec(kSchema));
  return std::unique_ptr<Db>(std::move(db));
}

}  // namespace ekyc::store
