// Synthetic chip data made with OpenSSL, for tests, the benchmark and `ekyc chip sample`: a test
// CSCA and document signer, generated people, DG1/DG2/DG13/DG14/DG15/COM built to ICAO 9303-10
// (DG13 to the project's layout table), a CMS-signed SOD, active authentication keys and answers,
// and the negative variants the verifier must catch (tampered bytes, wrong signatures, expired or
// unknown signers, untrusted CSCAs, CRLs). Never used by the server to decide anything.
//
// Thread-safety: free functions; each call builds its own objects.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "chip/chip.h"
#include "chip/ossl.h"

namespace ekyc::chip::testkit {

enum class KeyType { kNone, kRsa2048, kRsa1024, kEcP256 };
Result<ossl::PkeyPtr> MakeKey(KeyType type);

struct CertSpec {
  std::string common_name;
  int64_t not_before = 0;  // unix seconds
  int64_t not_after = 0;
  bool ca = false;
  long serial = 1;
};
// Signed by `issuer_key` under `issuer` (null: self-signed with `key`).
Result<ossl::X509Ptr> MakeCert(const CertSpec& spec, EVP_PKEY* key, X509* issuer,
                               EVP_PKEY* issuer_key);
std::string Pem(X509* cert);
// A PEM CRL of `issuer` revoking `revoked`, valid from `last_update` to `next_update`.
Result<std::string> MakeCrl(X509* issuer, EVP_PKEY* issuer_key, const std::vector<X509*>& revoked,
                            int64_t last_update, int64_t next_update);

struct Pki {
  ossl::PkeyPtr csca_key, ds_key;
  ossl::X509Ptr csca, ds;
};
struct PkiOptions {
  KeyType csca_key = KeyType::kEcP256;
  KeyType ds_key = KeyType::kEcP256;
  std::string country_name = "Test CSCA Viet Nam";  // CN of the CSCA
  int64_t now = 0;                                  // 0: the current time
  int64_t ds_not_before = -30LL * 86400;            // relative to now
  int64_t ds_not_after = 3650LL * 86400;
  int64_t csca_not_before = -365LL * 86400;
  int64_t csca_not_after = 15LL * 365 * 86400;
  long ds_serial = 2;
};
Result<Pki> MakePki(const PkiOptions& options = {});

// A generated Vietnamese citizen: fields as a chip CCCD holds them (DG13 formats).
struct Person {
  std::string id, name, dob, sex, nationality, ethnicity, religion, origin, residence, marks,
      issued, expiry, father, mother, old_id;
};
Person MakePerson(uint64_t seed);

// The TD1 MRZ lines of `p` (check digits computed).
std::vector<std::string> MrzFor(const Person& p);
std::string Dg1For(const Person& p);
// A drawn portrait-like picture (no face), encoded as `kind`.
std::string DrawnTestPortrait(uint64_t seed, ImageKind kind);
// DG2 around an encoded image; `width`/`height` go into the 19794-5 image information.
std::string Dg2For(const std::string& image, ImageKind kind, int width, int height);
struct Dg13Extra {
  int tag;
  std::string value;
};
// DG13 per the layout table; `extra` fields are appended (unknown tags for negative tests).
// A non-field element precedes the fields, as the few header bytes real cards carry do.
std::string Dg13For(const Person& p, const std::vector<Dg13Extra>& extra = {});
// DG14 with an ActiveAuthenticationInfo naming `signature_oid` (ecdsa-plain-SHA256 by default).
std::string Dg14For(const std::string& signature_oid = "0.4.0.127.0.7.1.1.4.1.3");
Result<std::string> Dg15For(EVP_PKEY* aa_key);
std::string ComFor(const std::vector<int>& dgs);

struct SodOptions {
  std::string hash = "SHA256";
  bool include_certificate = true;  // false: the SignerInfo names a certificate not included
  bool corrupt_signature = false;   // flip a bit of the SignerInfo's signature after signing
  bool corrupt_content = false;     // change the signed LDS security object after signing
};
Result<std::string> MakeSod(const std::map<int, std::string>& dgs, X509* ds, EVP_PKEY* ds_key,
                            const SodOptions& options = {});

// The chip's answer to an active authentication challenge. RSA: ISO/IEC 9796-2 scheme 1 with
// partial recovery (hash "SHA1" -> trailer 0xBC, others 0xhhCC); EC: plain r||s over `hash`.
Result<std::string> SignChallenge(EVP_PKEY* aa_key, const std::string& challenge,
                                  const std::string& hash = "");

struct ChipSetOptions {
  uint64_t seed = 1;
  std::optional<Person> person;  // default: MakePerson(seed)
  std::string portrait;          // encoded image; empty: DrawnTestPortrait
  ImageKind portrait_kind = ImageKind::kJpeg;
  KeyType aa_key = KeyType::kNone;  // adds DG15 (and DG14 for EC)
  std::vector<Dg13Extra> dg13_extra;
  SodOptions sod;
};
struct ChipSet {
  Person person;
  ChipData data;
  ossl::PkeyPtr aa_key;
};
Result<ChipSet> MakeChipSet(const Pki& pki, const ChipSetOptions& options = {});

// Writes `certs` (PEM, one file each) and `crls` (PEM strings) into `dir` (created).
Status WriteTrustDir(const std::string& dir, const std::vector<X509*>& certs,
                     const std::vector<std::string>& crls = {});

}  // namespace ekyc::chip::testkit
