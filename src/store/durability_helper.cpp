// Test helper for durability_test: registers faces into a SQLite store in a loop and, after each
// commit returns, writes "<user_id> <face_id>" to stdout. Writes an index snapshot every 10
// registrations, so that kills also land while a snapshot is being written. The test kills it
// with SIGKILL.
// Usage: store_durability_helper <data_dir> <first_user_number>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "store/store.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <data_dir> <first_user_number>\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  long first = std::stol(argv[2]);
  ekyc::store::StoreOptions o;
  o.sqlite_path = dir + "/ekyc.db";
  o.key_file = dir + "/data.key";
  o.audit_reads = false;
  o.snapshot_dir = dir + "/index";
  auto store = ekyc::store::OpenFaceStore(o);
  if (!store.ok()) {
    std::fprintf(stderr, "open failed: %s\n", store.status().ToString().c_str());
    return 1;
  }
  for (long n = first;; ++n) {
    std::mt19937 rng(static_cast<uint32_t>(n));
    std::normal_distribution<float> g(0, 1);
    ekyc::store::RegisterRequest req;
    req.user_id = "d" + std::to_string(n);
    req.model_id = o.active_model;
    ekyc::store::FaceInput f;
    f.embedding.resize(192);
    for (auto& x : f.embedding) x = g(rng);
    f.image = std::string(2000, static_cast<char>('a' + n % 26));
    req.faces.push_back(std::move(f));
    auto r = (*store)->Register({"durability"}, req);
    if (!r.ok()) {
      std::fprintf(stderr, "register failed: %s\n", r.status().ToString().c_str());
      return 1;
    }
    std::string line = req.user_id + " " + r->face_ids[0] + "\n";
    if (::write(1, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return 1;
    if (n % 10 == 9) {
      auto st = (*store)->SnapshotNow();
      if (!st.ok()) {
        std::fprintf(stderr, "snapshot failed: %s\n", st.ToString().c_str());
        return 1;
      }
    }
  }
}
