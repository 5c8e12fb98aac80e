#include "store/ann_index.h"

#include <fcntl.h>
#include <hnswlib/hnswlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>

namespace ekyc::store {

AnnIndex::AnnIndex(size_t dim)
    : dim_(dim), space_(std::make_unique<hnswlib::InnerProductSpace>(dim)) {}

AnnIndex::AnnIndex(size_t dim, size_t m, size_t ef_construction, size_t ef_search)
    : dim_(dim),
      m_(m),
      ef_construction_(ef_construction),
      space_(std::make_unique<hnswlib::InnerProductSpace>(dim)) {
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
  std::vector<size_t> pending;
  pending.reserve(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    if (refs_.count(labels[i])) continue;
    refs_.emplace(labels[i], std::move(refs[i]));
    pending.push_back(i);
  }
  Reserve(pending.size());
  used_ += pending.size();
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t j = next++; j < pending.size(); j = next++) {
      size_t i = pending[j];
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
    const float* v = reinterpret_cast<const float*>(hnsw_->getDataByInternalId(
        hnsw_->label_lookup_.at(static_cast<hnswlib::labeltype>(label))));
    double dot = 0;
    for (size_t i = 0; i < dim_; ++i) dot += static_cast<double>(unit[i]) * v[i];
    out.push_back({label, static_cast<float>(dot), &it->second});
  }
  std::sort(out.begin(), out.end(),
            [](const Candidate& a, const Candidate& b) { return a.cosine > b.cosine; });
  return out;
}

namespace {

// Size of the header hnswlib 0.6.2 saveIndex writes before the level-0 block (13 scalars). Checked
// against the file length so that another hnswlib layout is refused rather than misread.
constexpr size_t kHnswHeaderBytes = 6 * sizeof(size_t) + sizeof(int) + sizeof(hnswlib::tableint) +
                                    3 * sizeof(size_t) + sizeof(double) + sizeof(size_t);

}  // namespace

Status AnnIndex::SaveGraph(const std::string& path) const {
  auto& h = *hnsw_;  // saveIndex is not declared const but only reads
  try {
    h.saveIndex(path);
  } catch (const std::exception& e) {
    return Internal("store.snapshot_write",
                    std::string("hnswlib could not save the index: ") + e.what());
  }
  size_t body = h.cur_element_count * h.size_data_per_element_;
  for (size_t i = 0; i < h.cur_element_count; ++i) {
    body += sizeof(unsigned int);
    if (h.element_levels_[i] > 0) body += h.size_links_per_element_ * h.element_levels_[i];
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Internal("store.snapshot_write", "cannot reopen the saved index");
  struct stat sb {};
  Status st;
  if (::fstat(fd, &sb) != 0 || static_cast<size_t>(sb.st_size) != kHnswHeaderBytes + body) {
    st = Internal("store.snapshot_write",
                  "unexpected hnswlib file layout (another hnswlib version?)");
  }
  std::vector<char> zeros(h.data_size_, 0);
  for (size_t i = 0; st.ok() && i < h.cur_element_count; ++i) {
    if (!h.isMarkedDeleted(static_cast<hnswlib::tableint>(i))) continue;
    auto off = static_cast<off_t>(kHnswHeaderBytes + i * h.size_data_per_element_ + h.offsetData_);
    if (::pwrite(fd, zeros.data(), zeros.size(), off) != static_cast<ssize_t>(zeros.size())) {
      st = Internal("store.snapshot_write", "cannot clear a deleted vector in the saved index");
    }
  }
  ::close(fd);
  return st;
}

Result<std::unique_ptr<AnnIndex>> AnnIndex::LoadGraph(const std::string& path, size_t dim, size_t m,
                                                      size_t ef_construction, size_t ef_search,
                                                      std::unordered_map<int64_t, FaceRef> refs) {
  std::unique_ptr<AnnIndex> idx(new AnnIndex(dim));
  auto bad = [](const std::string& why) {
    return Status(StatusCode::kDataLoss, "store.snapshot_invalid", why);
  };
  try {
    idx->hnsw_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(idx->space_.get(), path);
  } catch (const std::exception& e) {
    return bad(std::string("hnswlib could not load the graph: ") + e.what());
  }
  auto& h = *idx->hnsw_;
  // hnswlib 0.6.2's loading constructor leaves num_deleted_ uninitialised before counting into it.
  size_t deleted = 0;
  for (size_t i = 0; i < h.cur_element_count; ++i) {
    if (h.isMarkedDeleted(static_cast<hnswlib::tableint>(i))) ++deleted;
  }
  h.num_deleted_ = deleted;
  if (h.size_data_per_element_ !=
      h.size_links_level0_ + dim * sizeof(float) + sizeof(hnswlib::labeltype)) {
    return bad("the graph holds vectors of another dimension");
  }
  if (h.M_ != m || h.ef_construction_ != std::max(ef_construction, m)) {
    return bad("the graph was built with other HNSW parameters (M, ef_construction)");
  }
  if (h.cur_element_count - h.num_deleted_ != refs.size())
    return bad("the graph and its label table disagree");
  for (const auto& [label, ref] : refs) {
    auto it = h.label_lookup_.find(static_cast<hnswlib::labeltype>(label));
    if (it == h.label_lookup_.end() || h.isMarkedDeleted(it->second)) {
      return bad("the graph and its label table disagree");
    }
  }
  h.setEf(ef_search);
  idx->m_ = m;
  idx->ef_construction_ = ef_construction;
  idx->capacity_ = h.max_elements_;
  idx->used_ = h.cur_element_count;
  idx->refs_ = std::move(refs);
  return idx;
}

}  // namespace ekyc::store
