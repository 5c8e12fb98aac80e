// Active authentication: RSA (ISO/IEC 9796-2, SHA-1 and SHA-256 trailers, the alternative n - s
// form) and ECDSA (plain r||s, hash from DG14); right key passes, wrong key or challenge fails;
// through VerifyChip only with a DG15 the SOD proves. And the nonce store.
#include <gtest/gtest.h>
#include <openssl/core_names.h>

#include <filesystem>
#include <thread>

#include "chip/chip.h"
#include "chip/testkit.h"

namespace ekyc::chip {
namespace {

using testkit::KeyType;

struct Keyed {
  ossl::PkeyPtr key;
  Dg15 dg15;
};

Keyed Key(KeyType t) {
  auto k = testkit::MakeKey(t);
  EXPECT_TRUE(k.ok());
  auto dg15 = testkit::Dg15For(k->get());
  EXPECT_TRUE(dg15.ok());
  auto d = ParseDg15(*dg15);
  EXPECT_TRUE(d.ok());
  return {std::move(*k), *d};
}

std::optional<Dg14> EcDg14() {
  auto d = ParseDg14(testkit::Dg14For());
  EXPECT_TRUE(d.ok());
  return *d;
}

const std::string kChallenge("\x01\x23\x45\x67\x89\xAB\xCD\xEF", 8);

TEST(ActiveAuth, RsaIso9796RightKeyPassesWrongKeyFails) {
  Keyed a = Key(KeyType::kRsa1024), b = Key(KeyType::kRsa1024);
  for (const char* hash : {"SHA1", "SHA256", "SHA384"}) {
    auto sig = testkit::SignChallenge(a.key.get(), kChallenge, hash);
    ASSERT_TRUE(sig.ok()) << sig.status().ToString();
    Check ok = VerifyActiveAuthentication(a.dg15, std::nullopt, {kChallenge, *sig});
    EXPECT_EQ(ok.outcome, CheckOutcome::kPassed) << hash << ": " << ok.detail;
    Check wrong_key = VerifyActiveAuthentication(b.dg15, std::nullopt, {kChallenge, *sig});
    EXPECT_EQ(wrong_key.outcome, CheckOutcome::kFailed) << hash;
    EXPECT_EQ(wrong_key.reason, "chip.aa_signature_invalid");
    std::string other = kChallenge;
    other[0] ^= 1;
    Check wrong_challenge = VerifyActiveAuthentication(a.dg15, std::nullopt, {other, *sig});
    EXPECT_EQ(wrong_challenge.reason, "chip.aa_signature_invalid") << hash;
    std::string bad = *sig;
    bad[bad.size() / 2] ^= 0x10;
    EXPECT_EQ(VerifyActiveAuthentication(a.dg15, std::nullopt, {kChallenge, bad}).outcome,
              CheckOutcome::kFailed);
  }
}

TEST(ActiveAuth, RsaAlternativeSignatureNMinusS) {
  Keyed a = Key(KeyType::kRsa1024);
  auto sig = testkit::SignChallenge(a.key.get(), kChallenge, "SHA1");
  ASSERT_TRUE(sig.ok());
  BIGNUM* n_raw = nullptr;
  ASSERT_EQ(EVP_PKEY_get_bn_param(a.key.get(), OSSL_PKEY_PARAM_RSA_N, &n_raw), 1);
  ossl::BnPtr n(n_raw);
  ossl::BnPtr s(BN_bin2bn(ossl::Bytes(*sig), static_cast<int>(sig->size()), nullptr));
  ossl::BnPtr alt(BN_new());
  ASSERT_EQ(BN_sub(alt.get(), n.get(), s.get()), 1);
  std::string alt_sig(sig->size(), '\0');
  ASSERT_EQ(BN_bn2binpad(alt.get(), reinterpret_cast<unsigned char*>(alt_sig.data()),
                         static_cast<int>(alt_sig.size())),
            static_cast<int>(alt_sig.size()));
  Check c = VerifyActiveAuthentication(a.dg15, std::nullopt, {kChallenge, alt_sig});
  EXPECT_EQ(c.outcome, CheckOutcome::kPassed) << c.detail;
  EXPECT_EQ(c.info["alternative_signature"], true);
}

TEST(ActiveAuth, EcdsaPlainRightKeyPassesWrongKeyFails) {
  Keyed a = Key(KeyType::kEcP256), b = Key(KeyType::kEcP256);
  auto sig = testkit::SignChallenge(a.key.get(), kChallenge, "SHA256");
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->size(), 64u);
  Check ok = VerifyActiveAuthentication(a.dg15, EcDg14(), {kChallenge, *sig});
  EXPECT_EQ(ok.outcome, CheckOutcome::kPassed) << ok.detail;
  EXPECT_EQ(VerifyActiveAuthentication(b.dg15, EcDg14(), {kChallenge, *sig}).reason,
            "chip.aa_signature_invalid");
  // A signature over another hash than DG14 names does not verify.
  auto sha1 = testkit::SignChallenge(a.key.get(), kChallenge, "SHA1");
  ASSERT_TRUE(sha1.ok());
  EXPECT_EQ(VerifyActiveAuthentication(a.dg15, EcDg14(), {kChallenge, *sha1}).outcome,
            CheckOutcome::kFailed);
  // Without DG14 the hash is unknown: refused, not guessed.
  EXPECT_EQ(VerifyActiveAuthentication(a.dg15, std::nullopt, {kChallenge, *sig}).reason,
            "chip.aa_dg14_missing");
  auto other_alg =
      ParseDg14(testkit::Dg14For("1.2.840.10045.4.3.2"));  // ecdsa-with-SHA256 (DER form)
  ASSERT_TRUE(other_alg.ok());
  EXPECT_EQ(VerifyActiveAuthentication(a.dg15, *other_alg, {kChallenge, *sig}).reason,
            "chip.aa_unsupported_algorithm");
}

TEST(ActiveAuth, MalformedAnswers) {
  Keyed a = Key(KeyType::kRsa1024);
  EXPECT_EQ(VerifyActiveAuthentication(a.dg15, std::nullopt, {"short", "x"}).reason,
            "chip.aa_challenge_invalid");
  EXPECT_EQ(VerifyActiveAuthentication(a.dg15, std::nullopt, {kChallenge, ""}).reason,
            "chip.aa_signature_invalid");
  EXPECT_EQ(VerifyActiveAuthentication(a.dg15, std::nullopt, {kChallenge, std::string(128, '\0')})
                .outcome,
            CheckOutcome::kFailed);
  EXPECT_EQ(VerifyActiveAuthentication(a.dg15, std::nullopt, {kChallenge, std::string(128, '\xFF')})
                .outcome,
            CheckOutcome::kFailed);
  EXPECT_EQ(VerifyActiveAuthentication(a.dg15, std::nullopt, {kChallenge, std::string(5000, 'a')})
                .outcome,
            CheckOutcome::kFailed);
}

TEST(ActiveAuth, ThroughVerifyChipOnlyWithAProvenKey) {
  namespace fs = std::filesystem;
  auto pki = testkit::MakePki();
  ASSERT_TRUE(pki.ok());
  const std::string dir =
      (fs::temp_directory_path() / ("ekyc-chip-aa-" + std::to_string(::getpid()))).string();
  ASSERT_TRUE(testkit::WriteTrustDir(dir, {pki->csca.get()}).ok());
  auto trust = TrustStore::Load(dir);
  ASSERT_TRUE(trust.ok());
  for (KeyType t : {KeyType::kRsa1024, KeyType::kEcP256}) {
    testkit::ChipSetOptions o;
    o.seed = 40;
    o.aa_key = t;
    auto set = testkit::MakeChipSet(*pki, o);
    ASSERT_TRUE(set.ok());
    auto sig = testkit::SignChallenge(set->aa_key.get(), kChallenge);
    ASSERT_TRUE(sig.ok());
    VerifyOptions vo;
    vo.active_auth = ActiveAuthInput{kChallenge, *sig};
    ChipReport r = VerifyChip(set->data, **trust, vo);
    EXPECT_TRUE(r.verified) << r.ToJson().dump(2);
    EXPECT_EQ(r.Find("active_authentication")->outcome, CheckOutcome::kPassed);
    // A clone: the same data groups, but answered with another key.
    auto clone_key = testkit::MakeKey(t);
    ASSERT_TRUE(clone_key.ok());
    auto clone_sig = testkit::SignChallenge(clone_key->get(), kChallenge);
    ASSERT_TRUE(clone_sig.ok());
    vo.active_auth = ActiveAuthInput{kChallenge, *clone_sig};
    r = VerifyChip(set->data, **trust, vo);
    EXPECT_FALSE(r.verified);
    EXPECT_TRUE(r.passive_authentication);
    EXPECT_EQ(r.Find("active_authentication")->reason, "chip.aa_signature_invalid");
    // The clone's own key put in DG15: the SOD no longer vouches for DG15.
    ChipData swapped = set->data;
    auto clone_dg15 = testkit::Dg15For(clone_key->get());
    ASSERT_TRUE(clone_dg15.ok());
    swapped.dgs[15] = *clone_dg15;
    r = VerifyChip(swapped, **trust, vo);
    EXPECT_FALSE(r.verified);
    EXPECT_EQ(r.Find("active_authentication")->reason, "chip.aa_dg15_not_proven");
  }
  fs::remove_all(dir);
}

TEST(ChallengeStoreTest, SingleUseBoundToOwnerAndExpiring) {
  ChallengeStore store;
  auto a = store.Issue("key-a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->challenge.size(), 8u);
  EXPECT_EQ(a->id.size(), 32u);
  auto b = store.Issue("key-a");
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a->challenge, b->challenge);
  EXPECT_EQ(store.Take(a->id, "key-b").status().reason(), "chip.challenge_unknown");  // other key
  auto got = store.Take(a->id, "key-a");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, a->challenge);
  EXPECT_EQ(store.Take(a->id, "key-a").status().reason(), "chip.challenge_unknown");  // used
  EXPECT_EQ(store.Take("nope", "key-a").status().reason(), "chip.challenge_unknown");

  ChallengeStore::Options short_lived;
  short_lived.lifetime = std::chrono::seconds(0);
  ChallengeStore s2(short_lived);
  auto c = s2.Issue("k");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(s2.Take(c->id, "k").status().reason(), "chip.challenge_unknown");  // expired

  ChallengeStore::Options tiny;
  tiny.max_outstanding = 2;
  ChallengeStore s3(tiny);
  ASSERT_TRUE(s3.Issue("k").ok());
  ASSERT_TRUE(s3.Issue("k").ok());
  EXPECT_EQ(s3.Issue("k").status().reason(), "chip.challenge_store_full");
}

}  // namespace
}  // namespace ekyc::chip
