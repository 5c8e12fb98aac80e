// Replays the committed inputs of every fuzz target through it, in the ordinary build (and in the
// sanitizer build, `make test-sanitize`): the seed corpus (fuzz/corpus/<target>/) and every input
// a fuzzer once crashed, hung or leaked on (fuzz/regressions/<target>/), kept after the fix.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_target.h"
#include "store/snapshot.h"

namespace ekyc::fuzz {

std::map<std::string, TargetFn>& Targets() {
  static std::map<std::string, TargetFn> targets;
  return targets;
}

namespace {

namespace fs = std::filesystem;

const fs::path kFuzzDir = fs::path(EKYC_SOURCE_DIR) / "fuzz";

std::vector<fs::path> Inputs(const std::string& target, const char* kind) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kFuzzDir / kind / target, ec)) {
    if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class ReplayTest : public testing::Test {
 public:
  ReplayTest(std::string target, TargetFn fn) : target_(std::move(target)), fn_(fn) {}
  void TestBody() override {
    auto seeds = Inputs(target_, "corpus");
    EXPECT_FALSE(seeds.empty()) << "no seed corpus in fuzz/corpus/" << target_;
    auto all = seeds;
    for (auto& p : Inputs(target_, "regressions")) all.push_back(p);
    for (const auto& p : all) {
      SCOPED_TRACE(p.string());
      std::string bytes = ReadFile(p);
      EXPECT_EQ(fn_(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0);
    }
    RecordProperty("inputs", static_cast<int>(all.size()));
  }

 private:
  std::string target_;
  TargetFn fn_;
};

// Every fuzz/<name>_fuzz.cpp registered itself, and every corpus folder has a target.
TEST(FuzzTargets, EveryCorpusHasATarget) {
  EXPECT_GE(Targets().size(), 12u);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kFuzzDir / "corpus", ec)) {
    EXPECT_TRUE(Targets().count(e.path().filename().string()))
        << "fuzz/corpus/" << e.path().filename().string() << " has no target";
  }
}

// The snapshot seed must be a snapshot the loader accepts, or the fuzzer starts from nothing.
TEST(FuzzTargets, SnapshotSeedLoads) {
  auto seeds = Inputs("snapshot", "corpus");
  ASSERT_FALSE(seeds.empty());
  const store::DataKey key = store::DataKey::Random();
  const fs::path path = fs::temp_directory_path() / ("ekyc-seed-" + std::to_string(::getpid()));
  int loaded = 0;
  for (const auto& seed : seeds) {
    ASSERT_TRUE(store::SealSnapshotContents(path, key, "t", "m", ReadFile(seed)).ok());
    auto snap = store::ReadSnapshot(path, key, "t", "m", 8, 32, 16);
    if (snap.ok() && !snap->indexes.empty()) ++loaded;
  }
  fs::remove(path);
  EXPECT_GE(loaded, 1) << "no seed in fuzz/corpus/snapshot loads (format changed? regenerate "
                          "with make_snapshot_seed)";
}

}  // namespace
}  // namespace ekyc::fuzz

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  for (const auto& [name, fn] : ekyc::fuzz::Targets()) {
    testing::RegisterTest("FuzzReplay", name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                          [name = name, fn = fn]() -> testing::Test* {
                            return new ekyc::fuzz::ReplayTest(name, fn);
                          });
  }
  return RUN_ALL_TESTS();
}
