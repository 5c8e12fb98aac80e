// The contents of an index snapshot (store/snapshot.h), sealed under a key the target holds so
// that every input reaches the loader behind the encryption, then every loaded index searched.
// (A file that does not open under the data key is refused before any of this; the fuzzer
// plays an attacker who could write valid ciphertext, or a bug in the writer.)
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz/fuzz_target.h"
#include "store/snapshot.h"

namespace ekyc::fuzz {
// The HNSW parameters the seed corpus was written with (fuzz/make_snapshot_seed.cpp).
inline constexpr size_t kSnapshotM = 8, kSnapshotEfConstruction = 32;
}  // namespace ekyc::fuzz

EKYC_FUZZ_TARGET(snapshot) {
  using namespace ekyc::store;
  static const DataKey key = DataKey::Random();
  static const std::string path = [] {
    char dir[] = "/tmp/ekyc-fuzz-snap-XXXXXX";
    if (::mkdtemp(dir) == nullptr) std::abort();
    return std::string(dir) + "/index.snap";
  }();
  if (!SealSnapshotContents(path, key, "fuzz-store", "fuzz-model", ekyc::fuzz::AsView(data, size))
           .ok()) {
    std::abort();
  }
  auto loaded = ReadSnapshot(path, key, "fuzz-store", "fuzz-model", ekyc::fuzz::kSnapshotM,
                             ekyc::fuzz::kSnapshotEfConstruction, 16);
  if (!loaded.ok()) return 0;
  for (const auto& [name, index] : loaded->indexes) {
    std::vector<float> q(index->dim(), 0.0f);
    q[0] = 1.0f;
    for (const Candidate& c : index->Search(q.data(), 5)) {
      if (c.ref == nullptr) __builtin_trap();
    }
    (void)index->Labels();
  }
  return 0;
}
