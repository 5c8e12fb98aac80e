#include "store/hnsw_check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace ekyc::store {
namespace {

// hnswlib's own widths (hnswlib::tableint and linklistsizeint are unsigned int).
using TableInt = uint32_t;
constexpr size_t kLabelBytes = 8;  // hnswlib::labeltype is size_t

Status Bad(const std::string& why) {
  return {StatusCode::kDataLoss, "store.snapshot_invalid", "the index graph is unusable: " + why};
}

// Reads a file sequentially through a buffer, or at an offset.
class Reader {
 public:
  explicit Reader(int fd) : fd_(fd) {}
  bool At(uint64_t off, void* out, size_t n) const {
    auto* p = static_cast<char*>(out);
    while (n > 0) {
      ssize_t r = ::pread(fd_, p, n, static_cast<off_t>(off));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      p += r;
      off += static_cast<uint64_t>(r);
      n -= static_cast<size_t>(r);
    }
    return true;
  }
  template <typename T>
  bool Pod(uint64_t* off, T* v) const {
    if (!At(*off, v, sizeof(T))) return false;
    *off += sizeof(T);
    return true;
  }

 private:
  int fd_;
};

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Status CheckHnswGraphFile(const std::string& path, size_t dim, size_t m, size_t ef_construction) {
  FdCloser f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  struct stat st {};
  if (f.fd < 0 || ::fstat(f.fd, &st) != 0) return Bad("cannot read it");
  const uint64_t file_size = static_cast<uint64_t>(st.st_size);
  Reader in(f.fd);
  uint64_t off = 0;
  size_t offset_level0 = 0, max_elements = 0, count = 0, size_data = 0, label_offset = 0,
         offset_data = 0, max_m = 0, max_m0 = 0, hm = 0, efc = 0;
  int max_level = 0;
  TableInt enter = 0;
  double mult = 0;
  if (!in.Pod(&off, &offset_level0) || !in.Pod(&off, &max_elements) || !in.Pod(&off, &count) ||
      !in.Pod(&off, &size_data) || !in.Pod(&off, &label_offset) || !in.Pod(&off, &offset_data) ||
      !in.Pod(&off, &max_level) || !in.Pod(&off, &enter) || !in.Pod(&off, &max_m) ||
      !in.Pod(&off, &max_m0) || !in.Pod(&off, &hm) || !in.Pod(&off, &mult) ||
      !in.Pod(&off, &efc)) {
    return Bad("its header is cut short");
  }
  // The layout hnswlib derives from M and the space (AnnIndex's 8-bit codes).
  const size_t links0 = 2 * m * sizeof(TableInt) + sizeof(TableInt);
  const size_t links = m * sizeof(TableInt) + sizeof(TableInt);
  const size_t data_size = sizeof(float) + dim;
  if (hm != m || max_m != m || max_m0 != 2 * m || efc != std::max(ef_construction, m)) {
    return Bad("it was built with other HNSW parameters");
  }
  if (offset_level0 != 0 || offset_data != links0 || label_offset != links0 + data_size ||
      size_data != links0 + data_size + kLabelBytes) {
    return Bad("its element layout is not that of " + std::to_string(dim) + "-D codes");
  }
  if (!(std::fabs(mult - 1 / std::log(static_cast<double>(m))) < 1e-9)) {
    return Bad("its level multiplier is not hnswlib's for this M");
  }
  // AnnIndex starts at 1024 slots and at most doubles (or grows to exactly what a batch needs).
  if (count > max_elements || max_elements > 2 * count + 1024) {
    return Bad("its capacity does not fit its element count");
  }
  if (count > (file_size - off) / size_data) return Bad("it is shorter than its element count");
  if (count == 0) {
    if (max_level != -1 && max_level != 0) return Bad("an empty graph with levels");
    return Status::Ok();
  }
  if (enter >= count || max_level < 0 || max_level > 64) return Bad("its entry point is invalid");

  // Level-0 lists, inside the element blocks.
  const uint64_t level0_start = off;
  std::vector<char> block(size_data);
  for (size_t i = 0; i < count; ++i) {
    if (!in.At(level0_start + i * size_data, block.data(), size_data))
      return Bad("an element is cut short");
    uint16_t n = 0;
    std::memcpy(&n, block.data(), sizeof n);  // the low 16 bits; byte 2 is the deleted mark
    if (n > max_m0) return Bad("a level-0 neighbour list is too long");
    for (size_t k = 0; k < n; ++k) {
      TableInt id = 0;
      std::memcpy(&id, block.data() + sizeof(TableInt) * (1 + k), sizeof id);
      if (id >= count) return Bad("a neighbour id points past the last element");
    }
  }
  // Upper-level lists: first every element's level, then each list against the levels.
  const uint64_t lists_start = level0_start + count * size_data;
  std::vector<int> level(count, 0);
  std::vector<uint64_t> where(count, 0);
  off = lists_start;
  for (size_t i = 0; i < count; ++i) {
    uint32_t bytes = 0;
    if (!in.Pod(&off, &bytes)) return Bad("the upper-level lists are cut short");
    if (bytes % links != 0 || bytes / links > static_cast<uint64_t>(max_level) ||
        bytes > file_size - off) {
      return Bad("an element's upper-level lists have an invalid size");
    }
    level[i] = static_cast<int>(bytes / links);
    where[i] = off;
    off += bytes;
  }
  if (off != file_size) return Bad("it has trailing bytes");
  if (level[enter] != max_level) return Bad("its entry point is not on the top level");
  std::vector<char> list(links);
  for (size_t i = 0; i < count; ++i) {
    for (int l = 1; l <= level[i]; ++l) {
      if (!in.At(where[i] + static_cast<uint64_t>(l - 1) * links, list.data(), links))
        return Bad("a list is cut short");
      uint16_t n = 0;
      std::memcpy(&n, list.data(), sizeof n);
      if (n > max_m) return Bad("an upper-level neighbour list is too long");
      for (size_t k = 0; k < n; ++k) {
        TableInt id = 0;
        std::memcpy(&id, list.data() + sizeof(TableInt) * (1 + k), sizeof id);
        if (id >= count || level[id] < l) return Bad("a neighbour is not on the list's level");
      }
    }
  }
  return Status::Ok();
}

}  // namespace ekyc::store
