// DG15 (tag 0x6F): the active authentication public key, a SubjectPublicKeyInfo decoded by
// OpenSSL. RSA keys above 4096 bits are refused (their verification cost grows with the size and
// no issuing state uses more).
#include "chip/chip.h"
#include "chip/ossl.h"
#include "chip/tlv.h"

namespace ekyc::chip {
namespace {
constexpr const char* kWhat = "dg15";
constexpr int kMaxRsaBits = 4096;
}  // namespace

Result<Dg15> ParseDg15(std::string_view bytes, const Limits& limits) {
  if (bytes.size() > limits.max_dg15)
    return InvalidArgument("chip.dg15_too_large",
                           "DG15 is larger than " + std::to_string(limits.max_dg15) + " bytes");
  EKYC_ASSIGN_OR_RETURN(Tlv root, ReadSingle(bytes, 0x6F, kWhat));
  const unsigned char* p = ossl::Bytes(root.value);
  ossl::PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(root.value.size())));
  ossl::ClearErrors();
  if (!key) return Malformed(kWhat, "the public key does not decode");
  if (p != ossl::Bytes(root.value) + root.value.size())
    return Malformed(kWhat, "bytes follow the public key");
  Dg15 d;
  d.spki_der = std::string(root.value);
  d.bits = EVP_PKEY_get_bits(key.get());
  switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_RSA:
      d.key_type = "RSA";
      if (d.bits > kMaxRsaBits) return Malformed(kWhat, "RSA key larger than 4096 bits");
      break;
    case EVP_PKEY_EC:
      d.key_type = "EC";
      break;
    default:
      return Malformed(kWhat, "the key is neither RSA nor EC");
  }
  return d;
}

}  // namespace ekyc::chip
