// The document signer's certificate against the operator's CSCA trust store: the chain (signatures
// up to a self-signed CSCA, built by OpenSSL's X509_verify_cert without its time checks), then
// the validity period of every certificate in the chain at the verification time, then
// revocation with the newest CRL of the DS's issuer that the issuer signed. Three checks, so an
// expired but otherwise genuine signer reads differently from an untrusted one.
#include "chip/sod.h"
#include "chip/trust_store.h"

namespace ekyc::chip {
namespace {

std::string Day(int64_t t) {
  char buf[32];
  auto tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

Check Make(const char* name, const char* checked) {
  Check c;
  c.name = name;
  c.checked = checked;
  return c;
}

constexpr const char* kChainChecked =
    "the document signer certificate's signature chain up to a self-signed CSCA certificate of the "
    "trust store (EKYC_CSCA_DIR), or to a CSCA link certificate the store verified";
constexpr const char* kValidityChecked =
    "the validity period (notBefore..notAfter) of the document signer and CSCA certificates at the "
    "verification time";
constexpr const char* kRevocationChecked =
    "the document signer certificate against the newest CRL its CSCA signed, when the trust store "
    "holds one";

}  // namespace

std::vector<Check> VerifySignerChain(const Sod& sod, const TrustStore& trust, int64_t at_time,
                                     std::optional<TrustEntry>* anchor) {
  Check chain = Make("ds_chain", kChainChecked);
  Check validity = Make("validity", kValidityChecked);
  Check revocation = Make("revocation", kRevocationChecked);
  auto not_checked = [&](const std::string& reason, const std::string& why) {
    for (Check* c : {&validity, &revocation}) {
      c->outcome = CheckOutcome::kNotChecked;
      c->reason = reason;
      c->detail = why;
    }
    return std::vector<Check>{chain, validity, revocation};
  };
  const SodHandle* h = sod.handle.get();
  if (h == nullptr || !h->signer) {
    chain.outcome = CheckOutcome::kNotChecked;
    chain.reason = h == nullptr ? "chip.sod_malformed" : "chip.sod_signer_certificate_missing";
    chain.detail = "no document signer certificate to check";
    return not_checked(chain.reason, chain.detail);
  }
  const TrustStore::Impl& ts = trust.impl();
  chain.info["trust_store_anchors"] = trust.anchors();

  ossl::StoreCtxPtr ctx(X509_STORE_CTX_new());
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> untrusted_guard(
      untrusted, [](STACK_OF(X509) * s) { sk_X509_free(s); });
  if (!ctx || X509_STORE_CTX_init(ctx.get(), ts.store.get(), h->signer.get(), untrusted) != 1) {
    chain.outcome = CheckOutcome::kFailed;
    chain.reason = "chip.internal";
    chain.detail = "OpenSSL could not set up the chain check (" + ossl::TakeError() + ")";
    return not_checked("chip.chain_not_built", "the chain was not built");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  // Times are checked below, against the verification time and per certificate.
  // A chain may stop at a link certificate the trust store verified (ICAO 9303-12 rollover).
  X509_VERIFY_PARAM_set_flags(
      param, X509_V_FLAG_NO_CHECK_TIME | (ts.links > 0 ? X509_V_FLAG_PARTIAL_CHAIN : 0));
  X509_VERIFY_PARAM_set_depth(param, 4);
  const int ok = X509_verify_cert(ctx.get());
  const int err = X509_STORE_CTX_get_error(ctx.get());
  ossl::ClearErrors();
  if (ok != 1) {
    chain.outcome = CheckOutcome::kFailed;
    switch (err) {
      case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
      case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
        chain.reason = "chip.ds_certificate_signature_invalid";
        chain.detail = "a certificate's signature does not verify with its issuer's key";
        break;
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
      case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        chain.reason = "chip.csca_not_trusted";
        chain.detail = trust.anchors() == 0
                           ? "the trust store holds no CSCA certificate"
                           : "the document signer does not chain to a CSCA of the trust store";
        break;
      default:
        chain.reason = "chip.ds_chain_invalid";
        chain.detail = "the chain check failed";
        break;
    }
    chain.detail += std::string(" (") + X509_verify_cert_error_string(err) + ")";
    chain.info["ds_issuer"] = sod.signer ? sod.signer->issuer : "";
    return not_checked("chip.chain_not_built", "the chain was not established");
  }
  STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());
  if (built == nullptr || sk_X509_num(built) < 2) {
    // A document signer must be certified by a CSCA, not be a trust anchor itself.
    chain.outcome = CheckOutcome::kFailed;
    chain.reason = "chip.ds_chain_invalid";
    chain.detail = "the document signer certificate is itself in the trust store";
    return not_checked("chip.chain_not_built", "the chain was not established");
  }
  chain.outcome = CheckOutcome::kPassed;
  X509* root = sk_X509_value(built, sk_X509_num(built) - 1);
  const std::string root_fp = ossl::CertSha256(root);
  for (size_t i = 0; i < ts.anchors.size(); ++i) {
    if (trust.certificates()[ts.anchor_entry[i]].sha256 == root_fp) {
      if (anchor != nullptr) *anchor = trust.certificates()[ts.anchor_entry[i]];
      chain.info["csca_subject"] = trust.certificates()[ts.anchor_entry[i]].subject;
      chain.info["csca_sha256"] = root_fp;
      chain.info["csca_file"] = trust.certificates()[ts.anchor_entry[i]].file;
    }
  }
  chain.info["length"] = sk_X509_num(built);

  // Validity of every certificate in the chain at the verification time.
  validity.outcome = CheckOutcome::kPassed;
  validity.info["at"] = Day(at_time);
  nlohmann::json periods = nlohmann::json::array();
  for (int i = 0; i < sk_X509_num(built); ++i) {
    X509* c = sk_X509_value(built, i);
    const int64_t nb = ossl::TimeToUnix(X509_get0_notBefore(c));
    const int64_t na = ossl::TimeToUnix(X509_get0_notAfter(c));
    const char* role = i == 0 ? "ds" : X509_self_signed(c, 0) == 1 ? "csca" : "link";
    periods.push_back({{"role", role}, {"not_before", Day(nb)}, {"not_after", Day(na)}});
    if (validity.outcome == CheckOutcome::kFailed) continue;
    if (at_time < nb || at_time > na) {
      validity.outcome = CheckOutcome::kFailed;
      validity.reason =
          std::string("chip.") + role + (at_time < nb ? "_not_yet_valid" : "_expired");
      validity.detail = std::string("the ") +
                        (i == 0                        ? "document signer"
                         : role == std::string("csca") ? "CSCA"
                                                       : "link") +
                        " certificate is valid from " + Day(nb) + " to " + Day(na) + ", not on " +
                        Day(at_time);
    }
  }
  validity.info["certificates"] = periods;

  // Revocation: the newest CRL naming the DS's issuer whose signature verifies with the issuer.
  X509* issuer = sk_X509_value(built, 1);
  const X509_CRL* best = nullptr;
  int bad_signature = 0;
  for (const auto& crl : ts.crls) {
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(issuer)) != 0) continue;
    if (X509_CRL_verify(crl.get(), X509_get0_pubkey(issuer)) != 1) {
      ++bad_signature;
      continue;
    }
    if (best == nullptr ||
        ASN1_TIME_compare(X509_CRL_get0_lastUpdate(crl.get()), X509_CRL_get0_lastUpdate(best)) > 0)
      best = crl.get();
  }
  ossl::ClearErrors();
  if (bad_signature > 0) revocation.info["crls_with_bad_signature"] = bad_signature;
  if (best == nullptr) {
    revocation.outcome = CheckOutcome::kNotChecked;
    revocation.reason = "chip.no_crl";
    revocation.detail = "the trust store holds no CRL signed by this document signer's CSCA";
  } else {
    const int64_t last = ossl::TimeToUnix(X509_CRL_get0_lastUpdate(best));
    const int64_t next = ossl::TimeToUnix(X509_CRL_get0_nextUpdate(best));
    revocation.info["crl_last_update"] = Day(last);
    if (next != 0) revocation.info["crl_next_update"] = Day(next);
    X509_REVOKED* rev = nullptr;
    if (X509_CRL_get0_by_cert(const_cast<X509_CRL*>(best), &rev, h->signer.get()) == 1) {
      revocation.outcome = CheckOutcome::kFailed;
      revocation.reason = "chip.ds_revoked";
      revocation.detail = "the document signer certificate is on its CSCA's CRL (revoked " +
                          Day(ossl::TimeToUnix(X509_REVOKED_get0_revocationDate(rev))) + ")";
    } else if (at_time < last || (next != 0 && at_time > next)) {
      revocation.outcome = CheckOutcome::kFailed;
      revocation.reason = "chip.crl_out_of_date";
      revocation.detail = "the newest CRL of this CSCA covers " + Day(last) + " to " +
                          (next != 0 ? Day(next) : std::string("-")) +
                          ", not the verification time: install a current CRL";
    } else {
      revocation.outcome = CheckOutcome::kPassed;
    }
  }
  ossl::ClearErrors();
  return {chain, validity, revocation};
}

}  // namespace ekyc::chip
