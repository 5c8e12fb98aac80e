// The graph check that stands before hnswlib's loader: a graph AnnIndex wrote passes (and loads),
// and each kind of damage that would make hnswlib allocate without bound or read outside the
// index is refused with store.snapshot_invalid, by the check and through AnnIndex::LoadGraph.
#include "store/hnsw_check.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "store/ann_index.h"

namespace ekyc::store {
namespace {

namespace fs = std::filesystem;
constexpr size_t kDim = 16, kM = 8, kEfc = 32, kPoints = 400;
// hnswlib 0.6.2's header: six size_t, int max level, u32 entry point, three size_t, double, size_t.
constexpr size_t kOffMaxElements = 8, kOffCount = 16, kOffEnter = 52, kHeader = 96;

std::vector<float> Unit(std::mt19937& rng) {
  std::normal_distribution<float> n(0, 1);
  std::vector<float> v(kDim);
  double s = 0;
  for (auto& x : v) {
    x = n(rng);
    s += x * x;
  }
  for (auto& x : v) x = static_cast<float>(x / std::sqrt(s));
  return v;
}

class HnswCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ekyc-hnsw-check-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    graph_ = (dir_ / "graph").string();
    exact_ = (dir_ / "exact").string();
    AnnIndex idx(kDim, kM, kEfc, 16);
    std::mt19937 rng(7);
    for (size_t i = 0; i < kPoints; ++i) {
      auto v = Unit(rng);
      idx.Add(static_cast<int64_t>(i), v.data(), {std::to_string(i), "f"});
    }
    for (int64_t gone : {3, 50, 51}) idx.Remove(gone);
    refs_ = idx.refs();
    ASSERT_TRUE(idx.SaveGraph(graph_, exact_).ok());
    std::ifstream in(graph_, std::ios::binary);
    bytes_.assign(std::istreambuf_iterator<char>(in), {});
    ASSERT_GT(bytes_.size(), kHeader + kPoints * 4);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& b) {
    std::ofstream(graph_, std::ios::binary | std::ios::trunc).write(b.data(), b.size());
  }
  template <typename T>
  std::string With(size_t off, T v) const {
    std::string b = bytes_;
    std::memcpy(b.data() + off, &v, sizeof v);
    return b;
  }
  // Expects `b` refused by the check and by LoadGraph.
  void ExpectRefused(const std::string& b, const char* what) {
    Write(b);
    Status st = CheckHnswGraphFile(graph_, kDim, kM, kEfc);
    EXPECT_EQ(st.reason(), "store.snapshot_invalid") << what;
    auto loaded = AnnIndex::LoadGraph(graph_, exact_, kDim, kM, kEfc, 16, refs_);
    ASSERT_FALSE(loaded.ok()) << what;
    EXPECT_EQ(loaded.status().reason(), "store.snapshot_invalid") << what;
  }

  fs::path dir_;
  std::string graph_, exact_, bytes_;
  std::unordered_map<int64_t, FaceRef> refs_;
};

TEST_F(HnswCheckTest, AcceptsWhatAnnIndexWrote) {
  Status st = CheckHnswGraphFile(graph_, kDim, kM, kEfc);
  EXPECT_TRUE(st.ok()) << st.ToString();
  auto loaded = AnnIndex::LoadGraph(graph_, exact_, kDim, kM, kEfc, 16, refs_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->live(), kPoints - 3);
}

TEST_F(HnswCheckTest, AcceptsAnEmptyGraph) {
  AnnIndex empty(kDim, kM, kEfc, 16);
  ASSERT_TRUE(empty.SaveGraph(graph_, exact_).ok());
  EXPECT_TRUE(CheckHnswGraphFile(graph_, kDim, kM, kEfc).ok());
}

TEST_F(HnswCheckTest, RefusesOtherParameters) {
  Write(bytes_);
  EXPECT_FALSE(CheckHnswGraphFile(graph_, kDim + 1, kM, kEfc).ok());
  EXPECT_FALSE(CheckHnswGraphFile(graph_, kDim, kM + 1, kEfc).ok());
  EXPECT_FALSE(CheckHnswGraphFile(graph_, kDim, kM, kEfc + 1).ok());
}

TEST_F(HnswCheckTest, RefusesCutAndPaddedFiles) {
  ExpectRefused(bytes_.substr(0, bytes_.size() - 1), "one byte short");
  ExpectRefused(bytes_.substr(0, kHeader - 4), "header cut");
  ExpectRefused(bytes_ + std::string(1, '\0'), "trailing byte");
  ExpectRefused("", "empty file");
}

TEST_F(HnswCheckTest, RefusesSizesThatWouldAllocateWithoutBound) {
  ExpectRefused(With<uint64_t>(kOffMaxElements, uint64_t{1} << 40), "huge capacity");
  ExpectRefused(With<uint64_t>(kOffCount, uint64_t{1} << 40), "huge element count");
  ExpectRefused(With<uint64_t>(kOffCount, kPoints + 1), "count past the data");
}

TEST_F(HnswCheckTest, RefusesNeighboursOutsideTheIndex) {
  // Element 0's level-0 list: u16 count (then the deleted mark), then u32 neighbour ids.
  uint16_t n = 0;
  std::memcpy(&n, bytes_.data() + kHeader, sizeof n);
  ASSERT_GT(n, 0);
  ExpectRefused(With<uint32_t>(kHeader + 4, 0xFFFF0000u), "neighbour id past the end");
  ExpectRefused(With<uint16_t>(kHeader, 2 * kM + 1), "level-0 list longer than 2M");
  ExpectRefused(With<uint32_t>(kOffEnter, static_cast<uint32_t>(kPoints)), "entry point past end");
}

}  // namespace
}  // namespace ekyc::store
