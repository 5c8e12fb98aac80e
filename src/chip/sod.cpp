// EF.SOD (tag 0x77): a CMS SignedData (RFC 5652) whose encapsulated content is the
// LDSSecurityObject (ICAO 9303-10 §4.6.2): the hash of every data group, signed by the document
// signer. Decoding is OpenSSL's (d2i_CMS_ContentInfo, the templates of asn1_lds.h); this file
// checks the structure ICAO requires and collects what verification needs.
#include "chip/sod.h"

#include <set>

#include "chip/asn1_lds.h"
#include "chip/lds.h"
#include "chip/tlv.h"

namespace ekyc::chip {
namespace {

constexpr const char* kWhat = "sod";
constexpr const char* kLdsSecurityObject =
    "2.23.136.1.1.1";  // id-icao-mrtd-security-ldsSecurityObject
constexpr int kMaxCertificates = 8;

}  // namespace

Result<Sod> ParseSod(std::string_view bytes, const Limits& limits) {
  if (bytes.size() > limits.max_sod)
    return InvalidArgument("chip.sod_too_large",
                           "SOD is larger than " + std::to_string(limits.max_sod) + " bytes");
  EKYC_ASSIGN_OR_RETURN(Tlv root, ReadSingle(bytes, kTagSod, kWhat));
  std::string_view inner = root.value;
  EKYC_ASSIGN_OR_RETURN(Tlv ci, ReadTlv(inner, kWhat));
  if (ci.tag != 0x30 || !inner.empty())
    return Malformed(kWhat, "content is not one CMS ContentInfo");

  auto h = std::make_shared<SodHandle>();
  const unsigned char* p = ossl::Bytes(ci.whole);
  h->cms.reset(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(ci.whole.size())));
  const std::string err = ossl::TakeError();
  if (!h->cms) return Malformed(kWhat, "CMS structure does not decode (" + err + ")");
  if (OBJ_obj2nid(CMS_get0_type(h->cms.get())) != NID_pkcs7_signed)
    return Malformed(kWhat, "CMS content is not SignedData");
  if (ossl::OidText(CMS_get0_eContentType(h->cms.get())) != kLdsSecurityObject)
    return Malformed(kWhat, "signed content is not an LDS security object");
  ASN1_OCTET_STRING** content = CMS_get0_content(h->cms.get());
  if (content == nullptr || *content == nullptr)
    return Malformed(kWhat, "signed content is detached or missing");
  h->econtent.assign(reinterpret_cast<const char*>((*content)->data), (*content)->length);

  // The LDS security object.
  Sod sod;
  const unsigned char* q = ossl::Bytes(h->econtent);
  ossl::Ptr<asn1::LDS_SECURITY_OBJECT, asn1::LDS_SECURITY_OBJECT_free> lso(
      asn1::d2i_LDS_SECURITY_OBJECT(nullptr, &q, static_cast<long>(h->econtent.size())));
  ossl::ClearErrors();
  if (!lso) return Malformed(kWhat, "LDS security object does not decode");
  if (q != ossl::Bytes(h->econtent) + h->econtent.size())
    return Malformed(kWhat, "bytes follow the LDS security object");
  const long version = ASN1_INTEGER_get(lso->version);
  if (version != 0 && version != 1)
    return Malformed(kWhat, "LDS security object version is not 0 or 1");
  sod.lds_version_info = static_cast<int>(version);
  const ASN1_OBJECT* hash_obj = nullptr;
  X509_ALGOR_get0(&hash_obj, nullptr, nullptr, lso->hash_algorithm);
  const EVP_MD* md = EVP_get_digestbyobj(hash_obj);
  const int md_nid = md != nullptr ? EVP_MD_get_type(md) : NID_undef;
  if (md_nid != NID_sha1 && md_nid != NID_sha224 && md_nid != NID_sha256 && md_nid != NID_sha384 &&
      md_nid != NID_sha512) {
    return Malformed(kWhat,
                     "hash algorithm " + ossl::OidText(hash_obj) + " is not one ICAO allows");
  }
  sod.hash_algorithm = OBJ_nid2sn(md_nid);
  const int n = sk_ASN1_TYPE_num(lso->hashes);
  if (n < 1 || n > 16)
    return Malformed(kWhat, "the SOD lists " + std::to_string(n) + " data group hashes");
  for (int i = 0; i < n; ++i) {
    ossl::Ptr<asn1::DG_HASH, asn1::DG_HASH_free> dh(asn1::DgHashAt(lso.get(), i));
    ossl::ClearErrors();
    if (!dh) return Malformed(kWhat, "a data group hash does not decode");
    const long dg = ASN1_INTEGER_get(dh->number);
    if (dg < 1 || dg > 16) return Malformed(kWhat, "a data group number is outside 1-16");
    if (dh->hash->length != EVP_MD_get_size(md))
      return Malformed(kWhat, "the hash of DG" + std::to_string(dg) + " has the wrong length");
    if (!sod.dg_hashes
             .emplace(static_cast<int>(dg),
                      std::string(reinterpret_cast<const char*>(dh->hash->data), dh->hash->length))
             .second)
      return Malformed(kWhat, "DG" + std::to_string(dg) + " is listed twice");
  }

  // One signer (ICAO 9303-10: the document signer).
  STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(h->cms.get());
  if (infos == nullptr || sk_CMS_SignerInfo_num(infos) != 1)
    return Malformed(kWhat, "SignedData must have exactly one SignerInfo");
  h->signer_info = sk_CMS_SignerInfo_value(infos, 0);
  X509_ALGOR* dig = nullptr;
  X509_ALGOR* sig = nullptr;
  CMS_SignerInfo_get0_algs(h->signer_info, nullptr, nullptr, &dig, &sig);
  if (sig != nullptr) {
    const ASN1_OBJECT* o = nullptr;
    X509_ALGOR_get0(&o, nullptr, nullptr, sig);
    sod.signature_algorithm = ossl::ObjName(o);
  }
  STACK_OF(X509)* certs = CMS_get1_certs(h->cms.get());
  std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> certs_guard(
      certs, [](STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); });
  if (certs != nullptr && sk_X509_num(certs) > kMaxCertificates)
    return Malformed(kWhat, "more than " + std::to_string(kMaxCertificates) + " certificates");
  for (int i = 0; certs != nullptr && i < sk_X509_num(certs); ++i) {
    X509* c = sk_X509_value(certs, i);
    if (CMS_SignerInfo_cert_cmp(h->signer_info, c) == 0) {
      X509_up_ref(c);
      h->signer.reset(c);
      break;
    }
  }
  ossl::ClearErrors();
  if (h->signer) {
    CMS_SignerInfo_set1_signer_cert(h->signer_info, h->signer.get());
    SodSigner s;
    s.subject = ossl::NameText(X509_get_subject_name(h->signer.get()));
    s.issuer = ossl::NameText(X509_get_issuer_name(h->signer.get()));
    const ASN1_INTEGER* serial = X509_get0_serialNumber(h->signer.get());
    s.serial_hex =
        ossl::Hex(std::string_view(reinterpret_cast<const char*>(serial->data), serial->length));
    s.not_before = ossl::TimeToUnix(X509_get0_notBefore(h->signer.get()));
    s.not_after = ossl::TimeToUnix(X509_get0_notAfter(h->signer.get()));
    s.sha256 = ossl::CertSha256(h->signer.get());
    sod.signer = s;
  }
  sod.handle = std::move(h);
  return sod;
}

}  // namespace ekyc::chip
