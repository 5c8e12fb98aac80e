// ASN.1 types of ICAO 9303-10/11 declared as OpenSSL templates (internal), so the DER decoders
// and encoders are OpenSSL's: the LDS security object inside the SOD, and SecurityInfos (DG14).
//
// LDSSecurityObject ::= SEQUENCE { version INTEGER, hashAlgorithm AlgorithmIdentifier,
//     dataGroupHashValues SEQUENCE OF DataGroupHash, ldsVersionInfo LDSVersionInfo OPTIONAL }
// DataGroupHash ::= SEQUENCE { dataGroupNumber INTEGER, dataGroupHashValue OCTET STRING }
// LDSVersionInfo ::= SEQUENCE { ldsVersion PrintableString, unicodeVersion PrintableString }
// SecurityInfos ::= SET OF SecurityInfo
// SecurityInfo ::= SEQUENCE { protocol OBJECT IDENTIFIER, requiredData ANY,
//     optionalData ANY OPTIONAL }
//
// Thread-safety: the item descriptors are constants; the functions are reentrant.
#pragma once

#include <openssl/asn1.h>
#include <openssl/asn1t.h>
#include <openssl/safestack.h>
#include <openssl/x509.h>

namespace ekyc::chip::asn1 {

struct DG_HASH {
  ASN1_INTEGER* number;
  ASN1_OCTET_STRING* hash;
};
DECLARE_ASN1_FUNCTIONS(DG_HASH)

struct LDS_VERSION_INFO {
  ASN1_PRINTABLESTRING* lds_version;
  ASN1_PRINTABLESTRING* unicode_version;
};
DECLARE_ASN1_FUNCTIONS(LDS_VERSION_INFO)

struct LDS_SECURITY_OBJECT {
  ASN1_INTEGER* version;
  X509_ALGOR* hash_algorithm;
  STACK_OF(ASN1_TYPE) * hashes;  // DG_HASH elements (see DgHashAt)
  LDS_VERSION_INFO* version_info;
};
DECLARE_ASN1_FUNCTIONS(LDS_SECURITY_OBJECT)

struct SECURITY_INFO {
  ASN1_OBJECT* protocol;
  ASN1_TYPE* required_data;
  ASN1_TYPE* optional_data;
};
DECLARE_ASN1_FUNCTIONS(SECURITY_INFO)

// dataGroupHashValues is declared as SEQUENCE OF ANY (STACK_OF(ASN1_TYPE)) so no custom stack
// type is needed; each element is then decoded as a DG_HASH. Returns a new object or nullptr.
DG_HASH* DgHashAt(const LDS_SECURITY_OBJECT* lso, int i);
// Decodes a DER SET OF SecurityInfo into its elements (new stack) or nullptr.
STACK_OF(ASN1_TYPE) * DecodeSecurityInfos(const unsigned char** p, long len);
// DER of a SET OF SecurityInfo (elements given as SEQUENCE ASN1_TYPEs); length or <= 0.
int EncodeSecurityInfos(STACK_OF(ASN1_TYPE) * infos, unsigned char** out);

}  // namespace ekyc::chip::asn1
