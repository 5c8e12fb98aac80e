// OpenSSL ownership helpers and error text for the chip module (internal).
//
// Thread-safety: free functions; OpenSSL's error queue is per thread.
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ekyc::chip::ossl {

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p != nullptr) F(p);
  }
};
template <typename T, void (*F)(T*)>
using Ptr = std::unique_ptr<T, Deleter<T, F>>;

using X509Ptr = Ptr<X509, X509_free>;
using CrlPtr = Ptr<X509_CRL, X509_CRL_free>;
using PkeyPtr = Ptr<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtxPtr = Ptr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdCtxPtr = Ptr<EVP_MD_CTX, EVP_MD_CTX_free>;
using BioPtr = Ptr<BIO, BIO_free_all>;
using BnPtr = Ptr<BIGNUM, BN_free>;
using CmsPtr = Ptr<CMS_ContentInfo, CMS_ContentInfo_free>;
using StorePtr = Ptr<X509_STORE, X509_STORE_free>;
using StoreCtxPtr = Ptr<X509_STORE_CTX, X509_STORE_CTX_free>;
using ObjPtr = Ptr<ASN1_OBJECT, ASN1_OBJECT_free>;

inline const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// The first error on this thread's OpenSSL queue as text ("" when none); clears the queue.
std::string TakeError();
// Clears this thread's OpenSSL error queue.
void ClearErrors();

// Dotted text of an OID ("2.23.136.1.1.1").
std::string OidText(const ASN1_OBJECT* obj);
// Short name of a digest / signature OID when OpenSSL knows it, else the dotted OID.
std::string ObjName(const ASN1_OBJECT* obj);
// Unix seconds of an ASN1_TIME; 0 when it cannot be converted.
int64_t TimeToUnix(const ASN1_TIME* t);
// One-line RFC 2253 form of a name.
std::string NameText(const X509_NAME* name);
// Lower-case hex of bytes.
std::string Hex(std::string_view bytes);
// SHA-256 fingerprint of a certificate's DER, lower-case hex.
std::string CertSha256(X509* cert);
// DER of a certificate.
std::string CertDer(X509* cert);

}  // namespace ekyc::chip::ossl
