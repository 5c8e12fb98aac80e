// Writes the plaintext contents of a small, valid index snapshot (two collections of 8-D unit
// vectors, one with deleted points) for the snapshot fuzz target's seed corpus:
//   build/fuzz/make_snapshot_seed fuzz/corpus/snapshot/two_collections
// The layout is the one store/snapshot.h documents; fuzz_regression_test checks that this seed
// still loads, so a change of format shows up there.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "store/snapshot.h"

namespace {

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string ReadFd(int fd, uint64_t bytes) {
  std::string s(bytes, '\0');
  size_t done = 0;
  while (done < bytes) {
    ssize_t r = ::pread(fd, s.data() + done, bytes - done, static_cast<off_t>(done));
    if (r <= 0) break;
    done += static_cast<size_t>(r);
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ekyc::store;
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_snapshot_seed OUT\n");
    return 2;
  }
  constexpr size_t kDim = 8, kM = 8, kEfc = 32;
  std::mt19937 rng(7);
  std::normal_distribution<float> g;
  std::map<std::string, std::unique_ptr<AnnIndex>> indexes;
  for (const char* name : {"default", "bank-a"}) {
    auto idx = std::make_unique<AnnIndex>(kDim, kM, kEfc, 16);
    idx->Reserve(12);
    for (int i = 0; i < 12; ++i) {
      float v[kDim];
      float norm = 0;
      for (float& x : v) norm += (x = g(rng)) * x;
      for (float& x : v) x /= std::sqrt(norm);
      idx->Add(i + 1, v, FaceRef{"user-" + std::to_string(i / 2), "face-" + std::to_string(i)});
    }
    if (std::string(name) == "default") {
      idx->Remove(3);
      idx->Remove(8);
    }
    indexes.emplace(name, std::move(idx));
  }
  auto snap = PrepareSnapshot(42, indexes);
  if (!snap.ok()) {
    std::fprintf(stderr, "%s\n", snap.status().ToString().c_str());
    return 1;
  }
  std::string out;
  PutU64(out, static_cast<uint64_t>(snap->seq));
  PutU32(out, static_cast<uint32_t>(snap->parts.size()));
  for (const auto& p : snap->parts) {
    PutU32(out, static_cast<uint32_t>(p.collection.size()));
    out += p.collection;
    out += p.meta;
    PutU64(out, p.graph_bytes);
    out += ReadFd(p.graph_fd, p.graph_bytes);
    PutU64(out, p.exact_bytes);
    out += ReadFd(p.exact_fd, p.exact_bytes);
  }
  std::ofstream(argv[1], std::ios::binary)
      .write(out.data(), static_cast<std::streamsize>(out.size()));
  std::printf("%zu bytes\n", out.size());
  return 0;
}
