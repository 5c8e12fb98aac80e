// In-memory ANN index over unit vectors of one (collection, model): hnswlib HNSW in inner-product
// space, labels = embedding row ids. Deletions mark the point deleted (hnswlib keeps the slot until
// the next rebuild at start-up or snapshot load, where they stay marked deleted).
//
// Thread-safety: none of its own. Callers hold a shared lock for Search/Contains and an exclusive
// lock for Add/AddBatch/Remove/Reserve.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace hnswlib {
template <typename T>
class HierarchicalNSW;
class InnerProductSpace;
}  // namespace hnswlib

namespace ekyc::store {

struct FaceRef {
  std::string user_id;
  std::string face_id;
};

struct Candidate {
  int64_t label = 0;
  float cosine = 0;  // exact, recomputed from the stored vector
  const FaceRef* ref = nullptr;
};

class AnnIndex {
 public:
  AnnIndex(size_t dim, size_t m, size_t ef_construction, size_t ef_search);
  ~AnnIndex();
  AnnIndex(const AnnIndex&) = delete;
  AnnIndex& operator=(const AnnIndex&) = delete;

  size_t dim() const { return dim_; }
  size_t m() const { return m_; }
  size_t ef_construction() const { return ef_construction_; }
  size_t live() const { return refs_.size(); }
  // Ensures room for `extra` more points.
  void Reserve(size_t extra);
  // `unit` has dim() floats. Ignores a label already present.
  void Add(int64_t label, const float* unit, FaceRef ref);
  // Adds many points using `threads` threads (hnswlib inserts concurrently). vecs holds
  // labels.size() * dim() floats. Labels already present are ignored.
  void AddBatch(const std::vector<int64_t>& labels, std::vector<FaceRef> refs,
                const std::vector<float>& vecs, int threads);
  void Remove(int64_t label);  // no-op when absent
  bool Contains(int64_t label) const { return refs_.count(label) != 0; }
  std::vector<int64_t> Labels() const;
  // Up to k nearest live points, best first.
  std::vector<Candidate> Search(const float* unit, size_t k) const;

  // Snapshot support (store/snapshot.h). Live labels and what they point to.
  const std::unordered_map<int64_t, FaceRef>& refs() const { return refs_; }
  // Writes hnswlib's serialisation of the graph to `path` (a memory file in practice), then zeroes
  // the vectors of points marked deleted in that copy, so that a deleted face's embedding does not
  // outlive it in a snapshot. Thread-safety: needs the index unchanged meanwhile (shared lock).
  Status SaveGraph(const std::string& path) const;
  // Loads a graph written by SaveGraph. `refs` are the live labels; fails when the graph does not
  // agree with them or was built with another dimension, M or ef_construction.
  static Result<std::unique_ptr<AnnIndex>> LoadGraph(const std::string& path, size_t dim, size_t m,
                                                     size_t ef_construction, size_t ef_search,
                                                     std::unordered_map<int64_t, FaceRef> refs);

 private:
  explicit AnnIndex(size_t dim);  // no graph yet (LoadGraph)

  size_t dim_;
  size_t m_ = 0;
  size_t ef_construction_ = 0;
  std::unique_ptr<hnswlib::InnerProductSpace> space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> hnsw_;
  size_t capacity_ = 0;
  size_t used_ = 0;                            // slots taken, deleted included
  std::unordered_map<int64_t, FaceRef> refs_;  // live labels only
};

}  // namespace ekyc::store
