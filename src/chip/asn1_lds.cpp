#include "chip/asn1_lds.h"

namespace ekyc::chip::asn1 {

ASN1_SEQUENCE(DG_HASH) =
    {
        ASN1_SIMPLE(DG_HASH, number, ASN1_INTEGER),
        ASN1_SIMPLE(DG_HASH, hash, ASN1_OCTET_STRING),
} ASN1_SEQUENCE_END(DG_HASH) IMPLEMENT_ASN1_FUNCTIONS(DG_HASH)

        ASN1_SEQUENCE(LDS_VERSION_INFO) =
            {
                ASN1_SIMPLE(LDS_VERSION_INFO, lds_version, ASN1_PRINTABLESTRING),
                ASN1_SIMPLE(LDS_VERSION_INFO, unicode_version, ASN1_PRINTABLESTRING),
} ASN1_SEQUENCE_END(LDS_VERSION_INFO) IMPLEMENT_ASN1_FUNCTIONS(LDS_VERSION_INFO)

                ASN1_SEQUENCE(LDS_SECURITY_OBJECT) =
                    {
                        ASN1_SIMPLE(LDS_SECURITY_OBJECT, version, ASN1_INTEGER),
                        ASN1_SIMPLE(LDS_SECURITY_OBJECT, hash_algorithm, X509_ALGOR),
                        ASN1_SEQUENCE_OF(LDS_SECURITY_OBJECT, hashes, ASN1_ANY),
                        ASN1_OPT(LDS_SECURITY_OBJECT, version_info, LDS_VERSION_INFO),
} ASN1_SEQUENCE_END(LDS_SECURITY_OBJECT) IMPLEMENT_ASN1_FUNCTIONS(LDS_SECURITY_OBJECT)

                        ASN1_SEQUENCE(SECURITY_INFO) =
                            {
                                ASN1_SIMPLE(SECURITY_INFO, protocol, ASN1_OBJECT),
                                ASN1_SIMPLE(SECURITY_INFO, required_data, ASN1_ANY),
                                ASN1_OPT(SECURITY_INFO, optional_data, ASN1_ANY),
} ASN1_SEQUENCE_END(SECURITY_INFO) IMPLEMENT_ASN1_FUNCTIONS(SECURITY_INFO)

                                namespace {
                                    // SecurityInfos is a bare SET OF: an item template of its own.
                                    ASN1_ITEM_TEMPLATE(SECURITY_INFO_SET) = ASN1_EX_TEMPLATE_TYPE(
                                        ASN1_TFLG_SET_OF, 0, SecurityInfos, ASN1_ANY)
                                        ASN1_ITEM_TEMPLATE_END(SECURITY_INFO_SET)}  // namespace

                            DG_HASH
                            * DgHashAt(const LDS_SECURITY_OBJECT* lso, int i) {
  if (lso == nullptr || lso->hashes == nullptr) return nullptr;
  const ASN1_TYPE* t = sk_ASN1_TYPE_value(lso->hashes, i);
  if (t == nullptr || t->type != V_ASN1_SEQUENCE || t->value.sequence == nullptr) return nullptr;
  const unsigned char* p = t->value.sequence->data;
  return d2i_DG_HASH(nullptr, &p, t->value.sequence->length);
}

STACK_OF(ASN1_TYPE) * DecodeSecurityInfos(const unsigned char** p, long len) {
  return reinterpret_cast<STACK_OF(ASN1_TYPE)*>(
      ASN1_item_d2i(nullptr, p, len, ASN1_ITEM_rptr(SECURITY_INFO_SET)));
}

int EncodeSecurityInfos(STACK_OF(ASN1_TYPE) * infos, unsigned char** out) {
  return ASN1_item_i2d(reinterpret_cast<ASN1_VALUE*>(infos), out,
                       ASN1_ITEM_rptr(SECURITY_INFO_SET));
}

}  // namespace ekyc::chip::asn1
