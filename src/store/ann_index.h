// In-memory ANN index over unit vectors of one (collection, model): hnswlib HNSW in inner-product
// space, labels = embedding row ids. Deletions mark the point deleted (hnswlib keeps the slot until
// the next rebuild at start-up or snapshot load, where they stay marked deleted).
//
// The graph holds each vector as an 8-bit code (one float scale + dim signed bytes, symmetric
// scalar quantisation): a graph walk at 1M faces is bound by memory traffic, and 8-bit codes cut
// it 4x against floats. The float vectors are kept beside the graph and every result is re-ranked
// exactly from them, so scores are exact and the code only decides which candidates are looked at.
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
}  // namespace hnswlib

namespace ekyc::store {

class Sq8Space;  // hnswlib space over Sq8Code vectors (ann_index.cpp)

struct FaceRef {
  std::string user_id;
  std::string face_id;
};

// The 8-bit code the graph stores for `unit` (dim floats): 4-byte float scale, then dim int8.
// Exposed for tests.
std::string Sq8Code(const float* unit, size_t dim);

// Growable array of fixed-size float rows in anonymous memory. Grows with mremap, which moves
// pages instead of copying them, so growing a 1.3 GB array does not need 2.6 GB for a moment.
// Thread-safety: none; the owner's lock covers it.
class FloatRows {
 public:
  explicit FloatRows(size_t dim) : dim_(dim) {}
  ~FloatRows();
  FloatRows(const FloatRows&) = delete;
  FloatRows& operator=(const FloatRows&) = delete;
  // Keeps the first min(rows, old rows) rows; new rows are zero. Throws std::bad_alloc on failure.
  void Resize(size_t rows);
  size_t rows() const { return rows_; }
  float* row(size_t i) { return base_ + i * dim_; }
  const float* row(size_t i) const { return base_ + i * dim_; }

 private:
  size_t dim_;
  size_t rows_ = 0;
  float* base_ = nullptr;
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
  // Up to k nearest live points, best first, with exact cosines (the graph's nearest
  // max(k, kRerank) by 8-bit code, re-ranked by the float vectors).
  std::vector<Candidate> Search(const float* unit, size_t k) const;

  // Snapshot support (store/snapshot.h). Live labels and what they point to.
  const std::unordered_map<int64_t, FaceRef>& refs() const { return refs_; }
  // Writes hnswlib's serialisation of the graph to `graph_path` and the float vectors (one row per
  // graph slot) to `exact_path` (memory files in practice). Points marked deleted are zeroed in
  // both copies, so that a deleted face's embedding does not outlive it in a snapshot.
  // Thread-safety: needs the index unchanged meanwhile (shared lock).
  Status SaveGraph(const std::string& graph_path, const std::string& exact_path) const;
  // Loads what SaveGraph wrote. `refs` are the live labels; fails when the graph does not agree
  // with them or was built with another dimension, M or ef_construction.
  static Result<std::unique_ptr<AnnIndex>> LoadGraph(const std::string& graph_path,
                                                     const std::string& exact_path, size_t dim,
                                                     size_t m, size_t ef_construction,
                                                     size_t ef_search,
                                                     std::unordered_map<int64_t, FaceRef> refs);

  // Candidates taken from the graph for exact re-ranking when fewer are asked for.
  static constexpr size_t kRerank = 64;

 private:
  explicit AnnIndex(size_t dim);  // no graph yet (LoadGraph)
  // Copies the float vector of each label into the row of its graph slot.
  void StoreExact(const int64_t* labels, const float* vecs, size_t n);

  size_t dim_;
  size_t m_ = 0;
  size_t ef_construction_ = 0;
  std::unique_ptr<Sq8Space> space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> hnsw_;
  size_t capacity_ = 0;
  size_t used_ = 0;                            // slots taken, deleted included
  FloatRows exact_;                            // float vector per graph slot (capacity_ rows)
  std::unordered_map<int64_t, FaceRef> refs_;  // live labels only
};

}  // namespace ekyc::store
