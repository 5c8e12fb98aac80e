// API key store. Keys are 256-bit random values ("ek_" + 64 hex digits) shown once and stored as
// sha256(salt + key). A fast hash is enough here: with 256 bits of entropy there is nothing for a
// slow (password) hash to protect against — brute force over the key space is infeasible whatever
// the hash speed — and the salt stops identical keys from producing identical records.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>

#include "api/api.h"
#include "core/ids.h"

namespace ekyc::api {
namespace {

struct Entry {
  std::string name, id, salt, hash, created;
};

struct FileStamp {
  bool exists = false;
  ino_t ino = 0;
  off_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

FileStamp Stamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {true, st.st_ino, st.st_size,
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

std::string NowIso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::vector<Entry>> Load(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::vector<Entry>{};
    return Status(StatusCode::kUnavailable, "keys.unreadable", "cannot stat API keys file " + path);
  }
  if ((st.st_mode & 077) != 0) {
    return FailedPrecondition(
        "keys.permissions",
        "API keys file " + path + " is readable by other users; run: chmod 600 " + path);
  }
  std::ifstream in(path);
  if (!in)
    return Status(StatusCode::kUnavailable, "keys.unreadable", "cannot open API keys file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::vector<Entry> out;
  try {
    auto j = nlohmann::json::parse(ss.str());
    for (const auto& k : j.at("keys")) {
      out.push_back({k.at("name").get<std::string>(), k.at("id").get<std::string>(),
                     k.at("salt").get<std::string>(), k.at("sha256").get<std::string>(),
                     k.value("created", "")});
    }
  } catch (const nlohmann::json::exception& e) {
    return Status(StatusCode::kDataLoss, "keys.corrupt",
                  "API keys file " + path + " is not valid: " + std::string(e.what()));
  }
  return out;
}

Status Save(const std::string& path, const std::vector<Entry>& entries) {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& e : entries) {
    keys.push_back({{"name", e.name},
                    {"id", e.id},
                    {"salt", e.salt},
                    {"sha256", e.hash},
                    {"created", e.created}});
  }
  nlohmann::json j = {{"version", 1}, {"keys", keys}};
  std::string text = j.dump(2) + "\n";
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status(StatusCode::kUnavailable, "keys.unwritable", "cannot write " + tmp);
  ::fchmod(fd, 0600);  // independent of umask and of a pre-existing file's mode
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status(StatusCode::kUnavailable, "keys.unwritable",
                  "cannot write API keys file " + path);
  }
  return Status::Ok();
}

// Serialises read-modify-write cycles across processes (`ekyc keys` while the server runs).
class FileLock {
 public:
  explicit FileLock(const std::string& path) {
    fd_ = ::open((path + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

Status EnsureParent(const std::string& path) {
  auto parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    return Status(StatusCode::kUnavailable, "keys.unwritable",
                  "cannot create directory " + parent.string() + ": " + ec.message());
  }
  return Status::Ok();
}

}  // namespace

struct ApiKeyStore::Impl {
  mutable std::mutex mu;
  mutable FileStamp stamp;
  mutable std::vector<Entry> cache;
  mutable bool loaded = false;
};

ApiKeyStore::ApiKeyStore(std::string path)
    : path_(std::move(path)), impl_(std::make_unique<Impl>()) {}
ApiKeyStore::~ApiKeyStore() = default;

Result<std::string> ApiKeyStore::Add(const std::string& name) {
  static const std::regex kName("[A-Za-z0-9_.-]{1,64}");
  if (!std::regex_match(name, kName)) {
    return InvalidArgument(
        "keys.bad_name",
        "key name '" + name + "' is not valid: use 1-64 letters, digits, '_', '.' or '-'");
  }
  EKYC_RETURN_IF_ERROR(EnsureParent(path_));
  FileLock lock(path_);
  if (!lock.ok())
    return Status(StatusCode::kUnavailable, "keys.unwritable", "cannot lock " + path_ + ".lock");
  EKYC_ASSIGN_OR_RETURN(auto entries, Load(path_));
  for (const auto& e : entries) {
    if (e.name == name) {
      return Status(
          StatusCode::kAlreadyExists, "keys.exists",
          "a key named '" + name + "' already exists; revoke it first or pick another name");
    }
  }
  std::string key = "ek_" + RandomHex(32);
  Entry e{name, RandomHex(4), RandomHex(16), "", NowIso()};
  e.hash = Sha256Hex(e.salt + key);
  entries.push_back(e);
  EKYC_RETURN_IF_ERROR(Save(path_, entries));
  return key;
}

Status ApiKeyStore::Revoke(const std::string& name) {
  FileLock lock(path_);
  EKYC_ASSIGN_OR_RETURN(auto entries, Load(path_));
  auto before = entries.size();
  std::erase_if(entries, [&](const Entry& e) { return e.name == name; });
  if (entries.size() == before)
    return NotFound("keys.not_found", "no API key named '" + name + "'");
  return Save(path_, entries);
}

Result<std::vector<ApiKeyInfo>> ApiKeyStore::List() const {
  EKYC_ASSIGN_OR_RETURN(auto entries, Load(path_));
  std::vector<ApiKeyInfo> out;
  for (const auto& e : entries) out.push_back({e.name, e.id, e.created});
  return out;
}

Result<std::string> ApiKeyStore::Verify(std::string_view presented) const {
  std::lock_guard lock(impl_->mu);
  FileStamp now = Stamp(path_);
  if (!impl_->loaded || !(now == impl_->stamp)) {
    EKYC_ASSIGN_OR_RETURN(auto entries, Load(path_));
    impl_->cache = std::move(entries);
    impl_->stamp = now;
    impl_->loaded = true;
  }
  // Compare against every key without stopping early: timing reveals neither which key matched
  // nor how much of it.
  const Entry* match = nullptr;
  for (const auto& e : impl_->cache) {
    std::string h = Sha256Hex(e.salt + std::string(presented));
    if (ConstantTimeEquals(h, e.hash) && match == nullptr) match = &e;
  }
  if (match == nullptr || presented.empty()) {
    return Status(StatusCode::kUnauthenticated, "auth.invalid_key",
                  presented.empty() ? "missing x-api-key header" : "invalid API key");
  }
  return match->name;
}

}  // namespace ekyc::api
