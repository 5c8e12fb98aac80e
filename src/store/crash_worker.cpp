// Crash-safety workload for tools/reliability/crash_safety.py (not a test): registrations,
// duplicate checks, searches and deletes on a real store, printing a journal line for every
// operation before it starts ("BEGIN ...") and after the store acknowledged it ("ACK ..."). The
// driver kills it with SIGKILL at random moments and restarts it many times, then checks the
// tables and the index against the acknowledged operations.
//
//   store_crash_worker run    (--sqlite DIR | --pg DSN --key FILE) LIVE_FILE RUN_ID
//   store_crash_worker verify (--sqlite DIR | --pg DSN --key FILE) USERS_FILE
//
// LIVE_FILE lists the users the journal says exist ("user face:k,face:k,...", k the embedding
// number), so that duplicate
// checks, searches and deletes also hit users written by earlier (killed) runs. Embeddings are
// derived from (user, face number) alone, so any run can rebuild any user's vectors.
// `verify` prints "USER <id> <face,...|->" for each user of USERS_FILE and "CONSISTENT ok|<why>".
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "store/store.h"

namespace {

using namespace ekyc::store;
using ekyc::Status;

constexpr size_t kDim = 192;

uint64_t Fnv(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

std::vector<float> Embedding(const std::string& user, int k) {
  std::mt19937_64 rng(Fnv(user + "#" + std::to_string(k)));
  std::normal_distribution<float> g(0, 1);
  std::vector<float> v(kDim);
  for (auto& x : v) x = g(rng);
  return v;
}

void Say(const std::string& line) {
  std::string l = line + "\n";
  if (::write(1, l.data(), l.size()) != static_cast<ssize_t>(l.size())) _exit(3);
}

struct Live {
  std::string user;
  std::vector<std::string> faces;
  std::vector<int> ks;  // the embedding number of each face
};

std::vector<Live> ReadLive(const std::string& path) {
  std::vector<Live> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    std::istringstream ss(line);
    Live l;
    std::string faces;
    if (!(ss >> l.user >> faces)) continue;
    std::istringstream fs(faces);
    for (std::string f; std::getline(fs, f, ',');) {
      const auto colon = f.rfind(':');
      if (colon == std::string::npos) continue;
      l.faces.push_back(f.substr(0, colon));
      l.ks.push_back(std::stoi(f.substr(colon + 1)));
    }
    if (!l.faces.empty()) out.push_back(std::move(l));
  }
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s.empty() ? "-" : s;
}

int Run(std::unique_ptr<FaceStore> store, const std::string& model, std::vector<Live> live,
        const std::string& run_id) {
  std::mt19937 rng(static_cast<uint32_t>(Fnv(run_id)));
  std::uniform_real_distribution<double> u01(0, 1);
  const Caller who{"crash-worker"};
  for (long n = 0;; ++n) {
    const double op = u01(rng);
    if (op < 0.45 || live.empty()) {  // register a new user with 1-3 faces
      Live l;
      l.user = run_id + "-u" + std::to_string(n);
      RegisterRequest req;
      req.user_id = l.user;
      req.model_id = model;
      const int faces = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < faces; ++k) {
        FaceInput f;
        f.embedding = Embedding(l.user, k);
        f.image = std::string(1500, static_cast<char>('a' + k));
        f.image_mime = "image/jpeg";
        req.faces.push_back(std::move(f));
      }
      for (int k = 0; k < faces; ++k) l.ks.push_back(k);
      Say("BEGIN REG " + l.user + " " + std::to_string(faces));
      auto r = store->Register(who, req);
      if (!r.ok()) {
        Say("FAIL REG " + l.user + " " + r.status().ToString());
        return 1;
      }
      l.faces = r->face_ids;
      Say("ACK REG " + l.user + " " + std::to_string(faces) + " " + Join(l.faces));
      live.push_back(std::move(l));
    } else if (op < 0.60) {  // duplicate check: another user with a near-copy of a stored face
      const Live& target = live[rng() % live.size()];
      auto v = Embedding(target.user, target.ks[rng() % target.ks.size()]);
      std::normal_distribution<float> noise(0, 0.05f);
      for (auto& x : v) x += noise(rng);
      RegisterRequest req;
      req.user_id = run_id + "-dup" + std::to_string(n);
      req.model_id = model;
      FaceInput f;
      f.embedding = v;
      req.faces.push_back(std::move(f));
      Say("BEGIN DUP " + req.user_id + " " + target.user);
      DuplicateMatch dup;
      auto r = store->Register(who, req, &dup);
      if (r.ok()) {
        // Not refused: the index lost the face it should have matched. Journal it as a real
        // registration so that the state stays right, and report it.
        Say("ACK REG " + req.user_id + " 1 " + Join(r->face_ids));
        Say("ERROR DUPMISS " + req.user_id + " " + target.user);
        live.push_back({req.user_id, r->face_ids, {0}});
      } else if (r.status().reason() == "store.duplicate_face") {
        Say("ACK DUP " + req.user_id + " " + dup.user_id);
      } else {
        Say("FAIL DUP " + r.status().ToString());
        return 1;
      }
    } else if (op < 0.72) {  // search with a stored face: its user must come first
      const Live& target = live[rng() % live.size()];
      auto v = Embedding(target.user, target.ks[rng() % target.ks.size()]);
      auto r = store->Search(who, kDefaultCollection, v, 1, 0.5);
      if (!r.ok()) {
        Say("FAIL SEARCH " + r.status().ToString());
        return 1;
      }
      // Random 192-D vectors are nearly orthogonal: the stored face itself must come first.
      const std::string top = r->matches.empty() ? "-" : r->matches[0].user_id;
      Say("ACK SEARCH " + target.user + " " + top);
      if (top != target.user) Say("ERROR SEARCHMISS " + target.user + " " + top);
    } else if (op < 0.87) {  // delete a user
      const size_t i = rng() % live.size();
      const std::string user = live[i].user;
      Say("BEGIN DEL " + user);
      Status s = store->DeleteUser(who, kDefaultCollection, user);
      if (!s.ok()) {
        Say("FAIL DEL " + user + " " + s.ToString());
        return 1;
      }
      Say("ACK DEL " + user);
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
    } else {  // delete one face of a user who has several
      std::vector<size_t> several;
      for (size_t i = 0; i < live.size(); ++i)
        if (live[i].faces.size() >= 2) several.push_back(i);
      if (several.empty()) continue;
      Live& l = live[several[rng() % several.size()]];
      const size_t k = rng() % l.faces.size();
      const std::string face = l.faces[k];
      Say("BEGIN DELFACE " + l.user + " " + face);
      Status s = store->DeleteFace(who, kDefaultCollection, l.user, face);
      if (!s.ok()) {
        Say("FAIL DELFACE " + l.user + " " + s.ToString());
        return 1;
      }
      Say("ACK DELFACE " + l.user + " " + face);
      l.faces.erase(l.faces.begin() + static_cast<std::ptrdiff_t>(k));
      l.ks.erase(l.ks.begin() + static_cast<std::ptrdiff_t>(k));
    }
    if (n % 25 == 24) {  // kills also land while a snapshot is written
      Say("BEGIN SNAPSHOT");
      Status s = store->SnapshotNow();
      if (!s.ok()) {
        Say("FAIL SNAPSHOT " + s.ToString());
        return 1;
      }
      Say("ACK SNAPSHOT");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() < 3) {
    std::fprintf(stderr,
                 "usage: store_crash_worker run|verify (--sqlite DIR | --pg DSN --key FILE) ...\n");
    return 2;
  }
  StoreOptions o;
  o.audit_reads = false;
  o.hnsw_m = 16;  // small graphs: the workload is about crashes, not recall at scale
  o.hnsw_ef_construction = 100;
  size_t rest = 0;
  if (a[1] == "--sqlite") {
    o.sqlite_path = a[2] + "/ekyc.db";
    o.key_file = a[2] + "/data.key";
    o.snapshot_dir = a[2] + "/index";
    rest = 3;
  } else if (a[1] == "--pg" && a.size() >= 5) {
    o.backend = StoreOptions::Backend::kPostgres;
    o.pg_dsn = a[2];
    o.key_file = a[4];
    o.snapshot_dir = a[4] + ".index";
    rest = 5;
  } else {
    std::fprintf(stderr, "store_crash_worker: --sqlite DIR or --pg DSN --key FILE\n");
    return 2;
  }
  auto store = OpenFaceStore(o);
  if (!store.ok()) {
    Say("FAIL OPEN " + store.status().ToString());
    return 1;
  }
  Status consistent = (*store)->CheckIndexConsistency();
  auto stats = (*store)->Stats();
  Say("OPEN index_source=" + (stats.ok() ? stats->index_source : "?") +
      " consistent=" + (consistent.ok() ? "ok" : consistent.ToString()));
  if (a[0] == "run" && a.size() == rest + 2) {
    return Run(std::move(*store), o.active_model, ReadLive(a[rest]), a[rest + 1]);
  }
  if (a[0] == "verify" && a.size() == rest + 1) {
    std::ifstream in(a[rest]);
    for (std::string user; std::getline(in, user);) {
      if (user.empty()) continue;
      auto u = (*store)->GetUser({"crash-verify"}, kDefaultCollection, user, false);
      std::vector<std::string> faces;
      if (u.ok()) {
        for (const auto& f : u->faces) faces.push_back(f.face_id);
      }
      Say("USER " + user + " " + (u.ok() ? Join(faces) : "absent"));
    }
    Say(std::string("CONSISTENT ") + (consistent.ok() ? "ok" : consistent.ToString()));
    return 0;
  }
  std::fprintf(stderr, "store_crash_worker: bad arguments\n");
  return 2;
}
