// DG14 (tag 0x6E): SecurityInfos. The project reads the protocol list and the
// ActiveAuthenticationInfo (ICAO 9303-11 §9.2.7), which names the hash of ECDSA active
// authentication; chip authentication and PACE infos are listed, not used.
#include "chip/asn1_lds.h"
#include "chip/chip.h"
#include "chip/ossl.h"
#include "chip/tlv.h"

namespace ekyc::chip {
namespace {
constexpr const char* kWhat = "dg14";
constexpr const char* kAaProtocol = "2.23.136.1.1.5";  // id-icao-mrtd-security-aaProtocolObject
}  // namespace

Result<Dg14> ParseDg14(std::string_view bytes, const Limits& limits) {
  if (bytes.size() > limits.max_dg14)
    return InvalidArgument("chip.dg14_too_large",
                           "DG14 is larger than " + std::to_string(limits.max_dg14) + " bytes");
  EKYC_ASSIGN_OR_RETURN(Tlv root, ReadSingle(bytes, 0x6E, kWhat));
  std::string_view set_view = root.value;
  EKYC_ASSIGN_OR_RETURN(Tlv set, ReadTlv(set_view, kWhat));
  if (set.tag != 0x31 || !set_view.empty())
    return Malformed(kWhat, "content is not one SET OF SecurityInfo");
  const unsigned char* p = ossl::Bytes(set.whole);
  STACK_OF(ASN1_TYPE)* infos = asn1::DecodeSecurityInfos(&p, static_cast<long>(set.whole.size()));
  ossl::ClearErrors();
  if (infos == nullptr) return Malformed(kWhat, "SecurityInfos do not decode");
  std::unique_ptr<STACK_OF(ASN1_TYPE), void (*)(STACK_OF(ASN1_TYPE)*)> guard(
      infos, [](STACK_OF(ASN1_TYPE) * s) { sk_ASN1_TYPE_pop_free(s, ASN1_TYPE_free); });
  Dg14 d;
  const int n = sk_ASN1_TYPE_num(infos);
  if (n > 64) return Malformed(kWhat, "too many SecurityInfos");
  for (int i = 0; i < n; ++i) {
    const ASN1_TYPE* t = sk_ASN1_TYPE_value(infos, i);
    if (t == nullptr || t->type != V_ASN1_SEQUENCE)
      return Malformed(kWhat, "a SecurityInfo is not a SEQUENCE");
    const unsigned char* q = t->value.sequence->data;
    ossl::Ptr<asn1::SECURITY_INFO, asn1::SECURITY_INFO_free> info(
        asn1::d2i_SECURITY_INFO(nullptr, &q, t->value.sequence->length));
    ossl::ClearErrors();
    if (!info) return Malformed(kWhat, "a SecurityInfo does not decode");
    const std::string oid = ossl::OidText(info->protocol);
    d.protocols.push_back(oid);
    if (oid != kAaProtocol) continue;
    if (info->required_data == nullptr || info->required_data->type != V_ASN1_INTEGER ||
        ASN1_INTEGER_get(info->required_data->value.integer) != 1)
      return Malformed(kWhat, "ActiveAuthenticationInfo version is not 1");
    if (info->optional_data == nullptr || info->optional_data->type != V_ASN1_OBJECT)
      return Malformed(kWhat, "ActiveAuthenticationInfo has no signature algorithm");
    d.aa_signature_algorithm = ossl::OidText(info->optional_data->value.object);
  }
  return d;
}

}  // namespace ekyc::chip
