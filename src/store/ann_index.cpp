#include "store/ann_index.h"

#include <fcntl.h>
#include <hnswlib/hnswlib.h>
#include <immintrin.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <fstream>
#include <new>
#include <stdexcept>
#include <thread>

#include "store/hnsw_check.h"

namespace ekyc::store {

namespace {

// Inner-product distance between two Sq8Code vectors: 1 - scale_a * scale_b * (a . b).
// Vector paths follow the -march this file is built with (EKYC_ANN_ARCH).
float Sq8Distance(const void* a, const void* b, const void* param) {
  size_t dim = *static_cast<const size_t*>(param);
  const auto* pa = static_cast<const unsigned char*>(a);
  const auto* pb = static_cast<const unsigned char*>(b);
  float sa = 0;
  float sb = 0;
  std::memcpy(&sa, pa, sizeof sa);
  std::memcpy(&sb, pb, sizeof sb);
  const auto* qa = reinterpret_cast<const int8_t*>(pa + sizeof(float));
  const auto* qb = reinterpret_cast<const int8_t*>(pb + sizeof(float));
  int32_t acc = 0;
  size_t i = 0;
  // Explicit widening multiply-add: what the compiler makes of the plain loop is 3x slower.
#if defined(__AVX512BW__)
  __m512i sum = _mm512_setzero_si512();
  for (; i + 32 <= dim; i += 32) {
    __m512i x = _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(qa + i)));
    __m512i y = _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(qb + i)));
    sum = _mm512_add_epi32(sum, _mm512_madd_epi16(x, y));
  }
  acc = _mm512_reduce_add_epi32(sum);
#elif defined(__AVX2__)
  __m256i sum = _mm256_setzero_si256();
  for (; i + 16 <= dim; i += 16) {
    __m256i x = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(qa + i)));
    __m256i y = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(qb + i)));
    sum = _mm256_add_epi32(sum, _mm256_madd_epi16(x, y));
  }
  __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
  s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0x4e));
  s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0xb1));
  acc = _mm_cvtsi128_si32(s4);
#endif
  for (; i < dim; ++i) acc += static_cast<int16_t>(qa[i]) * static_cast<int16_t>(qb[i]);
  return 1.0F - sa * sb * static_cast<float>(acc);
}

void EncodeSq8(const float* unit, size_t dim, char* out) {
  float maxabs = 0;
  for (size_t i = 0; i < dim; ++i) maxabs = std::max(maxabs, std::fabs(unit[i]));
  float scale = maxabs > 0 ? maxabs / 127.0F : 0.0F;
  std::memcpy(out, &scale, sizeof scale);
  auto* q = reinterpret_cast<int8_t*>(out + sizeof(float));
  for (size_t i = 0; i < dim; ++i) {
    float v = scale > 0 ? std::nearbyint(unit[i] / scale) : 0.0F;
    q[i] = static_cast<int8_t>(std::clamp(v, -127.0F, 127.0F));
  }
}

}  // namespace

std::string Sq8Code(const float* unit, size_t dim) {
  std::string out(sizeof(float) + dim, '\0');
  EncodeSq8(unit, dim, out.data());
  return out;
}

class Sq8Space : public hnswlib::SpaceInterface<float> {
 public:
  explicit Sq8Space(size_t dim) : dim_(dim) {}
  size_t get_data_size() override { return sizeof(float) + dim_; }
  hnswlib::DISTFUNC<float> get_dist_func() override { return &Sq8Distance; }
  void* get_dist_func_param() override { return &dim_; }

 private:
  size_t dim_;
};

FloatRows::~FloatRows() {
  if (base_ != nullptr) ::munmap(base_, rows_ * dim_ * sizeof(float));
}

void FloatRows::Resize(size_t rows) {
  size_t old_bytes = rows_ * dim_ * sizeof(float);
  size_t new_bytes = rows * dim_ * sizeof(float);
  if (new_bytes == old_bytes) {
    rows_ = rows;
    return;
  }
  void* p = nullptr;
  if (base_ == nullptr) {
    p = ::mmap(nullptr, new_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  } else if (new_bytes == 0) {
    ::munmap(base_, old_bytes);
    base_ = nullptr;
    rows_ = 0;
    return;
  } else {
    p = ::mremap(base_, old_bytes, new_bytes, MREMAP_MAYMOVE);
  }
  if (p == MAP_FAILED) throw std::bad_alloc();
  base_ = static_cast<float*>(p);
  rows_ = rows;
}

AnnIndex::AnnIndex(size_t dim) : dim_(dim), space_(std::make_unique<Sq8Space>(dim)), exact_(dim) {}

AnnIndex::AnnIndex(size_t dim, size_t m, size_t ef_construction, size_t ef_search)
    : dim_(dim),
      m_(m),
      ef_construction_(ef_construction),
      space_(std::make_unique<Sq8Space>(dim)),
      exact_(dim) {
  capacity_ = 1024;
  hnsw_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(space_.get(), capacity_, m,
                                                            ef_construction, /*seed=*/100);
  exact_.Resize(capacity_);
  // Set once: hnswlib reads ef_ unsynchronised during searches.
  hnsw_->setEf(ef_search);
}

AnnIndex::~AnnIndex() = default;

void AnnIndex::Reserve(size_t extra) {
  if (used_ + extra <= capacity_) return;
  size_t want = std::max(capacity_ * 2, used_ + extra);
  hnsw_->resizeIndex(want);
  exact_.Resize(want);
  capacity_ = want;
}

void AnnIndex::StoreExact(const int64_t* labels, const float* vecs, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    auto slot = hnsw_->label_lookup_.at(static_cast<hnswlib::labeltype>(labels[i]));
    std::memcpy(exact_.row(slot), vecs + i * dim_, dim_ * sizeof(float));
  }
}

void AnnIndex::Add(int64_t label, const float* unit, FaceRef ref) {
  if (refs_.count(label)) return;
  Reserve(1);
  std::string code = Sq8Code(unit, dim_);
  hnsw_->addPoint(code.data(), static_cast<hnswlib::labeltype>(label));
  ++used_;
  StoreExact(&label, unit, 1);
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
    std::string code(sizeof(float) + dim_, '\0');
    for (size_t j = next++; j < pending.size(); j = next++) {
      size_t i = pending[j];
      EncodeSq8(vecs.data() + i * dim_, dim_, code.data());
      hnsw_->addPoint(code.data(), static_cast<hnswlib::labeltype>(labels[i]));
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  for (size_t i : pending) StoreExact(&labels[i], vecs.data() + i * dim_, 1);
}

void AnnIndex::Remove(int64_t label) {
  auto it = refs_.find(label);
  if (it == refs_.end()) return;
  auto hl = static_cast<hnswlib::labeltype>(label);
  hnsw_->markDelete(hl);
  // The graph keeps the deleted point's code for routing; its float vector is not needed.
  std::memset(exact_.row(hnsw_->label_lookup_.at(hl)), 0, dim_ * sizeof(float));
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
  std::string code = Sq8Code(unit, dim_);
  auto pq = hnsw_->searchKnn(code.data(), std::min(std::max(k, kRerank), refs_.size()));
  out.reserve(pq.size());
  while (!pq.empty()) {
    auto label = static_cast<int64_t>(pq.top().second);
    pq.pop();
    auto it = refs_.find(label);
    if (it == refs_.end()) continue;
    // Exact score from the stored float vector, in double precision.
    const float* v = exact_.row(hnsw_->label_lookup_.at(static_cast<hnswlib::labeltype>(label)));
    double dot = 0;
    for (size_t i = 0; i < dim_; ++i) dot += static_cast<double>(unit[i]) * v[i];
    out.push_back({label, static_cast<float>(dot), &it->second});
  }
  std::sort(out.begin(), out.end(),
            [](const Candidate& a, const Candidate& b) { return a.cosine > b.cosine; });
  if (out.size() > k) out.resize(k);
  return out;
}

namespace {

// Size of the header hnswlib 0.6.2 saveIndex writes before the level-0 block (13 scalars). Checked
// against the file length so that another hnswlib layout is refused rather than misread.
constexpr size_t kHnswHeaderBytes = 6 * sizeof(size_t) + sizeof(int) + sizeof(hnswlib::tableint) +
                                    3 * sizeof(size_t) + sizeof(double) + sizeof(size_t);

}  // namespace

Status AnnIndex::SaveGraph(const std::string& graph_path, const std::string& exact_path) const {
  auto& h = *hnsw_;  // saveIndex is not declared const but only reads
  try {
    h.saveIndex(graph_path);
  } catch (const std::exception& e) {
    return Internal("store.snapshot_write",
                    std::string("hnswlib could not save the index: ") + e.what());
  }
  size_t body = h.cur_element_count * h.size_data_per_element_;
  for (size_t i = 0; i < h.cur_element_count; ++i) {
    body += sizeof(unsigned int);
    if (h.element_levels_[i] > 0) body += h.size_links_per_element_ * h.element_levels_[i];
  }
  int fd = ::open(graph_path.c_str(), O_WRONLY | O_CLOEXEC);
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
  if (!st.ok()) return st;
  // Float rows of live slots; deleted slots were already zeroed by Remove.
  std::ofstream out(exact_path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(exact_.row(0)),
            static_cast<std::streamsize>(h.cur_element_count * dim_ * sizeof(float)));
  out.flush();
  if (!out) return Internal("store.snapshot_write", "cannot write the vector copy");
  return st;
}

Result<std::unique_ptr<AnnIndex>> AnnIndex::LoadGraph(const std::string& graph_path,
                                                      const std::string& exact_path, size_t dim,
                                                      size_t m, size_t ef_construction,
                                                      size_t ef_search,
                                                      std::unordered_map<int64_t, FaceRef> refs) {
  std::unique_ptr<AnnIndex> idx(new AnnIndex(dim));
  auto bad = [](const std::string& why) {
    return Status(StatusCode::kDataLoss, "store.snapshot_invalid", why);
  };
  // hnswlib's loader trusts the file's sizes and neighbour ids; a graph they do not fit is refused
  // before it is loaded (the caller then rebuilds the index from the tables).
  EKYC_RETURN_IF_ERROR(CheckHnswGraphFile(graph_path, dim, m, ef_construction));
  try {
    idx->hnsw_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(idx->space_.get(), graph_path);
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
      h.size_links_level0_ + sizeof(float) + dim + sizeof(hnswlib::labeltype)) {
    return bad("the graph holds vectors of another dimension or encoding");
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
  std::ifstream in(exact_path, std::ios::binary | std::ios::ate);
  size_t want = h.cur_element_count * dim * sizeof(float);
  if (!in || static_cast<size_t>(in.tellg()) != want) {
    return bad("the vector copy does not match the graph");
  }
  try {
    idx->exact_.Resize(h.max_elements_);
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "store.snapshot_memory",
                  "not enough memory for the index vectors");
  }
  in.seekg(0);
  in.read(reinterpret_cast<char*>(idx->exact_.row(0)), static_cast<std::streamsize>(want));
  if (!in) return bad("cannot read the vector copy");
  h.setEf(ef_search);
  idx->m_ = m;
  idx->ef_construction_ = ef_construction;
  idx->capacity_ = h.max_elements_;
  idx->used_ = h.cur_element_count;
  idx->refs_ = std::move(refs);
  return idx;
}

}  // namespace ekyc::store
