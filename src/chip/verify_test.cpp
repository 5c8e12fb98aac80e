// Passive authentication end to end on synthetic chip sets: the genuine set verifies; each
// negative case fails with its own reason and is never reported as verified.
#include <gtest/gtest.h>

#include <filesystem>

#include "chip/chip.h"
#include "chip/testkit.h"

namespace ekyc::chip {
namespace {

namespace fs = std::filesystem;
using testkit::ChipSetOptions;
using testkit::KeyType;

ChipSetOptions Seed(uint64_t seed) {
  ChipSetOptions o;
  o.seed = seed;
  return o;
}

class ChipVerify : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto pki = testkit::MakePki();
    ASSERT_TRUE(pki.ok()) << pki.status().ToString();
    pki_ = new testkit::Pki(std::move(*pki));
    dir_ = new std::string(
        (fs::temp_directory_path() / ("ekyc-chip-verify-" + std::to_string(::getpid()))).string());
    fs::remove_all(*dir_);
    ASSERT_TRUE(testkit::WriteTrustDir(*dir_ + "/trusted", {pki_->csca.get()}).ok());
    auto t = TrustStore::Load(*dir_ + "/trusted");
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    trust_ = new std::shared_ptr<const TrustStore>(*t);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete trust_;
    delete pki_;
  }
  static testkit::ChipSet Set(ChipSetOptions o = {}, const testkit::Pki* pki = nullptr) {
    auto s = testkit::MakeChipSet(pki != nullptr ? *pki : *pki_, o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return std::move(*s);
  }
  static ChipReport Verify(const ChipData& d, const TrustStore* trust = nullptr,
                           VerifyOptions o = {}) {
    return VerifyChip(d, trust != nullptr ? *trust : **trust_, o);
  }
  static std::string Reason(const ChipReport& r, const std::string& check) {
    const Check* c = r.Find(check);
    return c == nullptr ? "<no check " + check + ">" : c->reason;
  }
  static std::string Outcome(const ChipReport& r, const std::string& check) {
    const Check* c = r.Find(check);
    return c == nullptr ? "<no check>" : CheckOutcomeName(c->outcome);
  }

  static testkit::Pki* pki_;
  static std::string* dir_;
  static std::shared_ptr<const TrustStore>* trust_;
};
testkit::Pki* ChipVerify::pki_ = nullptr;
std::string* ChipVerify::dir_ = nullptr;
std::shared_ptr<const TrustStore>* ChipVerify::trust_ = nullptr;

TEST_F(ChipVerify, GenuineSetVerifies) {
  auto set = Set(Seed(11));
  ChipReport r = Verify(set.data);
  EXPECT_TRUE(r.verified) << r.ToJson().dump(2);
  EXPECT_TRUE(r.passive_authentication);
  EXPECT_TRUE(r.FailureReasons().empty());
  for (const char* c :
       {"sod", "dg_hash:DG1", "dg_hash:DG2", "dg_hash:DG13", "sod_signature", "ds_chain",
        "validity", "dg1", "dg2", "dg13_layout", "dg1_dg13_consistency", "com"})
    EXPECT_EQ(Outcome(r, c), "passed") << c;
  EXPECT_EQ(Outcome(r, "revocation"), "not_checked");
  EXPECT_EQ(Reason(r, "revocation"), "chip.no_crl");
  EXPECT_EQ(Outcome(r, "active_authentication"), "not_checked");
  EXPECT_TRUE(r.Proven(13));
  ASSERT_TRUE(r.csca.has_value());
  EXPECT_FALSE(r.portrait.empty());
  const auto d = ChipDocResult(r);
  EXPECT_EQ(d.Get("id")->value, set.person.id);
  EXPECT_EQ(d.Get("id")->confidence, 1.0);
  EXPECT_EQ(d.Get("ho_ten")->value, set.person.name);
  ASSERT_TRUE(d.mrz.has_value());
  EXPECT_TRUE(d.mrz->checks_ok);
}

TEST_F(ChipVerify, RsaSignerAndJpeg2000PortraitVerify) {
  testkit::PkiOptions po;
  po.csca_key = KeyType::kRsa2048;
  po.ds_key = KeyType::kRsa2048;
  auto pki = testkit::MakePki(po);
  ASSERT_TRUE(pki.ok());
  ASSERT_TRUE(testkit::WriteTrustDir(*dir_ + "/rsa", {pki->csca.get()}).ok());
  auto trust = TrustStore::Load(*dir_ + "/rsa");
  ASSERT_TRUE(trust.ok());
  ChipSetOptions o;
  o.seed = 12;
  o.portrait_kind = ImageKind::kJpeg2000;
  o.sod.hash = "SHA512";
  auto set = Set(o, &*pki);
  ChipReport r = Verify(set.data, trust->get());
  EXPECT_TRUE(r.verified) << r.ToJson().dump(2);
  EXPECT_EQ(r.sod->hash_algorithm, "SHA512");
  EXPECT_EQ(r.dg2->kind, ImageKind::kJpeg2000);
  EXPECT_FALSE(r.portrait.empty());
}

TEST_F(ChipVerify, ChangedByteInEachDataGroupFailsItsHash) {
  ChipSetOptions o;
  o.seed = 13;
  o.aa_key = KeyType::kEcP256;  // DG14 and DG15 as well
  auto set = Set(o);
  for (const auto& [dg, bytes] : set.data.dgs) {
    // A byte in the middle of the content: the file still parses, only the hash can tell.
    ChipData d = set.data;
    std::string& b = d.dgs[dg];
    b[b.size() - 2] = static_cast<char>(b[b.size() - 2] ^ 0x01);
    ChipReport r = Verify(d);
    const std::string check = "dg_hash:DG" + std::to_string(dg);
    EXPECT_FALSE(r.verified) << check;
    EXPECT_FALSE(r.passive_authentication) << check;
    EXPECT_EQ(Outcome(r, check), "failed") << check;
    EXPECT_EQ(Reason(r, check), "chip.dg_hash_mismatch") << check;
    EXPECT_FALSE(r.Proven(dg));
    // The fields of an unproven DG13 keep confidence 0.
    if (dg == 13 && r.dg13) {
      EXPECT_EQ(ChipDocResult(r).Get("id")->confidence, 0.0);
    }
  }
}

TEST_F(ChipVerify, WrongSignatureFails) {
  ChipSetOptions o;
  o.seed = 14;
  o.sod.corrupt_signature = true;
  ChipReport r = Verify(Set(o).data);
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(Reason(r, "sod_signature"), "chip.sod_signature_invalid");
  // The hashes themselves still match: only the signature is wrong.
  EXPECT_EQ(Outcome(r, "dg_hash:DG1"), "passed");
}

TEST_F(ChipVerify, ChangedSignedContentFails) {
  ChipSetOptions o;
  o.seed = 15;
  o.sod.corrupt_content = true;
  ChipReport r = Verify(Set(o).data);
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(Reason(r, "sod_signature"), "chip.sod_content_digest_mismatch");
}

TEST_F(ChipVerify, SignerCertificateMissingIsUnknownSigner) {
  ChipSetOptions o;
  o.seed = 16;
  o.sod.include_certificate = false;
  ChipReport r = Verify(Set(o).data);
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(Reason(r, "sod_signature"), "chip.sod_signer_certificate_missing");
  EXPECT_EQ(Outcome(r, "ds_chain"), "not_checked");
}

TEST_F(ChipVerify, ExpiredAndNotYetValidSigners) {
  testkit::PkiOptions expired;
  expired.ds_not_before = -400LL * 86400;
  expired.ds_not_after = -1LL * 86400;
  auto pki = testkit::MakePki(expired);
  ASSERT_TRUE(pki.ok());
  ASSERT_TRUE(testkit::WriteTrustDir(*dir_ + "/expired", {pki->csca.get()}).ok());
  auto trust = TrustStore::Load(*dir_ + "/expired");
  ASSERT_TRUE(trust.ok());
  ChipReport r = Verify(Set(Seed(17), &*pki).data, trust->get());
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(Outcome(r, "ds_chain"), "passed");
  EXPECT_EQ(Reason(r, "validity"), "chip.ds_expired");
  // The same chip checked at a time inside the DS's validity passes.
  VerifyOptions then;
  then.at_time = static_cast<int64_t>(std::time(nullptr)) - 100LL * 86400;
  EXPECT_TRUE(Verify(Set(Seed(17), &*pki).data, trust->get(), then).verified);
  then.at_time = static_cast<int64_t>(std::time(nullptr)) - 500LL * 86400;
  EXPECT_EQ(Reason(Verify(Set(Seed(17), &*pki).data, trust->get(), then), "validity"),
            "chip.ds_not_yet_valid");
}

TEST_F(ChipVerify, ExpiredCscaFails) {
  testkit::PkiOptions o;
  o.csca_not_before = -3000LL * 86400;
  o.csca_not_after = -2LL * 86400;
  o.ds_not_before = -2900LL * 86400;
  auto pki = testkit::MakePki(o);
  ASSERT_TRUE(pki.ok());
  ASSERT_TRUE(testkit::WriteTrustDir(*dir_ + "/old-csca", {pki->csca.get()}).ok());
  auto trust = TrustStore::Load(*dir_ + "/old-csca");
  ASSERT_TRUE(trust.ok());
  ChipReport r = Verify(Set(Seed(18), &*pki).data, trust->get());
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(Reason(r, "validity"), "chip.csca_expired");
}

TEST_F(ChipVerify, UntrustedCscaFails) {
  auto other = testkit::MakePki();
  ASSERT_TRUE(other.ok());
  ChipReport r = Verify(Set(Seed(19), &*other).data);
  EXPECT_FALSE(r.verified);
  EXPECT_TRUE(r.Find("sod_signature")->outcome == CheckOutcome::kPassed);  // signed, by a stranger
  EXPECT_EQ(Reason(r, "ds_chain"), "chip.csca_not_trusted");
  EXPECT_EQ(Outcome(r, "validity"), "not_checked");
  // An empty trust store trusts nothing.
  fs::create_directories(*dir_ + "/empty");
  auto empty = TrustStore::Load(*dir_ + "/empty");
  ASSERT_TRUE(empty.ok());
  ChipReport e = Verify(Set(Seed(19)).data, empty->get());
  EXPECT_EQ(Reason(e, "ds_chain"), "chip.csca_not_trusted");
  EXPECT_FALSE(e.verified);
}

TEST_F(ChipVerify, TruncatedSodFails) {
  auto set = Set(Seed(20));
  for (size_t keep : {size_t{0}, size_t{10}, set.data.sod.size() / 2, set.data.sod.size() - 1}) {
    ChipData d = set.data;
    d.sod = d.sod.substr(0, keep);
    ChipReport r = Verify(d);
    EXPECT_FALSE(r.verified);
    EXPECT_FALSE(r.passive_authentication);
    EXPECT_EQ(Reason(r, "sod"), "chip.sod_malformed") << keep;
    EXPECT_EQ(Outcome(r, "sod_signature"), "not_checked");
    EXPECT_EQ(Outcome(r, "dg_hash:DG1"), "not_checked");
  }
}

TEST_F(ChipVerify, Dg13WithUnknownTagsIsGenuineButNotVerified) {
  ChipSetOptions o;
  o.seed = 21;
  o.dg13_extra = {{20, "x"}, {33, "y"}};
  ChipReport r = Verify(Set(o).data);
  EXPECT_TRUE(r.passive_authentication);  // the issuer signed it
  EXPECT_FALSE(r.verified);               // the server does not know what it says
  EXPECT_EQ(Reason(r, "dg13_layout"), "chip.dg13_unknown_tags");
  EXPECT_EQ(r.Find("dg13_layout")->info["unknown_tags"], nlohmann::json({20, 33}));
}

TEST_F(ChipVerify, DataGroupNotInSodFails) {
  auto set = Set(Seed(22));
  ChipData d = set.data;
  d.dgs[3] = "\x63\x02\x01\x02";
  ChipReport r = Verify(d);
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(Reason(r, "dg_hash:DG3"), "chip.dg_not_in_sod");
}

TEST_F(ChipVerify, MissingRequiredDataGroupIsNotVerified) {
  auto set = Set(Seed(23));
  ChipData d = set.data;
  d.dgs.erase(13);
  ChipReport r = Verify(d);
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(Reason(r, "required_data_groups"), "chip.dg_missing");
}

TEST_F(ChipVerify, Dg1Dg13DisagreementIsReported) {
  // A correctly signed set whose DG13 names another ID than its MRZ.
  auto set = Set(Seed(24));
  auto p = set.person;
  p.id = p.id.substr(0, 11) + (p.id.back() == '0' ? "1" : "0");
  set.data.dgs[13] = testkit::Dg13For(p);
  auto sod = testkit::MakeSod(set.data.dgs, pki_->ds.get(), pki_->ds_key.get());
  ASSERT_TRUE(sod.ok());
  set.data.sod = *sod;
  ChipReport r = Verify(set.data);
  EXPECT_TRUE(r.passive_authentication);
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(Reason(r, "dg1_dg13_consistency"), "chip.dg1_dg13_mismatch");
}

TEST_F(ChipVerify, RevocationWithCrls) {
  auto pki = testkit::MakePki();
  ASSERT_TRUE(pki.ok());
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto revoking = testkit::MakeCrl(pki->csca.get(), pki->csca_key.get(), {pki->ds.get()},
                                   now - 86400, now + 30 * 86400);
  auto clean =
      testkit::MakeCrl(pki->csca.get(), pki->csca_key.get(), {}, now - 86400, now + 30 * 86400);
  auto stale = testkit::MakeCrl(pki->csca.get(), pki->csca_key.get(), {}, now - 90 * 86400,
                                now - 60 * 86400);
  ASSERT_TRUE(revoking.ok() && clean.ok() && stale.ok());
  auto set = Set(Seed(25), &*pki);
  auto with = [&](const std::string& name, const std::string& crl) {
    EXPECT_TRUE(testkit::WriteTrustDir(*dir_ + "/" + name, {pki->csca.get()}, {crl}).ok());
    auto t = TrustStore::Load(*dir_ + "/" + name);
    EXPECT_TRUE(t.ok());
    return Verify(set.data, t->get());
  };
  ChipReport r = with("crl-revoked", *revoking);
  EXPECT_FALSE(r.verified);
  EXPECT_FALSE(r.passive_authentication);
  EXPECT_EQ(Reason(r, "revocation"), "chip.ds_revoked");
  r = with("crl-clean", *clean);
  EXPECT_TRUE(r.verified) << r.ToJson().dump(2);
  EXPECT_EQ(Outcome(r, "revocation"), "passed");
  r = with("crl-stale", *stale);
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(Reason(r, "revocation"), "chip.crl_out_of_date");
  // A CRL with the CSCA's name but another key's signature is not used.
  auto other = testkit::MakePki();
  ASSERT_TRUE(other.ok());
  auto forged = testkit::MakeCrl(pki->csca.get(), other->csca_key.get(), {pki->ds.get()},
                                 now - 86400, now + 86400);
  ASSERT_TRUE(forged.ok());
  r = with("crl-forged", *forged);
  EXPECT_EQ(Outcome(r, "revocation"), "not_checked");
  EXPECT_TRUE(r.verified);
}

TEST_F(ChipVerify, CscaRotationThroughALinkCertificate) {
  // The operator trusts the old CSCA; the state rolled over to a new CSCA key and published a link
  // certificate (new CSCA key certified by the old one). Cards signed under the new CSCA verify.
  auto old_pki = testkit::MakePki();
  ASSERT_TRUE(old_pki.ok());
  auto new_key = testkit::MakeKey(KeyType::kEcP256);
  ASSERT_TRUE(new_key.ok());
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  testkit::CertSpec spec{"Test CSCA Viet Nam 2", now - 86400, now + 3650LL * 86400, true, 10};
  auto link = testkit::MakeCert(spec, new_key->get(), old_pki->csca.get(), old_pki->csca_key.get());
  auto new_self = testkit::MakeCert(spec, new_key->get(), nullptr, nullptr);
  ASSERT_TRUE(link.ok() && new_self.ok());
  auto ds =
      testkit::MakeCert({"Test Document Signer 2", now - 86400, now + 3650LL * 86400, false, 11},
                        old_pki->ds_key.get(), new_self->get(), new_key->get());
  ASSERT_TRUE(ds.ok());
  testkit::Pki rolled;
  rolled.ds_key = std::move(old_pki->ds_key);
  rolled.ds = std::move(*ds);
  ASSERT_TRUE(testkit::WriteTrustDir(*dir_ + "/rotation", {old_pki->csca.get(), link->get()}).ok());
  auto trust = TrustStore::Load(*dir_ + "/rotation");
  ASSERT_TRUE(trust.ok());
  EXPECT_EQ((*trust)->anchors(), 1);
  ChipReport r = Verify(Set(Seed(26), &rolled).data, trust->get());
  EXPECT_TRUE(r.verified) << r.ToJson().dump(2);
  EXPECT_EQ(r.Find("ds_chain")->info["length"], 2);  // DS, then the link certificate
}

TEST_F(ChipVerify, ReportJsonCarriesNoPersonalData) {
  auto set = Set(Seed(27));
  const std::string j = Verify(set.data).ToJson().dump();
  EXPECT_EQ(j.find(set.person.id), std::string::npos);
  EXPECT_EQ(j.find(set.person.name), std::string::npos);
  EXPECT_EQ(j.find(set.person.dob), std::string::npos);
}

}  // namespace
}  // namespace ekyc::chip
