// Encrypted snapshots of the in-memory ANN indexes of one model, so that a restart loads the HNSW
// graphs instead of re-inserting every vector (about 2.5 ms of CPU per insert at 1M faces).
//
// One file per model holds every collection's index plus the change sequence it reflects; at
// start the engine loads it and applies only the later changes. The graphs contain the
// embeddings, so the file is sealed under the data key like every other embedding: AES-256-GCM in
// chunks of 4 MiB, each chunk's associated data naming the model, the store (its key check value),
// the total length and the chunk number. A truncated, reordered, tampered or foreign file, or one
// written under another key, fails to open and the caller rebuilds from the tables.
//
// File: "EKYCIDX2" | u32 chunk bytes | u64 plaintext bytes | sealed chunks (DataKey format).
// Plaintext: u64 seq | u32 collections | per collection: name, u64 dim, m, ef_construction,
// u64 live labels, (i64 label, user id, face id)*, u64 graph bytes, hnswlib's serialisation,
// u64 vector bytes, float vectors (one row per graph slot, zero for deleted slots).
// Strings are u32 length + bytes; integers little-endian.
//
// Thread-safety: free functions; PrepareSnapshot needs the indexes unchanged while it runs, the
// other steps touch only their own arguments.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/ann_index.h"
#include "store/crypto.h"

namespace ekyc::store {

// The snapshot file for a model inside `dir`.
std::string SnapshotPath(const std::string& dir, const std::string& model);

// Removes temporary files left in `dir` by snapshot writers that died (their process is gone).
void RemoveStaleSnapshotTemps(const std::string& dir);

// A copy of the indexes taken under the engine's write lock (graphs in anonymous memory files, so
// the slow part, encrypting and writing, runs without the lock).
class PreparedSnapshot {
 public:
  PreparedSnapshot() = default;
  ~PreparedSnapshot();
  PreparedSnapshot(PreparedSnapshot&& other) noexcept;
  PreparedSnapshot& operator=(PreparedSnapshot&& other) noexcept;
  PreparedSnapshot(const PreparedSnapshot&) = delete;

  int64_t seq = 0;
  struct Part {
    std::string collection;
    std::string meta;   // dim, m, ef_construction, labels and refs, serialised
    int graph_fd = -1;  // hnswlib's serialisation (8-bit codes)
    uint64_t graph_bytes = 0;
    int exact_fd = -1;  // float vectors, one row per graph slot
    uint64_t exact_bytes = 0;
  };
  std::vector<Part> parts;
  uint64_t labels = 0;
};

Result<PreparedSnapshot> PrepareSnapshot(
    int64_t seq, const std::map<std::string, std::unique_ptr<AnnIndex>>& indexes);

// Writes atomically: a private temporary file (mode 0600), fsync, rename over the old snapshot.
// `store_tag` binds the file to one store (the key check value). Returns the file size.
Result<uint64_t> WriteSnapshot(const std::string& path, const DataKey& key,
                               const std::string& store_tag, const std::string& model,
                               const PreparedSnapshot& snap);

// Writes `contents` (the plaintext described above, whatever it holds) as a sealed snapshot file,
// exactly as WriteSnapshot seals its own. For tests and the snapshot fuzz target, which need files
// whose contents are theirs to choose but that open under the key.
Status SealSnapshotContents(const std::string& path, const DataKey& key,
                            const std::string& store_tag, const std::string& model,
                            std::string_view contents);

struct LoadedSnapshot {
  int64_t seq = 0;
  std::map<std::string, std::unique_ptr<AnnIndex>> indexes;
};

// Reads and checks a snapshot. "store.snapshot_missing" when there is none; other reasons
// ("store.snapshot_invalid", "store.snapshot_read") mean it is unusable and must be rebuilt.
Result<LoadedSnapshot> ReadSnapshot(const std::string& path, const DataKey& key,
                                    const std::string& store_tag, const std::string& model,
                                    size_t m, size_t ef_construction, size_t ef_search);

}  // namespace ekyc::store
