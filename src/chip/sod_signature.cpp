// The SOD's CMS signature: the SignerInfo's signature over its signed attributes, with the public
// key of the certificate it names, and the signed messageDigest and contentType attributes against
// the LDS security object actually carried. OpenSSL does the cryptography
// (CMS_SignerInfo_verify, EVP_Digest).
#include <openssl/crypto.h>

#include "chip/sod.h"

namespace ekyc::chip {

Check VerifySodSignature(const Sod& sod) {
  Check c;
  c.name = "sod_signature";
  c.checked =
      "the SOD's CMS signature over its signed attributes with the document signer certificate's "
      "public key, and the signed message digest and content type against the LDS security object";
  const SodHandle* h = sod.handle.get();
  if (h == nullptr || h->signer_info == nullptr) {
    c.outcome = CheckOutcome::kNotChecked;
    c.reason = "chip.sod_malformed";
    c.detail = "the SOD was not parsed";
    return c;
  }
  c.info["signature_algorithm"] = sod.signature_algorithm;
  if (!h->signer) {
    c.outcome = CheckOutcome::kFailed;
    c.reason = "chip.sod_signer_certificate_missing";
    c.detail =
        "the SOD does not include the certificate its SignerInfo names, so its signer is unknown";
    return c;
  }
  // Signed attributes are mandatory for ICAO SODs; without them there is no message digest.
  const auto* digest = static_cast<const ASN1_OCTET_STRING*>(CMS_signed_get0_data_by_OBJ(
      h->signer_info, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING));
  const auto* ctype = static_cast<const ASN1_OBJECT*>(CMS_signed_get0_data_by_OBJ(
      h->signer_info, OBJ_nid2obj(NID_pkcs9_contentType), -3, V_ASN1_OBJECT));
  ossl::ClearErrors();
  if (digest == nullptr || ctype == nullptr) {
    c.outcome = CheckOutcome::kFailed;
    c.reason = "chip.sod_signature_invalid";
    c.detail = "the SignerInfo lacks the signed messageDigest or contentType attribute";
    return c;
  }
  const int ok = CMS_SignerInfo_verify(h->signer_info);
  const std::string err = ossl::TakeError();
  if (ok != 1) {
    c.outcome = CheckOutcome::kFailed;
    c.reason = "chip.sod_signature_invalid";
    c.detail = "the signature does not verify with the document signer's public key" +
               (err.empty() ? std::string() : " (" + err + ")");
    return c;
  }
  if (OBJ_cmp(ctype, CMS_get0_eContentType(h->cms.get())) != 0) {
    c.outcome = CheckOutcome::kFailed;
    c.reason = "chip.sod_content_digest_mismatch";
    c.detail = "the signed content type is not the LDS security object's";
    return c;
  }
  X509_ALGOR* dig = nullptr;
  CMS_SignerInfo_get0_algs(h->signer_info, nullptr, nullptr, &dig, nullptr);
  const ASN1_OBJECT* dig_obj = nullptr;
  if (dig != nullptr) X509_ALGOR_get0(&dig_obj, nullptr, nullptr, dig);
  const EVP_MD* md = dig_obj != nullptr ? EVP_get_digestbyobj(dig_obj) : nullptr;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (md == nullptr ||
      EVP_Digest(h->econtent.data(), h->econtent.size(), out, &n, md, nullptr) != 1) {
    ossl::ClearErrors();
    c.outcome = CheckOutcome::kFailed;
    c.reason = "chip.sod_signature_invalid";
    c.detail = "the SignerInfo's digest algorithm is not supported";
    return c;
  }
  if (static_cast<int>(n) != digest->length || CRYPTO_memcmp(out, digest->data, n) != 0) {
    c.outcome = CheckOutcome::kFailed;
    c.reason = "chip.sod_content_digest_mismatch";
    c.detail = "the signed message digest is not the digest of the LDS security object carried";
    return c;
  }
  c.outcome = CheckOutcome::kPassed;
  c.info["digest_algorithm"] = OBJ_nid2sn(EVP_MD_get_type(md));
  return c;
}

}  // namespace ekyc::chip
