#include "core/ids.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>
#include <vector>

namespace ekyc {
namespace {

std::string ToHex(const unsigned char* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[p[i] >> 4];
    out[2 * i + 1] = kDigits[p[i] & 0xF];
  }
  return out;
}

void Fill(unsigned char* p, size_t n) {
  // RAND_bytes only fails when the OS entropy source is broken; continuing would hand out
  // predictable ids and keys, so this is a hard stop.
  if (RAND_bytes(p, static_cast<int>(n)) != 1)
    throw std::runtime_error("OpenSSL RAND_bytes failed");
}

}  // namespace

std::string NewUuid() {
  std::array<unsigned char, 16> b{};
  Fill(b.data(), b.size());
  b[6] = (b[6] & 0x0F) | 0x40;
  b[8] = (b[8] & 0x3F) | 0x80;
  std::string h = ToHex(b.data(), b.size());
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string RandomHex(size_t n_bytes) {
  std::vector<unsigned char> b(n_bytes);
  Fill(b.data(), b.size());
  return ToHex(b.data(), b.size());
}

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr);
  return ToHex(md.data(), len);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ekyc
