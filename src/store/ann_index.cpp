#include "store/ann_index.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace ekyc::store {

AnnIndex::AnnIndex(size_t dim, size_t m, size_t ef_construction, size_t ef_search)
    : dim_(dim), space_(std::make_unique<hnswlib::InnerProductSpace>(dim)) {
  capacity_ = 1024;
  hnsw_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(space_.get(), capacity_, m,
                                                            ef_construction, /*seed=*/100);
  // Set once: hnswlib reads ef_ unsynchronised during searches.
  hnsw_->setEf(ef_search);
}

AnnIndex::~AnnIndex() = default;

void AnnIndex::Reserve(size_t extra) {
  if (used_ + extra <= capacity_) return;
  size_t want = std::max(capacity_ * 2, used_ + extra);
  hnsw_->resizeIndex(want);
  capacity_ = want;
}

void AnnIndex::Add(int64_t label, const float* unit, FaceRef ref) {
  if (refs_.count(label)) return;
  Reserve(1);
  hnsw_->addPoint(unit, static_cast<hnswlib::labeltype>(label));
  ++used_;
  refs_.emplace(label, std::move(ref));
}

void AnnIndex::AddBatch(const std::vector<int64_t>& labels, std::vector<FaceRef> refs,
                        const std::vector<float>& vecs, int threads) {
  std::vector<size_t> todo;
  todo.reserve(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    if (refs_.count(labels[i])) continue;
    refs_.emplace(labels[i], std::move(refs[i]));
    todo.push_back(i);
  }
  Reserve(todo.size());
  used_ += todo.size();
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t j = next++; j < todo.size(); j = next++) {
      size_t i = todo[j];
      hnsw_->addPoint(vecs.data() + i * dim_, static_cast<hnswlib::labeltype>(labels[i]));
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

void AnnIndex::Remove(int64_t label) {
  auto it = refs_.find(label);
  if (it == refs_.end()) return;
  hnsw_->markDelete(static_cast<hnswlib::labeltype>(label));
  refs_.erase(it);
}

std::vector<int64_t> AnnIndex::Labels() const {
  std::vector<int64_t> out;
  out.reserve(refs_.size());
  for (const auto& [label, ref] : refs_) out.push_back(label);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Candidate> AnnIndex::Search(const float* unit, size_t k) const {
  std::vector<Candidate> out;
  if (refs_.empty() || k == 0) return out;
  auto pq = hnsw_->searchKnn(unit, std::min(k, refs_.size()));
  out.reserve(pq.size());
  while (!pq.empty()) {
    auto label = static_cast<int64_t>(pq.top().second);
    pq.pop();
    auto it = refs_.find(label);
    if (it == refs_.end()) continue;
    // Exact score from the stored vector, in double precision.
    const float* v = reinterpret_cast<const float*>(
        hnsw_->getDataByInternalId(hnsw_->label_lookup_.at(static_cast<hnswlib::labeltype>(label))));
    double dot = 0;
    for (size_t i = 0; i < dim_; ++i) dot += static_cast<double>(unit[i]) * v[i];
    out.push_back({label, static_cast<float>(dot), &it->second});
  }
  std::sort(out.begin(), out.end(),
            [](const Candidate& a, const Candidate& b) { return a.cosine > b.cosine; });
  return out;
}

}  // namespace ekyc::store
