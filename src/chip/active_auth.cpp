// Active authentication (ICAO 9303-11 §6.1): the chip signs the server's 8-byte nonce with the
// private key whose public half is in DG15, which a copy of the data groups cannot do.
//
// RSA: ISO/IEC 9796-2 digital signature scheme 1 (message recovery). OpenSSL has no 9796-2
// padding, so the signature is opened with OpenSSL's raw RSA public operation
// (EVP_PKEY_verify_recover, RSA_NO_PADDING) and its framing checked here:
//   F = header || padding || M1 || H(M1 || challenge) || trailer
// header nibble 6 (partial recovery) or 4 (total), padding nibbles B..BA, trailer 0xBC (SHA-1)
// or 0xhh 0xCC with the ISO/IEC 10118 hash identifier hh. The "alternative" signature function
// of 9796-2 lets a signer send n - s; a recovered value that does not end in nibble C is therefore
// retried as n - F (OpenSSL BIGNUM arithmetic). The hash comparison is OpenSSL's CRYPTO_memcmp.
// ECDSA: the plain r||s signature of BSI TR-03111, turned into DER for EVP_DigestVerify, with the
// hash DG14 names.
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "chip/chip.h"
#include "chip/ossl.h"

namespace ekyc::chip {
namespace {

Check Fail(Check c, const char* reason, const std::string& detail) {
  c.outcome = CheckOutcome::kFailed;
  c.reason = reason;
  c.detail = detail;
  return c;
}

const EVP_MD* Iso10118Hash(unsigned char id) {
  switch (id) {
    case 0x33:
      return EVP_sha1();
    case 0x34:
      return EVP_sha256();
    case 0x35:
      return EVP_sha512();
    case 0x36:
      return EVP_sha384();
    case 0x38:
      return EVP_sha224();
    default:
      return nullptr;
  }
}

// BSI TR-03111 ecdsa-plain-* OIDs (0.4.0.127.0.7.1.1.4.1.x).
const EVP_MD* PlainEcdsaHash(const std::string& oid) {
  static const std::string kBase = "0.4.0.127.0.7.1.1.4.1.";
  if (oid.rfind(kBase, 0) != 0) return nullptr;
  const std::string n = oid.substr(kBase.size());
  if (n == "1") return EVP_sha1();
  if (n == "2") return EVP_sha224();
  if (n == "3") return EVP_sha256();
  if (n == "4") return EVP_sha384();
  if (n == "5") return EVP_sha512();
  return nullptr;
}

// The recovered 9796-2 block `f`: checks framing and the hash over M1 || challenge.
Check CheckIso9796Block(Check c, const std::string& f, const std::string& challenge) {
  const size_t k = f.size();
  if (k < 4) return Fail(c, "chip.aa_signature_invalid", "recovered block too short");
  const unsigned char last = f[k - 1];
  const EVP_MD* md = nullptr;
  size_t trailer = 0;
  if (last == 0xBC) {
    md = EVP_sha1();
    trailer = 1;
  } else if (last == 0xCC) {
    md = Iso10118Hash(static_cast<unsigned char>(f[k - 2]));
    trailer = 2;
  } else {
    return Fail(c, "chip.aa_signature_invalid",
                "the recovered block has no ISO/IEC 9796-2 trailer");
  }
  const unsigned char b0 = f[0];
  if ((b0 & 0xC0) != 0x40)
    return Fail(c, "chip.aa_signature_invalid", "the recovered block has no ISO/IEC 9796-2 header");
  // Padding: nibbles 'B' after the header bits, ended by an 'A' nibble.
  size_t m1_start = 0;
  if ((b0 & 0x0F) == 0x0A) {
    m1_start = 1;
  } else if ((b0 & 0x0F) == 0x0B) {
    size_t i = 1;
    while (i < k && static_cast<unsigned char>(f[i]) == 0xBB) ++i;
    if (i >= k || static_cast<unsigned char>(f[i]) != 0xBA)
      return Fail(c, "chip.aa_signature_invalid", "bad ISO/IEC 9796-2 padding");
    m1_start = i + 1;
  } else {
    return Fail(c, "chip.aa_signature_invalid", "bad ISO/IEC 9796-2 padding");
  }
  // An unknown hash is reported only for a block framed as ISO/IEC 9796-2: a block recovered with
  // the wrong key is random, and its last byte alone must not make a forgery look like an
  // unsupported chip.
  if (md == nullptr)
    return Fail(c, "chip.aa_unsupported_algorithm",
                "unknown ISO/IEC 10118 hash identifier in the trailer");
  const auto hlen = static_cast<size_t>(EVP_MD_get_size(md));
  if (k < m1_start + hlen + trailer)
    return Fail(c, "chip.aa_signature_invalid", "recovered block too short for its hash");
  const std::string m1 = f.substr(m1_start, k - trailer - hlen - m1_start);
  const std::string d = f.substr(k - trailer - hlen, hlen);
  const bool partial = (b0 & 0x20) != 0;
  std::string message = m1;
  if (partial) message += challenge;  // M2, the nonce, is not recoverable: the verifier has it
  unsigned char h[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(message.data(), message.size(), h, &n, md, nullptr) != 1)
    return Fail(c, "chip.internal", "digest failed");
  c.info["hash"] = OBJ_nid2sn(EVP_MD_get_type(md));
  c.info["recovery"] = partial ? "partial" : "total";
  if (n != hlen || CRYPTO_memcmp(h, d.data(), n) != 0)
    return Fail(c, "chip.aa_signature_invalid",
                "the signature does not cover this challenge with this key");
  // With total recovery the nonce must be the recovered message itself.
  if (!partial && m1 != challenge)
    return Fail(c, "chip.aa_signature_invalid", "the recovered message is not the challenge");
  c.outcome = CheckOutcome::kPassed;
  return c;
}

Check VerifyRsa(Check c, EVP_PKEY* key, const ActiveAuthInput& in) {
  const int k = EVP_PKEY_get_size(key);
  if (static_cast<int>(in.signature.size()) != k)
    return Fail(c, "chip.aa_signature_invalid", "the signature is not as long as the RSA modulus");
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  std::string f(k, '\0');
  size_t flen = f.size();
  if (!ctx || EVP_PKEY_verify_recover_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1 ||
      EVP_PKEY_verify_recover(ctx.get(), reinterpret_cast<unsigned char*>(f.data()), &flen,
                              ossl::Bytes(in.signature), in.signature.size()) != 1) {
    const std::string err = ossl::TakeError();
    return Fail(c, "chip.aa_signature_invalid", "the RSA public operation failed (" + err + ")");
  }
  f.resize(flen);
  if (f.size() < static_cast<size_t>(k)) f.insert(0, k - f.size(), '\0');
  if ((static_cast<unsigned char>(f.back()) & 0x0F) != 0x0C) {
    // The alternative signature function: the signer sent n - s. Recover n - F.
    BIGNUM* n_raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n_raw) != 1)
      return Fail(c, "chip.internal", "no RSA modulus");
    ossl::BnPtr n(n_raw);
    ossl::BnPtr j(BN_bin2bn(ossl::Bytes(f), static_cast<int>(f.size()), nullptr));
    ossl::BnPtr alt(BN_new());
    if (!j || !alt || BN_sub(alt.get(), n.get(), j.get()) != 1 || BN_is_negative(alt.get()))
      return Fail(c, "chip.aa_signature_invalid", "the recovered block is not a 9796-2 block");
    std::string g(k, '\0');
    if (BN_bn2binpad(alt.get(), reinterpret_cast<unsigned char*>(g.data()), k) != k)
      return Fail(c, "chip.aa_signature_invalid", "the recovered block is not a 9796-2 block");
    f = g;
    c.info["alternative_signature"] = true;
  }
  ossl::ClearErrors();
  // The ISO/IEC 9796-2 block is one byte shorter than the modulus when its top byte would make it
  // exceed n; signers leave the top byte 0 then.
  if (!f.empty() && f[0] == '\0') f.erase(0, 1);
  return CheckIso9796Block(c, f, in.challenge);
}

Check VerifyEcdsa(Check c, EVP_PKEY* key, const std::optional<Dg14>& dg14,
                  const ActiveAuthInput& in) {
  if (!dg14 || !dg14->aa_signature_algorithm)
    return Fail(c, "chip.aa_dg14_missing",
                "an EC active authentication key needs DG14's ActiveAuthenticationInfo to name its "
                "hash; DG14 was not sent or has none");
  const EVP_MD* md = PlainEcdsaHash(*dg14->aa_signature_algorithm);
  if (md == nullptr)
    return Fail(c, "chip.aa_unsupported_algorithm",
                "signature algorithm " + *dg14->aa_signature_algorithm +
                    " is not a supported ecdsa-plain-SHA*");
  const int bits = EVP_PKEY_get_bits(key);
  const auto half = static_cast<size_t>((bits + 7) / 8);
  if (in.signature.size() != 2 * half)
    return Fail(c, "chip.aa_signature_invalid", "the signature is not r||s for this curve");
  ossl::Ptr<ECDSA_SIG, ECDSA_SIG_free> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(ossl::Bytes(in.signature), static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(ossl::Bytes(in.signature) + half, static_cast<int>(half), nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return Fail(c, "chip.internal", "could not build the ECDSA signature");
  }
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_len <= 0) return Fail(c, "chip.internal", "could not encode the ECDSA signature");
  std::unique_ptr<unsigned char, void (*)(unsigned char*)> der_guard(
      der, [](unsigned char* p) { OPENSSL_free(p); });
  ossl::MdCtxPtr mctx(EVP_MD_CTX_new());
  const int ok = mctx && EVP_DigestVerifyInit(mctx.get(), nullptr, md, nullptr, key) == 1
                     ? EVP_DigestVerify(mctx.get(), der, der_len, ossl::Bytes(in.challenge),
                                        in.challenge.size())
                     : -1;
  ossl::ClearErrors();
  c.info["hash"] = OBJ_nid2sn(EVP_MD_get_type(md));
  if (ok != 1)
    return Fail(c, "chip.aa_signature_invalid",
                "the signature does not cover this challenge with this key");
  c.outcome = CheckOutcome::kPassed;
  return c;
}

}  // namespace

Check VerifyActiveAuthentication(const Dg15& dg15, const std::optional<Dg14>& dg14,
                                 const ActiveAuthInput& input) {
  Check c;
  c.name = "active_authentication";
  c.checked = "the chip's signature over the server's challenge with the DG15 public key";
  c.info["key"] = dg15.key_type + "-" + std::to_string(dg15.bits);
  if (input.challenge.size() != 8)
    return Fail(c, "chip.aa_challenge_invalid", "the challenge is not 8 bytes");
  if (input.signature.empty() || input.signature.size() > 1024)
    return Fail(c, "chip.aa_signature_invalid", "the signature is empty or too long");
  const unsigned char* p = ossl::Bytes(dg15.spki_der);
  ossl::PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(dg15.spki_der.size())));
  ossl::ClearErrors();
  if (!key) return Fail(c, "chip.dg15_malformed", "the DG15 key does not decode");
  if (EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_RSA) return VerifyRsa(c, key.get(), input);
  if (EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_EC) return VerifyEcdsa(c, key.get(), dg14, input);
  return Fail(c, "chip.aa_unsupported_algorithm", "the DG15 key is neither RSA nor EC");
}

}  // namespace ekyc::chip
