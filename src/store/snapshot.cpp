#include "store/snapshot.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <unordered_map>

#include "core/ids.h"

namespace ekyc::store {
namespace {

// Version 2 (2026-11-26): 8-bit codes in the graph plus a float vector section. A version-1 file
// is refused as unusable, and the caller rebuilds the index from the tables.
constexpr char kMagic[8] = {'E', 'K', 'Y', 'C', 'I', 'D', 'X', '2'};
constexpr size_t kHeaderBytes = 8 + 4 + 8;
constexpr uint32_t kChunkBytes = 4u << 20;
// Sealed chunk = version byte + 12-byte nonce + ciphertext + 16-byte tag (crypto.h).
constexpr size_t kSealOverhead = 1 + 12 + 16;
constexpr size_t kMaxIdBytes = 4096;

Status Invalid(const std::string& why) {
  return {StatusCode::kDataLoss, "store.snapshot_invalid", "index snapshot unusable: " + why};
}

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutStr(std::string& out, const std::string& s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out += s;
}
uint64_t GetU64(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

std::string ChunkAad(const std::string& model, const std::string& store_tag, uint64_t total,
                     uint64_t chunk) {
  std::string aad = "ekyc-index-snapshot|2|";
  PutStr(aad, model);
  PutStr(aad, store_tag);
  PutU64(aad, total);
  PutU64(aad, chunk);
  return aad;
}

std::string FdPath(int fd) {
  return "/proc/self/fd/" + std::to_string(fd);
}

Result<int> MemFile() {
  int fd = ::memfd_create("ekyc-index", MFD_CLOEXEC);
  if (fd < 0) {
    return Internal("store.snapshot_memory",
                    std::string("memfd_create failed: ") + std::strerror(errno));
  }
  return fd;
}

// Closes a file descriptor on scope exit.
struct FdGuard {
  int fd = -1;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

Status WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0)
      return Internal("store.snapshot_write", std::string("write failed: ") + std::strerror(errno));
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

Status ReadAll(int fd, char* p, size_t n, off_t off) {
  while (n > 0) {
    ssize_t r = ::pread(fd, p, n, off);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0)
      return Internal("store.snapshot_read", std::string("read failed: ") + std::strerror(errno));
    p += r;
    off += r;
    n -= static_cast<size_t>(r);
  }
  return Status::Ok();
}

// Seals a byte stream of known total length into fixed-size chunks and writes them to fd.
class ChunkSealer {
 public:
  ChunkSealer(int fd, const DataKey& key, std::string model, std::string tag, uint64_t total)
      : fd_(fd), key_(key), model_(std::move(model)), tag_(std::move(tag)), total_(total) {
    buf_.reserve(kChunkBytes);
  }
  Status Append(const char* p, size_t n) {
    while (n > 0) {
      size_t take = std::min<size_t>(n, kChunkBytes - buf_.size());
      buf_.append(p, take);
      p += take;
      n -= take;
      written_ += take;
      if (buf_.size() == kChunkBytes || written_ == total_) EKYC_RETURN_IF_ERROR(Flush());
    }
    return Status::Ok();
  }
  Status Append(const std::string& s) { return Append(s.data(), s.size()); }
  bool complete() const { return written_ == total_ && buf_.empty(); }

 private:
  Status Flush() {
    if (written_ > total_)
      return Internal("store.snapshot_write", "snapshot longer than announced");
    EKYC_ASSIGN_OR_RETURN(std::string sealed,
                          key_.Seal(buf_, ChunkAad(model_, tag_, total_, chunk_++)));
    buf_.clear();
    return WriteAll(fd_, sealed.data(), sealed.size());
  }
  int fd_;
  const DataKey& key_;
  std::string model_, tag_;
  uint64_t total_;
  uint64_t written_ = 0;
  uint64_t chunk_ = 0;
  std::string buf_;
};

// Reads the plaintext of a snapshot sequentially, opening one chunk at a time.
class ChunkOpener {
 public:
  ChunkOpener(int fd, const DataKey& key, std::string model, std::string tag, uint64_t total)
      : fd_(fd), key_(key), model_(std::move(model)), tag_(std::move(tag)), total_(total) {}
  Status Read(char* out, size_t n) {
    while (n > 0) {
      if (pos_ == plain_.size()) EKYC_RETURN_IF_ERROR(Next());
      size_t take = std::min(n, plain_.size() - pos_);
      std::memcpy(out, plain_.data() + pos_, take);
      pos_ += take;
      out += take;
      n -= take;
    }
    return Status::Ok();
  }
  Result<uint64_t> U64(int bytes = 8) {
    unsigned char b[8];
    EKYC_RETURN_IF_ERROR(Read(reinterpret_cast<char*>(b), static_cast<size_t>(bytes)));
    return GetU64(b, bytes);
  }
  Result<std::string> Str() {
    EKYC_ASSIGN_OR_RETURN(uint64_t n, U64(4));
    if (n > kMaxIdBytes) return Invalid("implausible string length");
    std::string s(n, '\0');
    EKYC_RETURN_IF_ERROR(Read(s.data(), n));
    return s;
  }
  uint64_t consumed() const { return consumed_before_ + pos_; }

 private:
  Status Next() {
    if (done_ >= total_) return Invalid("the contents end early");
    size_t len = static_cast<size_t>(std::min<uint64_t>(kChunkBytes, total_ - done_));
    std::string sealed(len + kSealOverhead, '\0');
    EKYC_RETURN_IF_ERROR(ReadAll(fd_, sealed.data(), sealed.size(), static_cast<off_t>(offset_)));
    auto plain = key_.Open(sealed, ChunkAad(model_, tag_, total_, chunk_++));
    if (!plain.ok() || plain->size() != len) {
      return Invalid(
          "a chunk does not open with this data key and store (altered, truncated, from another "
          "store, "
          "or written under another key)");
    }
    consumed_before_ += plain_.size();
    plain_ = std::move(*plain);
    pos_ = 0;
    offset_ += sealed.size();
    done_ += len;
    return Status::Ok();
  }
  int fd_;
  const DataKey& key_;
  std::string model_, tag_;
  uint64_t total_;
  uint64_t offset_ = kHeaderBytes;
  uint64_t done_ = 0;
  uint64_t chunk_ = 0;
  uint64_t consumed_before_ = 0;
  std::string plain_;
  size_t pos_ = 0;
};

}  // namespace

std::string SnapshotPath(const std::string& dir, const std::string& model) {
  std::string safe;
  for (char c : model)
    safe.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_');
  return dir + "/index-" + safe + ".snap";
}

void RemoveStaleSnapshotTemps(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    auto at = name.find(".snap.tmp-");
    if (at == std::string::npos) continue;
    long pid = std::strtol(name.c_str() + at + 10, nullptr, 10);
    // Another live process (a CLI command beside the server) may be writing its own.
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0) continue;
    std::filesystem::remove(e.path(), ec);
  }
}

PreparedSnapshot::~PreparedSnapshot() {
  for (auto& p : parts) {
    if (p.graph_fd >= 0) ::close(p.graph_fd);
    if (p.exact_fd >= 0) ::close(p.exact_fd);
  }
}

PreparedSnapshot& PreparedSnapshot::operator=(PreparedSnapshot&& other) noexcept {
  if (this == &other) return *this;
  for (auto& p : parts) {
    if (p.graph_fd >= 0) ::close(p.graph_fd);
    if (p.exact_fd >= 0) ::close(p.exact_fd);
  }
  seq = other.seq;
  parts = std::move(other.parts);
  labels = other.labels;
  other.parts.clear();
  return *this;
}

PreparedSnapshot::PreparedSnapshot(PreparedSnapshot&& other) noexcept
    : seq(other.seq), parts(std::move(other.parts)), labels(other.labels) {
  other.parts.clear();
}

Result<PreparedSnapshot> PrepareSnapshot(
    int64_t seq, const std::map<std::string, std::unique_ptr<AnnIndex>>& indexes) {
  PreparedSnapshot snap;
  snap.seq = seq;
  for (const auto& [name, idx] : indexes) {
    PreparedSnapshot::Part part;
    part.collection = name;
    snap.parts.push_back(std::move(part));
    auto& p = snap.parts.back();
    EKYC_ASSIGN_OR_RETURN(p.graph_fd, MemFile());
    EKYC_ASSIGN_OR_RETURN(p.exact_fd, MemFile());
    EKYC_RETURN_IF_ERROR(idx->SaveGraph(FdPath(p.graph_fd), FdPath(p.exact_fd)));
    struct stat sb {};
    if (::fstat(p.graph_fd, &sb) != 0)
      return Internal("store.snapshot_write", "cannot size the saved graph");
    p.graph_bytes = static_cast<uint64_t>(sb.st_size);
    if (::fstat(p.exact_fd, &sb) != 0)
      return Internal("store.snapshot_write", "cannot size the saved vectors");
    p.exact_bytes = static_cast<uint64_t>(sb.st_size);
    PutU64(p.meta, idx->dim());
    PutU64(p.meta, idx->m());
    PutU64(p.meta, idx->ef_construction());
    PutU64(p.meta, idx->refs().size());
    for (const auto& [label, ref] : idx->refs()) {
      PutU64(p.meta, static_cast<uint64_t>(label));
      PutStr(p.meta, ref.user_id);
      PutStr(p.meta, ref.face_id);
    }
    snap.labels += idx->refs().size();
  }
  return snap;
}

Result<uint64_t> WriteSnapshot(const std::string& path, const DataKey& key,
                               const std::string& store_tag, const std::string& model,
                               const PreparedSnapshot& snap) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(path).parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::permissions(dir, fs::perms::owner_all, ec);
  // Private name: two processes on one data dir (server and CLI) never write the same temp file.
  std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + RandomHex(4);
  FdGuard out{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)};
  if (out.fd < 0) {
    return Internal("store.snapshot_write", "cannot create " + tmp + ": " + std::strerror(errno) +
                                                " (check the data directory's permissions)");
  }
  uint64_t total = 8 + 4;
  for (const auto& p : snap.parts)
    total += 4 + p.collection.size() + p.meta.size() + 8 + p.graph_bytes + 8 + p.exact_bytes;
  std::string header(kMagic, sizeof kMagic);
  PutU32(header, kChunkBytes);
  PutU64(header, total);
  auto written = [&]() -> Status {
    EKYC_RETURN_IF_ERROR(WriteAll(out.fd, header.data(), header.size()));
    ChunkSealer sealer(out.fd, key, model, store_tag, total);
    std::string head;
    PutU64(head, static_cast<uint64_t>(snap.seq));
    PutU32(head, static_cast<uint32_t>(snap.parts.size()));
    EKYC_RETURN_IF_ERROR(sealer.Append(head));
    std::string buf(kChunkBytes, '\0');
    for (const auto& p : snap.parts) {
      std::string h;
      PutStr(h, p.collection);
      EKYC_RETURN_IF_ERROR(sealer.Append(h));
      EKYC_RETURN_IF_ERROR(sealer.Append(p.meta));
      for (auto [fd, bytes] :
           {std::pair{p.graph_fd, p.graph_bytes}, std::pair{p.exact_fd, p.exact_bytes}}) {
        h.clear();
        PutU64(h, bytes);
        EKYC_RETURN_IF_ERROR(sealer.Append(h));
        for (uint64_t off = 0; off < bytes;) {
          size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), bytes - off));
          EKYC_RETURN_IF_ERROR(ReadAll(fd, buf.data(), n, static_cast<off_t>(off)));
          EKYC_RETURN_IF_ERROR(sealer.Append(buf.data(), n));
          off += n;
        }
      }
    }
    if (!sealer.complete())
      return Internal("store.snapshot_write", "snapshot shorter than announced");
    if (::fsync(out.fd) != 0)
      return Internal("store.snapshot_write", std::string("fsync failed: ") + std::strerror(errno));
    return Status::Ok();
  }();
  if (!written.ok()) {
    fs::remove(tmp, ec);
    return written;
  }
  struct stat sb {};
  ::fstat(out.fd, &sb);
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Internal("store.snapshot_write", "cannot install " + path + ": " + ec.message());
  }
  FdGuard d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd >= 0) ::fsync(d.fd);  // make the rename durable
  return static_cast<uint64_t>(sb.st_size);
}

Status SealSnapshotContents(const std::string& path, const DataKey& key,
                            const std::string& store_tag, const std::string& model,
                            std::string_view contents) {
  FdGuard out{::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)};
  if (out.fd < 0) {
    return Internal("store.snapshot_write", "cannot create " + path + ": " + std::strerror(errno));
  }
  std::string header(kMagic, sizeof kMagic);
  PutU32(header, kChunkBytes);
  PutU64(header, contents.size());
  EKYC_RETURN_IF_ERROR(WriteAll(out.fd, header.data(), header.size()));
  ChunkSealer sealer(out.fd, key, model, store_tag, contents.size());
  EKYC_RETURN_IF_ERROR(sealer.Append(contents.data(), contents.size()));
  return Status::Ok();
}

Result<LoadedSnapshot> ReadSnapshot(const std::string& path, const DataKey& key,
                                    const std::string& store_tag, const std::string& model,
                                    size_t m, size_t ef_construction, size_t ef_search) {
  FdGuard in{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) {
    if (errno == ENOENT) return NotFound("store.snapshot_missing", "no index snapshot at " + path);
    return Internal("store.snapshot_read", "cannot open " + path + ": " + std::strerror(errno));
  }
  unsigned char header[kHeaderBytes];
  struct stat sb {};
  if (::fstat(in.fd, &sb) != 0 || static_cast<uint64_t>(sb.st_size) < kHeaderBytes ||
      !ReadAll(in.fd, reinterpret_cast<char*>(header), kHeaderBytes, 0).ok() ||
      std::memcmp(header, kMagic, sizeof kMagic) != 0) {
    return Invalid("not a snapshot file");
  }
  if (GetU64(header + 8, 4) != kChunkBytes) return Invalid("written with another chunk size");
  uint64_t total = GetU64(header + 12, 8);
  uint64_t chunks = (total + kChunkBytes - 1) / kChunkBytes;
  if (static_cast<uint64_t>(sb.st_size) != kHeaderBytes + total + chunks * kSealOverhead) {
    return Invalid("the file length does not match its header (truncated?)");
  }
  ChunkOpener r(in.fd, key, model, store_tag, total);
  LoadedSnapshot out;
  EKYC_ASSIGN_OR_RETURN(uint64_t seq, r.U64());
  out.seq = static_cast<int64_t>(seq);
  EKYC_ASSIGN_OR_RETURN(uint64_t ncoll, r.U64(4));
  std::string buf(kChunkBytes, '\0');
  for (uint64_t c = 0; c < ncoll; ++c) {
    EKYC_ASSIGN_OR_RETURN(std::string name, r.Str());
    EKYC_ASSIGN_OR_RETURN(uint64_t dim, r.U64());
    EKYC_ASSIGN_OR_RETURN(uint64_t sm, r.U64());
    EKYC_ASSIGN_OR_RETURN(uint64_t sefc, r.U64());
    EKYC_ASSIGN_OR_RETURN(uint64_t nlabels, r.U64());
    if (sm != m || sefc != ef_construction) {
      return Invalid("built with other HNSW parameters (M " + std::to_string(sm) +
                     ", ef_construction " + std::to_string(sefc) + ")");
    }
    if (dim == 0 || nlabels > total) return Invalid("implausible collection header");
    std::unordered_map<int64_t, FaceRef> refs;
    refs.reserve(nlabels);
    for (uint64_t i = 0; i < nlabels; ++i) {
      EKYC_ASSIGN_OR_RETURN(uint64_t label, r.U64());
      EKYC_ASSIGN_OR_RETURN(std::string user, r.Str());
      EKYC_ASSIGN_OR_RETURN(std::string face, r.Str());
      refs.emplace(static_cast<int64_t>(label), FaceRef{std::move(user), std::move(face)});
    }
    // The graph, then the float vectors, each into a memory file for AnnIndex::LoadGraph.
    FdGuard files[2];
    for (auto& f : files) {
      EKYC_ASSIGN_OR_RETURN(uint64_t bytes, r.U64());
      if (bytes > total) return Invalid("implausible section length");
      EKYC_ASSIGN_OR_RETURN(f.fd, MemFile());
      for (uint64_t off = 0; off < bytes;) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), bytes - off));
        EKYC_RETURN_IF_ERROR(r.Read(buf.data(), n));
        EKYC_RETURN_IF_ERROR(WriteAll(f.fd, buf.data(), n));
        off += n;
      }
    }
    EKYC_ASSIGN_OR_RETURN(auto idx,
                          AnnIndex::LoadGraph(FdPath(files[0].fd), FdPath(files[1].fd), dim, m,
                                              ef_construction, ef_search, std::move(refs)));
    out.indexes.emplace(std::move(name), std::move(idx));
  }
  if (r.consumed() != total) return Invalid("trailing contents");
  return out;
}

}  // namespace ekyc::store
