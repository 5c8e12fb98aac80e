#include "store/crypto.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

namespace ekyc::store {
namespace {

static_assert(std::endian::native == std::endian::little, "embedding byte layout assumes LE");

constexpr unsigned char kVersion = 1;
constexpr size_t kNonce = 12;
constexpr size_t kTag = 16;
constexpr std::string_view kCheckPlain = "ekyc data key check v1";
constexpr std::string_view kCheckAad = "ekyc/key-check";

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

Status CryptoError(const std::string& what) {
  return Internal("store.crypto", "OpenSSL failed during " + what);
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Field(std::string_view kind, std::initializer_list<std::string_view> parts) {
  // Length-prefixed so that ("ab","c") and ("a","bc") differ.
  std::string out(kind);
  for (auto p : parts) {
    out += '|';
    out += std::to_string(p.size());
    out += ':';
    out += p;
  }
  return out;
}

}  // namespace

DataKey::~DataKey() {
  OPENSSL_cleanse(key_.data(), key_.size());
}

DataKey DataKey::Random() {
  DataKey k;
  if (RAND_bytes(k.key_.data(), static_cast<int>(k.key_.size())) != 1) std::abort();
  return k;
}

Result<DataKey> DataKey::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return Status(StatusCode::kFailedPrecondition, "store.key_missing",
                  "cannot read data key file " + path + " (set EKYC_DATA_KEY_FILE)");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  s = s.substr(b);
  if (s.size() != kKeyBytes * 2) {
    return Status(StatusCode::kFailedPrecondition, "store.key_invalid",
                  "data key file " + path + " must hold exactly 64 hex characters");
  }
  DataKey k;
  for (size_t i = 0; i < kKeyBytes; ++i) {
    int hi = HexVal(s[2 * i]);
    int lo = HexVal(s[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return Status(StatusCode::kFailedPrecondition, "store.key_invalid",
                    "data key file " + path + " contains a non-hex character");
    }
    k.key_[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  OPENSSL_cleanse(s.data(), s.size());
  return k;
}

Result<DataKey> DataKey::LoadOrCreate(const std::string& path, bool create) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && create) {
    DataKey k = Random();
    EKYC_RETURN_IF_ERROR(k.WriteFile(path));
    return k;
  }
  return Load(path);
}

Status DataKey::WriteFile(const std::string& path) const {
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status(StatusCode::kFailedPrecondition, "store.key_write",
                  "cannot create data key file " + path + ": " + std::strerror(errno) +
                      " (it must not exist yet)");
  }
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : key_) {
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  hex += '\n';
  bool ok =
      ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
  OPENSSL_cleanse(hex.data(), hex.size());
  ::close(fd);
  if (!ok) return Internal("store.key_write", "writing data key file " + path + " failed");
  return Status::Ok();
}

Result<std::string> DataKey::Seal(std::string_view plaintext, std::string_view aad) const {
  std::string out(1 + kNonce + plaintext.size() + kTag, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  o[0] = kVersion;
  if (RAND_bytes(o + 1, kNonce) != 1) return CryptoError("nonce generation");
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), o + 1) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), o + 1 + kNonce, &len,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), o + 1 + kNonce + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag,
                          o + 1 + kNonce + plaintext.size()) != 1) {
    return CryptoError("encryption");
  }
  return out;
}

Result<std::string> DataKey::Open(std::string_view sealed, std::string_view aad) const {
  if (sealed.size() < 1 + kNonce + kTag || static_cast<unsigned char>(sealed[0]) != kVersion) {
    return Status(StatusCode::kDataLoss, "store.corrupt", "stored ciphertext is malformed");
  }
  const auto* s = reinterpret_cast<const unsigned char*>(sealed.data());
  size_t n = sealed.size() - 1 - kNonce - kTag;
  std::string out(n, '\0');
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  std::vector<unsigned char> tag(s + 1 + kNonce + n, s + sealed.size());
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), s + 1) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                        s + 1 + kNonce, static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1) {
    return CryptoError("decryption setup");
  }
  int fin = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &fin) !=
      1) {
    return Status(StatusCode::kDataLoss, "store.decrypt_failed",
                  "stored data failed authentication (wrong key, corruption, or a row moved)");
  }
  return out;
}

// Hex, so that it can live in a TEXT column on every backend.
Result<std::string> DataKey::MakeCheckValue() const {
  EKYC_ASSIGN_OR_RETURN(std::string sealed, Seal(kCheckPlain, kCheckAad));
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : sealed) {
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  return hex;
}

bool DataKey::Verify(const std::string& check_value) const {
  if (check_value.size() % 2 != 0) return false;
  std::string sealed;
  for (size_t i = 0; i < check_value.size(); i += 2) {
    int hi = HexVal(check_value[i]);
    int lo = HexVal(check_value[i + 1]);
    if (hi < 0 || lo < 0) return false;
    sealed += static_cast<char>(hi * 16 + lo);
  }
  auto r = Open(sealed, kCheckAad);
  return r.ok() && *r == kCheckPlain;
}

std::string EmbeddingAad(std::string_view collection, std::string_view user_id,
                         std::string_view face_id, std::string_view model_id) {
  return Field("emb", {collection, user_id, face_id, model_id});
}
std::string FaceImageAad(std::string_view collection, std::string_view user_id,
                         std::string_view face_id) {
  return Field("faceimg", {collection, user_id, face_id});
}
std::string FingerprintAad(std::string_view collection, std::string_view user_id,
                           std::string_view fingerprint_id) {
  return Field("fpimg", {collection, user_id, fingerprint_id});
}

std::string FloatsToBytes(const std::vector<float>& v) {
  std::string out(v.size() * sizeof(float), '\0');
  std::memcpy(out.data(), v.data(), out.size());
  return out;
}

Result<std::vector<float>> BytesToFloats(std::string_view bytes) {
  if (bytes.size() % sizeof(float) != 0) {
    return Status(StatusCode::kDataLoss, "store.corrupt", "stored embedding has a bad length");
  }
  std::vector<float> v(bytes.size() / sizeof(float));
  std::memcpy(v.data(), bytes.data(), bytes.size());
  return v;
}

}  // namespace ekyc::store
